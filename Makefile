# Convenience aliases; tasks.py is the real thing (it needs only Python 3.11+).
.PHONY: run test bench
run:
	python3 tasks.py run
test:
	python3 tasks.py test
bench:
	.venv/bin/pos bench engine
