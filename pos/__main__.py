"""`python -m pos …`: the same as the `pos` command."""

import sys

from pos.cli import main

sys.exit(main())
