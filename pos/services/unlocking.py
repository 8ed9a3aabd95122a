"""A supervisor lifts a cashier's PIN lockout at the login screen (nobody signed in).

    desk.unlock_with_supervisor("1009", "999999", "1002")   # 张红梅 unlocks 阿依古丽

The supervisor authenticates with their own number and PIN at this window's institution (their own
wrong PINs count towards their own lockout); the unlock is one audit entry, `cashier.unlock`, by
the supervisor, naming the cashier and until when the number was locked. A refusal is audited as
`cashier.unlock.refused` (its code; never a PIN). Nobody is signed in by it.
"""

from __future__ import annotations

from pos.audit import safe_actor
from pos.auth import unlock_by_supervisor
from pos.errors import PosError
from pos.services.views import UnlockView
from pos.services.window import Window


class Unlocking:
    """Uses the window's books and clock; touches no counter state."""

    def __init__(self, window: Window) -> None:
        self.window = window

    def unlock(self, supervisor_no: str, pin: str, cashier_no: str) -> UnlockView:
        window = self.window
        now = window.clock()
        failure: PosError | None = None
        view: UnlockView | None = None
        with window.db.transaction() as s:
            try:
                supervisor, cashier, was = unlock_by_supervisor(
                    s,
                    str(supervisor_no),
                    pin,
                    str(cashier_no),
                    now,
                    fixmedins_code=window.station.fixmedins_code,
                )
            except PosError as exc:
                failure = exc  # the supervisor's failure count stays: commit, then raise
                window.audit(
                    s,
                    "cashier.unlock.refused",
                    safe_actor(str(cashier_no)[:20]),
                    {"code": exc.code},
                    actor=str(supervisor_no)[:20],
                )
            else:
                view = UnlockView(
                    cashier.cashier_no,
                    cashier.name,
                    supervisor.cashier_no,
                    supervisor.name,
                    now,
                    was,
                )
                window.audit(
                    s,
                    "cashier.unlock",
                    cashier.cashier_no,
                    {
                        "supervisor": supervisor.cashier_no,
                        "locked_until": was.isoformat() if was else None,
                        "via": "login",
                    },
                    actor=supervisor.cashier_no,
                )
        if failure is not None:
            raise failure
        assert view is not None
        return view
