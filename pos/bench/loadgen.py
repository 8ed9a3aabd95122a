"""Synthetic families for load tests and the ledger benchmark: givers and bound children.

Written as a fixtures directory (institutions.toml copied from the real fixtures, one families
file), so it is seeded by exactly the same code as the demo families.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from engine.center.seed import FIXTURES_DIR
from engine.idcard import make

GIVER = "6527009900000001"
STATION = "H65270100001"


def giver(n: int) -> str:
    """psn_no of giver n; giver 0 is GIVER."""
    return f"652700990000{n + 1:04d}"


def child(n: int) -> tuple[str, str]:
    """(psn_no, certno) of load child n."""
    return f"652700990001{n:04d}", make("652701", date(2015, 1 + n % 12, 1 + n % 28), 10 + n % 900)


def _giver_toml(g: int, balance: Decimal) -> str:
    return f'''[[family.person]]
psn_no = "{giver(g)}"
name = "压力测试共济人{g}"
certno = "{make("652701", date(1980, 1, 1 + g % 28), 11 + 2 * g)}"
gend = "1"
brdy = 1980-01-{1 + g % 28:02d}
card_no = "X98{g:06d}"
ecert_token = "YB652700LOADTESTGIVER{g:09d}"
enrolment = {{ insutype = "310", psn_type = "1101", admdvs = "652700" }}
account = {{ balance = "{balance}" }}
'''


def _child_toml(n: int, giver_psn_no: str, quota: Decimal) -> str:
    psn_no, certno = child(n)
    born = date(2015, 1 + n % 12, 1 + n % 28)
    return f'''[[family.person]]
psn_no = "{psn_no}"
name = "压力测试孩子{n}"
certno = "{certno}"
gend = "{"1" if int(certno[16]) % 2 else "2"}"
brdy = {born.isoformat()}
card_no = "X99{n:06d}"
ecert_token = "YB652700LOADTESTCHILD{n:09d}"
enrolment = {{ insutype = "390", psn_type = "1403", admdvs = "652700" }}

[[family.binding]]
id = "BND-LOAD-{n}"
giver = "{giver_psn_no}"
beneficiary = "{psn_no}"
relationship = "child"
quota = "{quota}"
valid_from = 2025-01-01
channel = "online"
proof = "出生证明"
pledge_signed = true
'''


def write_load_fixtures(
    directory: Path, *, children: int, balance: Decimal, quota: Decimal, givers: int = 1
) -> Path:
    """Child n is bound to giver n % givers: one giver shared by all (the money-safety test),
    or one each (the benchmark's concurrent stations, which then share no lock)."""
    directory = Path(directory)
    (directory / "families").mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES_DIR / "institutions.toml", directory / "institutions.toml")
    parts = [
        '[[family]]\nid = "LOAD"\nname = "压力测试家庭"\nstory = "合成数据（并发与基准测试用）"\n'
    ]
    parts += [_giver_toml(g, balance) for g in range(givers)]
    parts += [_child_toml(n, giver(n % givers), quota) for n in range(children)]
    (directory / "families" / "load.toml").write_text("\n".join(parts), encoding="utf-8")
    return directory
