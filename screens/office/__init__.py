"""The back office, reached from the cashier screen (Shift+F12 / Ctrl+U): find a settlement and
its papers (补打, 重打, 退费), the day close with a blind count (X and Z reports, a picture of the
day), and reconciliation with the center (3201 / 3202, 2601 冲正).

Grouped by area, like posting's widgets: office.py (the screen and its tabs), records.py,
record.py, refund.py, reason.py, closing.py, count.py, chart.py, reconcile.py; each with its .tcss.
"""

# Nothing is imported here: the cashier screen imports only keys.py, the rest loads on first use.
