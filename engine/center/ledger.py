"""Money movements: post a settlement, undo one (冲红 / 冲正). Only ever inserts money rows.

Locking (why two stations can never overdraw a giver or a quota): every writer locks, in one
global order, the visit → the patient's enrolment → the accounts it touches (sorted by psn_no)
→ the bindings (sorted by id) → the ytd rows, with SELECT … FOR UPDATE on PostgreSQL, and
computes amounts only from what it read under those locks. On SQLite the whole transaction
started with BEGIN IMMEDIATE, so writers are serialized before they read anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import cache

from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.attributes import set_committed_value

from engine.center import queries
from engine.center.context import CenterError, Ctx
from engine.center.models import (
    CenterAccount,
    CenterBinding,
    CenterJournal,
    CenterNotice,
    CenterSettlement,
    CenterYtd,
)
from engine.center.onetrip import Record
from engine.masking import mask_name
from engine.models import SETLINFO_MONEY_FIELDS
from engine.money import ZERO, fmt

# The settlement row's amount columns (the setlinfo money fields it stores, less the balance):
# negated together by a refund or a reversal.
AMOUNT_COLUMNS = tuple(
    name
    for name in SETLINFO_MONEY_FIELDS
    if name != "balc" and name in CenterSettlement.__table__.columns
)


def lock_accounts(ctx: Ctx, psn_nos: Iterable[str]) -> dict[str, CenterAccount]:
    keys = sorted(set(psn_nos))
    if not keys:
        return {}
    rows = ctx.session.execute(queries.accounts(True), {"psn_nos": keys}).scalars()
    return {a.psn_no: a for a in rows}


def lock_bindings(ctx: Ctx, beneficiary_psn_no: str) -> list[CenterBinding]:
    q = queries.bindings_of_beneficiary(True)
    return list(ctx.session.execute(q, {"psn_no": beneficiary_psn_no}).scalars())


def lock_ytd(ctx: Ctx, psn_no: str, insutype: str, year: int) -> dict[str, CenterYtd]:
    params = {"psn_no": psn_no, "insutype": insutype, "year": year}
    return {r.bucket: r for r in ctx.session.execute(queries.ytd(True), params).scalars()}


def ytd_row(
    ctx: Ctx, rows: dict[str, CenterYtd], psn_no: str, insutype: str, year: int, bucket: str
) -> CenterYtd:
    row = rows.get(bucket)
    if row is None:
        row = CenterYtd(
            psn_no=psn_no,
            insutype=insutype,
            year=year,
            bucket=bucket,
            dedc_opening=ZERO,
            hifp_opening=ZERO,
            big_opening=ZERO,
            dedc_paid=ZERO,
            hifp_paid=ZERO,
            big_paid=ZERO,
        )
        ctx.session.add(row)
        rows[bucket] = row
    return row


def insert_rows(ctx: Ctx, model, rows: list[dict]) -> None:
    """Plain INSERTs: money rows are never read back as objects in the same unit of work."""
    ctx.writes.insert(model, rows)


def store(ctx: Ctx, obj, **values) -> None:
    """Update cached columns by primary key, keeping the loaded object in step
    (set_committed_value: the unit of work has nothing left to flush for it). A `Record` read
    on the hot path is updated the same way, by its table's primary key."""
    if isinstance(obj, Record):
        ctx.writes.update(obj.model, _pk(obj), values)
        obj.__dict__.update(values)
        return
    state = sa_inspect(obj)
    if not state.persistent:
        for name, value in values.items():
            setattr(obj, name, value)
        return
    pk = {c.name: getattr(obj, c.key) for c in obj.__table__.primary_key.columns}
    ctx.writes.update(type(obj), pk, values)
    for name, value in values.items():
        set_committed_value(obj, name, value)


def _pk(obj: Record) -> dict:
    return {name: getattr(obj, key) for name, key in _pk_columns(obj.model)}


@cache
def _pk_columns(model) -> tuple[tuple[str, str], ...]:
    mapper = sa_inspect(model)
    return tuple((c.name, mapper.get_property_by_column(c).key) for c in mapper.primary_key)


def move(
    ctx: Ctx,
    acct: CenterAccount,
    amount: Decimal,
    kind: str,
    setl_id: str,
    binding: CenterBinding | None,
    *,
    notice: str | None = None,
) -> None:
    """One journal row and the cached balance; a debit is negative and may never overdraw.
    A move through a binding also moves its quota and tells the giver (`notice`: the text, when
    it is not a settlement's)."""
    balance = acct.balance + amount
    if balance < 0:
        raise CenterError(f"个人账户 {acct.psn_no} 余额不足 / insufficient balance")
    if acct.frozen and amount < 0 and kind == "mulaid":
        raise CenterError(f"共济人 {acct.psn_no} 账户已冻结 / giver's account is frozen")
    store(ctx, acct, balance=balance)
    insert_rows(
        ctx,
        CenterJournal,
        [
            {
                "psn_no": acct.psn_no,
                "kind": kind,
                "amount": amount,
                "balance_after": balance,
                "setl_id": setl_id,
                "binding_id": binding.binding_id if binding else None,
                "created_at": ctx.now,
            }
        ],
    )
    if binding is not None:
        used = binding.quota_used - amount
        if used > binding.quota or used < 0:
            raise CenterError(f"共济关系 {binding.binding_id} 额度不足 / co-pay quota exceeded")
        store(ctx, binding, quota_used=used)
        _notice(ctx, binding, acct, amount, setl_id, notice)


def _notice(
    ctx: Ctx,
    binding: CenterBinding,
    acct: CenterAccount,
    amount: Decimal,
    setl_id: str,
    text: str | None = None,
) -> None:
    beneficiary = mask_name(ctx.name(binding.beneficiary_psn_no))
    if text is None and amount < 0:
        text = f"【医保】您的职工医保个人账户为家庭共济成员{beneficiary}支付 {fmt(-amount)} 元，余额 {fmt(acct.balance)} 元。"
    elif text is None:
        text = f"【医保】家庭共济成员{beneficiary}的结算已撤销，退回您的个人账户 {fmt(amount)} 元，余额 {fmt(acct.balance)} 元。"
    insert_rows(
        ctx,
        CenterNotice,
        [
            {
                "giver_psn_no": acct.psn_no,
                "beneficiary_psn_no": binding.beneficiary_psn_no,
                "binding_id": binding.binding_id,
                "setl_id": setl_id,
                "amount": amount,
                "balance_after": acct.balance,
                "text": text,
                "created_at": ctx.now,
            }
        ],
    )


def add_ytd(ctx: Ctx, row: CenterYtd, setl: dict, sign: int = 1) -> None:
    store(
        ctx,
        row,
        dedc_paid=row.dedc_paid + sign * setl["act_pay_dedc"],
        hifp_paid=row.hifp_paid + sign * setl["hifp_pay"],
        big_paid=row.big_paid + sign * (setl["hifmi_pay"] + setl["hifob_pay"]),
    )


def insert_settlement(ctx: Ctx, values: dict) -> None:
    insert_rows(ctx, CenterSettlement, [values])


def _next_attempt(ctx: Ctx, orig: CenterSettlement, kind: str) -> int:
    # A batch may be refunded, the refund reversed (2601), and refunded again: number them.
    q = select(func.count()).where(
        CenterSettlement.mdtrt_id == orig.mdtrt_id,
        CenterSettlement.chrg_bchno == orig.chrg_bchno,
        CenterSettlement.kind == kind,
    )
    return int(ctx.session.execute(q).scalar_one())


def undo(ctx: Ctx, orig: CenterSettlement, kind: str, setl_id: str) -> dict:
    """Put every movement of `orig` back (accounts, quotas, accumulators) and return the values
    of its negated copy, for the caller to add its output and insert. Undoing a refund debits
    again, and fails cleanly if the money is gone."""
    ctx.enrolment(orig.psn_no, orig.insutype, lock=True)
    moves = list(
        ctx.session.execute(
            select(CenterJournal)
            .where(CenterJournal.setl_id == orig.setl_id)
            .order_by(CenterJournal.id)
        ).scalars()
    )
    accounts = lock_accounts(ctx, (m.psn_no for m in moves))
    binding_ids = sorted({m.binding_id for m in moves if m.binding_id})
    bindings = {}
    if binding_ids:
        q = (
            select(CenterBinding)
            .where(CenterBinding.binding_id.in_(binding_ids))
            .order_by(CenterBinding.binding_id)
        )
        bindings = {b.binding_id: b for b in ctx.session.execute(q.with_for_update()).scalars()}
    ytd = lock_ytd(ctx, orig.psn_no, orig.insutype, orig.year)

    row = dict(
        setl_id=setl_id,
        kind=kind,
        orig_setl_id=orig.setl_id,
        attempt=_next_attempt(ctx, orig, kind),
        mdtrt_id=orig.mdtrt_id,
        chrg_bchno=orig.chrg_bchno,
        psn_no=orig.psn_no,
        fixmedins_code=orig.fixmedins_code,
        msgid=ctx.env.msgid,
        opter=ctx.env.opter,
        setl_time=ctx.now,
        insutype=orig.insutype,
        psn_type=orig.psn_type,
        med_type=orig.med_type,
        clr_type=orig.clr_type,
        year=orig.year,
        **{c: -getattr(orig, c) for c in AMOUNT_COLUMNS},
    )
    for m in moves:
        move(ctx, accounts[m.psn_no], -m.amount, m.kind, setl_id, bindings.get(m.binding_id or ""))
    add_ytd(ctx, ytd_row(ctx, ytd, orig.psn_no, orig.insutype, orig.year, orig.med_type), row)
    own = accounts.get(orig.psn_no)
    row["balc"] = own.balance if own else ZERO
    return row
