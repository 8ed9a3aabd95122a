"""The settlement path (2204, 2206, 2207) runs without an ORM Session once its caches are warm
(engine.center.onetrip): a budget on what is done per message, never a timing. The ORM stays
available to a handler on a rare path, on the same connection and transaction."""

from __future__ import annotations

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from engine.center.models import CenterFeeDetail, CenterMessage, CenterSettlement
from tests.center.center_helpers import BILL, open_visit


class SessionsBegun:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, session, transaction, connection) -> None:
        self.count += 1

    def __enter__(self):
        event.listen(Session, "after_begin", self)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(Session, "after_begin", self)


def test_a_settled_batch_begins_no_orm_session(engine, bt, people):
    visit = open_visit(bt, people["艾力·买买提"])
    visit.settle(msgid="HOT-1")  # the first settlement warms the center's caches
    with SessionsBegun() as begun:
        total = bt.upload(visit.mdtrt_id, visit.person.psn_no, "B2", BILL)
        visit.batch, visit.total = "B2", total
        visit.presettle()
        info = visit.settle(msgid="HOT-2")["setlinfo"]
    assert begun.count == 0
    with Session(engine) as s:
        assert s.get(CenterMessage, "HOT-2").setl_id == info["setl_id"]
        lines = s.scalar(
            select(func.count())
            .select_from(CenterFeeDetail)
            .where(CenterFeeDetail.mdtrt_id == visit.mdtrt_id, CenterFeeDetail.chrg_bchno == "B2")
        )
        assert lines == len(BILL)


def test_a_replayed_settlement_uses_the_orm_inside_the_same_transaction(engine, bt, people):
    visit = open_visit(bt, people["艾力·买买提"])
    first = visit.settle(msgid="HOT-3")
    with SessionsBegun() as begun:
        again = visit.settle(msgid="HOT-3")  # the msgid clashes; the retry reads the stored answer
    assert begun.count >= 1
    assert again["setlinfo"]["setl_id"] == first["setlinfo"]["setl_id"]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(CenterSettlement)) == 1
