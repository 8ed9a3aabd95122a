"""The settlement path's one-round-trip transactions (engine.center.onetrip): the connection a
message used goes back to the pool as it came (transactional, idle), whatever the answer, and
what the message wrote is committed exactly when it was answered."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.center.models import CenterFeeDetail, CenterMessage, CenterSettlement
from tests.center.center_helpers import open_visit


def _driver_state(engine) -> list[tuple[bool, str]]:
    """(autocommit, transaction status) of every idle pooled connection."""
    out = []
    conn = engine.raw_connection()  # the pool's most recent connection, the one just used
    try:
        raw = conn.driver_connection
        if hasattr(raw, "autocommit") and hasattr(raw, "info"):
            out.append((raw.autocommit, raw.info.transaction_status.name))
        else:  # sqlite3: its own transaction flag
            out.append((False, "IDLE" if not raw.in_transaction else "INTRANS"))
    finally:
        conn.close()
    return out


def test_a_settlement_and_a_refusal_leave_the_connection_as_it_came(engine, bt, people):
    visit = open_visit(bt, people["艾力·买买提"])
    assert _driver_state(engine) == [(False, "IDLE")]
    assert visit.settle(msgid="ONE-1")["setlinfo"]["setl_id"]
    assert _driver_state(engine) == [(False, "IDLE")]
    refused = visit.answer(msgid="ONE-2", medfee_sumamt="1.00")  # does not match the lines
    assert refused["infcode"] == -1
    assert _driver_state(engine) == [(False, "IDLE")]
    with Session(engine) as s:
        # The answered settlement is committed; the refused message left nothing behind.
        assert s.scalar(select(func.count()).select_from(CenterSettlement)) == 1
        assert s.get(CenterMessage, "ONE-1") is not None
        assert s.get(CenterMessage, "ONE-2") is None


def test_a_refused_upload_writes_no_line(engine, bt, people):
    visit = open_visit(bt, people["艾力·买买提"])
    before = _lines(engine)
    answer = bt.center.handle(
        bt.message(
            "2204",
            {
                "feedetail": [
                    {
                        "feedetl_sn": "X-1",
                        "mdtrt_id": visit.mdtrt_id,
                        "psn_no": "6527000000000099",  # not the visit's patient
                        "chrg_bchno": "B9",
                        "medins_list_codg": "HS00045",
                        "pric": "10.00",
                        "cnt": "1",
                        "det_item_fee_sumamt": "10.00",
                    }
                ]
            },
        )
    )
    assert answer["infcode"] == -1 and "psn_no" in answer["err_msg"]
    assert _lines(engine) == before
    assert _driver_state(engine) == [(False, "IDLE")]


def _lines(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(CenterFeeDetail))
