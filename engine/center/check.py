"""`check_center(session) -> list[str]`: every inconsistency in the center's books, named.

The cached columns are proved against the append-only rows they cache: account balances against
the journal, quota_used against the co-pay and 代缴 debits, the ytd accumulators against the
settlements. Each settlement must be whole: its identities hold and its journal rows pay exactly
its account share; each 代缴 premium is paid by exactly its journal debit. Every journal row is an
account's one opening (its first row) or belongs to a settlement or a premium; given the fixtures
it was seeded from, each opening balance and opening quota_used must be what the fixtures say, so
a forged credit with a matching balance raise is named. An empty list means the books balance.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.center.models import (
    CenterAccount,
    CenterBinding,
    CenterJournal,
    CenterNotice,
    CenterPremium,
    CenterSettlement,
    CenterYtd,
)
from engine.money import ZERO


def _sums(session: Session, key_cols, value_cols, *where) -> dict:
    q = select(*key_cols, *(func.sum(c) for c in value_cols)).group_by(*key_cols)
    if where:
        q = q.where(*where)
    out = {}
    for row in session.execute(q):
        key = tuple(row[: len(key_cols)])
        out[key if len(key) > 1 else key[0]] = tuple(
            Decimal(v or 0) if not isinstance(v, Decimal) else v for v in row[len(key_cols) :]
        )
    return out


def check_center(session: Session, fixtures_dir: Path | None = None) -> list[str]:
    """fixtures_dir: the fixtures the center was seeded from (`pos db check` passes the app's);
    then opening balances and quotas are compared with them too."""
    problems: list[str] = []
    problems += _journal(session)
    if fixtures_dir is not None:
        problems += _openings(session, fixtures_dir)
    problems += _accounts(session)
    problems += _bindings(session)
    problems += _ytd(session)
    problems += _settlements(session)
    problems += _premiums(session)
    return problems


def _journal(session: Session) -> list[str]:
    """Each row is an account's opening (exactly one, its first row), moves a settlement's money,
    or pays a 代缴 premium (its setl_id is the premium_id; _premiums proves the amounts)."""
    out = []
    first: dict[str, int] = {}
    for row in session.execute(select(CenterJournal).order_by(CenterJournal.id)).scalars():
        name = f"journal row {row.id} ({row.psn_no}, {row.kind} {row.amount})"
        is_first = row.psn_no not in first
        first.setdefault(row.psn_no, row.id)
        if row.kind == "opening":
            if row.setl_id is not None or not is_first:
                out.append(f"{name}: a second opening balance, or one tied to a settlement")
        elif row.kind not in ("own", "mulaid", "premium") or row.setl_id is None:
            out.append(f"{name}: moves money without a settlement")
        elif row.kind != "premium" and (row.kind == "mulaid") != (row.binding_id is not None):
            out.append(f"{name}: a co-pay move must name its binding, an own move must not")
    return out


def _openings(session: Session, fixtures_dir: Path) -> list[str]:
    from engine.center.seed import load_families  # the fixtures, only when asked

    out = []
    people = [p for f in load_families(fixtures_dir) for p in f.person]
    want = {p.psn_no: p.account.balance for p in people if p.account is not None}
    opened = dict(
        session.execute(
            select(CenterJournal.psn_no, CenterJournal.amount).where(
                CenterJournal.kind == "opening"
            )
        ).all()
    )
    for psn_no in sorted(set(want) | set(opened)):
        if want.get(psn_no) != opened.get(psn_no):
            out.append(
                f"account {psn_no}: opening balance {opened.get(psn_no)} in the journal, "
                f"the fixtures say {want.get(psn_no)}"
            )
    quotas = {b.id: b.quota_used for f in load_families(fixtures_dir) for b in f.binding}
    for b in session.execute(select(CenterBinding)).scalars():
        if quotas.get(b.binding_id) != b.quota_used_opening:
            out.append(
                f"binding {b.binding_id}: opening quota_used {b.quota_used_opening}, "
                f"the fixtures say {quotas.get(b.binding_id)}"
            )
    return out


def _accounts(session: Session) -> list[str]:
    out = []
    journal = _sums(session, [CenterJournal.psn_no], [CenterJournal.amount])
    last = dict(
        session.execute(
            select(CenterJournal.psn_no, CenterJournal.balance_after).where(
                CenterJournal.id.in_(
                    select(func.max(CenterJournal.id)).group_by(CenterJournal.psn_no)
                )
            )
        ).all()
    )
    for acct in session.execute(select(CenterAccount)).scalars():
        total = journal.get(acct.psn_no, (ZERO,))[0]
        if acct.balance != total:
            out.append(f"account {acct.psn_no}: balance {acct.balance} ≠ Σ journal {total}")
        if last.get(acct.psn_no) is not None and last[acct.psn_no] != acct.balance:
            out.append(
                f"account {acct.psn_no}: last journal balance_after {last[acct.psn_no]} ≠ balance {acct.balance}"
            )
        if acct.balance < 0:
            out.append(f"account {acct.psn_no}: overdrawn ({acct.balance})")
    return out


def _bindings(session: Session) -> list[str]:
    out = []
    debits = _sums(
        session,
        [CenterJournal.binding_id],
        [CenterJournal.amount],
        CenterJournal.binding_id.is_not(None),
    )
    notices = _sums(session, [CenterNotice.binding_id], [CenterNotice.amount])
    for b in session.execute(select(CenterBinding)).scalars():
        moved = debits.get(b.binding_id, (ZERO,))[0]
        expect = b.quota_used_opening - moved
        if b.quota_used != expect:
            out.append(
                f"binding {b.binding_id}: quota_used {b.quota_used} ≠ opening + co-pay debits {expect}"
            )
        if not ZERO <= b.quota_used <= b.quota:
            out.append(
                f"binding {b.binding_id}: quota_used {b.quota_used} outside 0..quota {b.quota}"
            )
        told = notices.get(b.binding_id, (ZERO,))[0]
        if told != moved:
            out.append(
                f"binding {b.binding_id}: notices to the giver say {told}, the journal moved {moved}"
            )
    return out


def _ytd(session: Session) -> list[str]:
    out = []
    S = CenterSettlement
    sums = _sums(
        session,
        [S.psn_no, S.insutype, S.year, S.med_type],
        [S.act_pay_dedc, S.hifp_pay, S.hifmi_pay, S.hifob_pay],
    )
    seen = set()
    for y in session.execute(select(CenterYtd)).scalars():
        key = (y.psn_no, y.insutype, y.year, y.bucket)
        seen.add(key)
        dedc, hifp, hifmi, hifob = sums.get(key, (ZERO,) * 4)
        for name, cached, expect in (
            ("dedc_paid", y.dedc_paid, y.dedc_opening + dedc),
            ("hifp_paid", y.hifp_paid, y.hifp_opening + hifp),
            ("big_paid", y.big_paid, y.big_opening + hifmi + hifob),
        ):
            if cached != expect:
                out.append(
                    f"ytd {'/'.join(map(str, key))}: {name} {cached} ≠ opening + settlements {expect}"
                )
    for key, values in sums.items():
        if key not in seen and any(values):
            out.append(f"ytd {'/'.join(map(str, key))}: settlements with no accumulator row")
    return out


def _settlements(session: Session) -> list[str]:
    out = []
    J = CenterJournal
    paid = defaultdict(lambda: [ZERO, ZERO])  # setl_id -> [own, mulaid] as moved in the journal
    for setl_id, kind, amount in session.execute(
        select(J.setl_id, J.kind, func.sum(J.amount))
        .where(J.setl_id.is_not(None), J.kind != "premium")
        .group_by(J.setl_id, J.kind)
    ):
        paid[setl_id][0 if kind == "own" else 1] += Decimal(amount)
    rows = {r.setl_id: r for r in session.execute(select(CenterSettlement)).scalars()}
    undone: dict[str, list[CenterSettlement]] = defaultdict(list)
    for r in rows.values():
        name = f"settlement {r.setl_id} ({r.kind})"
        if (
            r.medfee_sumamt
            != r.fulamt_ownpay_amt + r.overlmt_selfpay + r.preselfpay_amt + r.inscp_scp_amt
        ):
            out.append(f"{name}: medfee ≠ 全自费 + 超限价 + 先行自付 + 符合范围")
        if r.medfee_sumamt != r.fund_pay_sumamt + r.acct_pay + r.psn_cash_pay + r.hosp_part_amt:
            out.append(f"{name}: medfee ≠ fund + acct_pay + cash + hosp_part")
        own, mulaid = paid.pop(r.setl_id, [ZERO, ZERO])
        if -own != r.acct_pay - r.acct_mulaid_pay or -mulaid != r.acct_mulaid_pay:
            out.append(
                f"{name}: journal moved own {-own} / co-pay {-mulaid}, the record says "
                f"{r.acct_pay - r.acct_mulaid_pay} / {r.acct_mulaid_pay}"
            )
        if r.kind != "settle":
            orig = rows.get(r.orig_setl_id or "")
            if orig is None:
                out.append(f"{name}: undoes unknown settlement {r.orig_setl_id}")
            else:
                undone[orig.setl_id].append(r)
                if orig.medfee_sumamt != -r.medfee_sumamt or orig.acct_pay != -r.acct_pay:
                    out.append(f"{name}: is not the exact negation of {orig.setl_id}")
    reversed_ids = {r.orig_setl_id for r in rows.values() if r.kind == "reversal"}
    for setl_id, undoers in undone.items():
        reversals = [u for u in undoers if u.kind == "reversal"]
        live_refunds = [u for u in undoers if u.kind == "refund" and u.setl_id not in reversed_ids]
        if len(reversals) > 1 or len(live_refunds) > 1 or (reversals and live_refunds):
            out.append(f"settlement {setl_id}: undone more than once")
    for setl_id in paid:
        out.append(f"journal: money moved for {setl_id}, which has no settlement record")
    return out


def _premiums(session: Session) -> list[str]:
    """Each 代缴 premium is paid by exactly one journal debit of its amount, through its binding."""
    out = []
    J = CenterJournal
    moved = {
        setl_id: (Decimal(total), binding_id)
        for setl_id, binding_id, total in session.execute(
            select(J.setl_id, func.min(J.binding_id), func.sum(J.amount))
            .where(J.kind == "premium")
            .group_by(J.setl_id)
        )
    }
    for p in session.execute(select(CenterPremium)).scalars():
        total, binding_id = moved.pop(p.premium_id, (ZERO, None))
        if -total != p.amount:
            out.append(
                f"premium {p.premium_id}: the journal moved {-total}, the record says {p.amount}"
            )
        if binding_id is not None and binding_id != p.binding_id:
            out.append(
                f"premium {p.premium_id}: paid through {binding_id}, recorded {p.binding_id}"
            )
    for premium_id in moved:
        out.append(f"journal: premium money moved for {premium_id}, which has no premium record")
    return out
