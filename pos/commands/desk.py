"""`pos desk`: the co-pay desk from the shell, for trainers preparing a class.

    pos desk list --giver 6527000000000001 --json
    pos desk bind --giver 6527000000000002 --beneficiary 6527000000000003 --relationship child \
                  --quota 300 --valid-to 2026-12-31 --proof 出生证明:A652701201406 --channel counter
    pos desk approve BND-6527-000001
    pos desk premium --giver 6527000000000002 --beneficiary 6527000000000003 --year 2026
    pos desk enrolment --psn 6527000000000003 --status terminated   # its bindings end

Every action goes through pos.services.copay_desk, which the desk screens call too, and
from there to the center as messages (J101…J901, docs/MESSAGES.md). `--json` prints a binding
as {id, giver_psn_no, beneficiary_psn_no, relationship, quota, quota_used, valid_to, status,
channel} and lists as JSON arrays. A refusal exits 2 with one line naming the reason; so does a
database that does not exist yet (it is never created here: `pos db init` does that).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

STATUS = {"normal": "1", "paused": "2", "terminated": "4", "1": "1", "2": "2", "4": "4"}
YES_NO = {"yes": True, "no": False}


class Usage(Exception):
    """A value on the command line that cannot be used: one line, exit 2."""


# ------------------------------------------------------------------ parsing values


def _amount(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise Usage(f"{what}: 不是金额 / not an amount: {text!r}") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise Usage(f"{what}: 应为大于零、最多两位小数的金额 / a positive amount, two decimals")
    return value.quantize(Decimal("0.01"))


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Usage(f"{what}: 日期格式应为 YYYY-MM-DD / a date such as 2026-12-31") from None


def _proof(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    kind, sep, number = text.partition(":")
    if not sep:
        kind, sep, number = text.partition("：")  # a full-width colon typed in a CJK input method
    if not sep or not kind.strip() or not number.strip():
        raise Usage("--proof: 格式为 类型:编号，如 出生证明:A123 / TYPE:NUMBER, e.g. 户口本:123456")
    return kind.strip(), number.strip()


# ------------------------------------------------------------------ the database


def _desk(args):
    """The desk on an existing, seeded database; Usage if there is none (never created here)."""
    from pos.clock import CHINA, china_now
    from pos.database import DatabaseMissing, build_center, open_existing
    from pos.services.copay_desk import CopayDesk

    try:
        db = open_existing(getattr(args, "db", None))  # brings an older schema up to date
    except DatabaseMissing as exc:
        raise Usage(str(exc)) from None
    clock = china_now
    if getattr(args, "clock", None):
        try:
            fixed = datetime.fromisoformat(args.clock)
        except ValueError:
            raise Usage("--clock: 应为 ISO 时间，如 2025-06-15T09:30:00 / an ISO time") from None
        # A fixed China time for a reproducible class (naive text is read as China time).
        fixed = fixed.astimezone(CHINA) if fixed.tzinfo else fixed.replace(tzinfo=CHINA)
        clock = lambda: fixed  # noqa: E731
    center = build_center(db.engine, clock=clock, lang=args.lang)
    return db, CopayDesk(center, opter=args.opter, clock=clock)


# ------------------------------------------------------------------ output


def _emit(args, value, human: str) -> None:
    if args.json:
        print(json.dumps(value, ensure_ascii=False))
    else:
        print(human)


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _binding_line(b, lang: str) -> str:
    until = b.valid_to.isoformat() if b.valid_to else ("长期" if lang == "zh" else "open-ended")
    words = (
        ("额度", "已用", "有效至", "顺序")
        if lang == "zh"
        else ("quota", "used", "valid to", "order")
    )
    reason = f"  ({b.status_reason})" if b.status_reason else ""
    return (
        f"{b.binding_id}  {b.giver_name_masked} {b.giver_psn_no} → "
        f"{b.beneficiary_name_masked} {b.beneficiary_psn_no}  {b.relationship_name}  "
        f"{words[0]} {_money(b.quota)}  {words[1]} {_money(b.quota_used)}  "
        f"{words[2]} {until}  {words[3]} {b.order}  {b.status_name}  {b.channel}{reason}"
    )


def _bindings_out(args, rows) -> None:
    lines = [_binding_line(b, args.lang) for b in rows] or [
        "（无共济关系）" if args.lang == "zh" else "(no bindings)"
    ]
    _emit(args, [b.brief() for b in rows], "\n".join(lines))


def _one_binding_out(args, b, extra: str = "") -> None:
    _emit(args, b.brief(), _binding_line(b, args.lang) + extra)


# ------------------------------------------------------------------ actions


def act_list(desk, args) -> None:
    rows = desk.bindings(giver_psn_no=args.giver, beneficiary_psn_no=args.beneficiary)
    _bindings_out(args, rows)


def act_bind(desk, args) -> None:
    proof_type, proof_no = _proof(args.proof)
    b = desk.bind(
        giver_psn_no=args.giver,
        beneficiary_psn_no=args.beneficiary,
        relationship=args.relationship,
        quota=_amount(args.quota, "--quota"),
        channel=args.channel,
        proof_type=proof_type,
        proof_no=proof_no,
        pledge_signed=not args.no_pledge,
        valid_to=_date(args.valid_to, "--valid-to") if args.valid_to else None,
        order=args.order,
    )
    _one_binding_out(args, b)


def act_approve(desk, args) -> None:
    _one_binding_out(args, desk.approve(args.id))


def act_reject(desk, args) -> None:
    _one_binding_out(args, desk.reject(args.id, args.reason))


def act_edit(desk, args) -> None:
    if args.quota is None and args.order is None:
        raise Usage("pos desk edit: 请给出 --quota 和/或 --order / give --quota and/or --order")
    quota = _amount(args.quota, "--quota") if args.quota is not None else None
    _one_binding_out(args, desk.edit(args.id, quota=quota, order=args.order))


def act_unbind(desk, args) -> None:
    b = desk.unbind(args.id, args.reason)
    word = "释放额度" if args.lang == "zh" else "quota released"
    _one_binding_out(args, b, f"\n{word} {_money(b.quota_returned)}")


def act_premium(desk, args) -> None:
    r = desk.pay_premium(
        giver_psn_no=args.giver, beneficiary_psn_no=args.beneficiary, year=args.year
    )
    human = "\n".join(
        [
            "城乡居民医保费代缴凭证 / resident premium receipt",
            f"  凭证号 receipt   {r.premium_id}",
            f"  参保人 insured   {r.psn_name_masked} {r.psn_no}  ({r.region_name} {r.insuplc_admdvs})",
            f"  年度 year        {r.year}",
            f"  金额 amount      {_money(r.amount)}  （{r.label}）",
            f"  代缴人 payer     {r.payer_name_masked} {r.payer_psn_no}  via {r.binding_id}",
            f"  账户余额 balance {_money(r.balc)}",
            f"  时间 time        {r.paid_time}",
            f"  {r.notice}",
        ]
    )
    _emit(args, r.brief(), human)


def _filing_line(f) -> str:
    return (
        f"#{f.filing_id}  {f.psn_no}  {f.insuplc_admdvs} → {f.mdtrtarea_admvs}  "
        f"{f.valid_from.isoformat()} … {f.valid_to.isoformat()}  {f.status}"
    )


def act_filing(desk, args) -> None:
    if args.filing_action == "add":
        f = desk.add_filing(
            psn_no=args.psn,
            to_admdvs=args.dest,
            valid_from=_date(args.valid_from, "--from"),
            valid_to=_date(args.valid_to, "--to"),
        )
        _emit(args, f.brief(), _filing_line(f))
    elif args.filing_action == "cancel":
        f = desk.cancel_filing(psn_no=args.psn, filing_id=args.id)
        _emit(args, f.brief(), _filing_line(f))
    else:
        rows = desk.filings(args.psn)
        _emit(args, [f.brief() for f in rows], "\n".join(map(_filing_line, rows)) or "（无备案）")


def act_notices(desk, args) -> None:
    rows = desk.notices(args.giver, args.limit)
    lines = [f"{n.notice_time}  {n.kind:9}  {_money(n.amount):>9}  {n.text}" for n in rows]
    _emit(args, [n.brief() for n in rows], "\n".join(lines) or "（无提醒）/ (no notices)")


def act_enrolment(desk, args) -> None:
    if args.status is None and args.arrears is None and args.frozen is None:
        raise Usage("pos desk enrolment: 请给出 --status、--arrears 或 --frozen / give one of them")
    e = desk.set_enrolment(
        args.psn,
        status=STATUS[args.status] if args.status else None,
        arrears=YES_NO[args.arrears] if args.arrears else None,
        acct_frozen=YES_NO[args.frozen] if args.frozen else None,
        insutype=args.insutype,
    )
    lines = [
        f"{e.psn_no}  {e.insutype}  {e.psn_insu_stas_name}  arrears={e.arrears}  frozen={e.acct_frozen}"
    ]
    lines += [("已终止 / ended: " + _binding_line(b, args.lang)) for b in e.ended]
    _emit(args, e.brief(), "\n".join(lines))


# ------------------------------------------------------------------ wiring


def run(args) -> int:
    from pos.errors import PosError
    from pos.services.copay_desk import DeskRefused

    args.lang = getattr(args, "lang", None) or "zh"
    db = None
    try:
        db, desk = _desk(args)
        args.action(desk, args)
        return 0
    except Usage as exc:
        print(f"pos desk: {exc}", file=sys.stderr)
        return 2
    except DeskRefused as exc:
        print(exc.line(), file=sys.stderr)
        return 2
    except PosError as exc:
        print(f"{exc.code}: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 2
    finally:
        if db is not None:
            db.dispose()


def register(sub) -> None:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: `pos --db URL desk list` and `pos desk list --db URL` both work.
    common.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
    common.add_argument("--json", action="store_true", help="JSON output (lists are arrays)")
    common.add_argument(
        "--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help="language (default zh)"
    )
    common.add_argument("--clock", help="fixed center time, ISO (e.g. 2025-06-15T09:30:00)")
    common.add_argument("--opter", default="DESK", help="desk officer id recorded on changes")

    p = sub.add_parser(
        "desk",
        help="the co-pay desk: bind, review, quotas, 代缴, 异地就医备案, notices (trainers)",
    )
    acts = p.add_subparsers(dest="desk_action", metavar="ACTION", required=True)

    def action(name: str, fn, help_text: str) -> argparse.ArgumentParser:
        a = acts.add_parser(name, parents=[common], help=help_text)
        a.set_defaults(func=run, action=fn)
        return a

    a = action("list", act_list, "bindings of a giver or of a beneficiary")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--giver", metavar="PSN")
    who.add_argument("--beneficiary", metavar="PSN")

    a = action("bind", act_bind, "submit a binding for review (status pending)")
    a.add_argument("--giver", metavar="PSN", required=True)
    a.add_argument("--beneficiary", metavar="PSN", required=True)
    a.add_argument(
        "--relationship",
        required=True,
        choices=["spouse", "parent", "child", "sibling", "grandparent", "grandchild"],
        help="what the beneficiary is to the giver",
    )
    a.add_argument("--quota", metavar="AMT", required=True)
    a.add_argument("--valid-to", metavar="DATE", help="last valid day (default: until unbound)")
    a.add_argument(
        "--proof", metavar="TYPE:NUMBER", help="户口本 / 出生证明 / 结婚证 and its number"
    )
    a.add_argument("--channel", choices=["counter", "online"], required=True)
    a.add_argument("--no-pledge", action="store_true", help="the 承诺书 is not signed")
    a.add_argument("--order", type=int, help="deduction order among the beneficiary's givers")

    action("approve", act_approve, "approve a pending binding: effective at once").add_argument(
        "id", metavar="ID"
    )
    a = action("reject", act_reject, "reject a pending binding with a reason")
    a.add_argument("id", metavar="ID")
    a.add_argument("--reason", required=True, metavar="TEXT")
    a = action("edit", act_edit, "change a binding's quota (never below what is used) or order")
    a.add_argument("id", metavar="ID")
    a.add_argument("--quota", metavar="AMT")
    a.add_argument("--order", type=int)
    a = action("unbind", act_unbind, "unbind: the unused quota is released")
    a.add_argument("id", metavar="ID")
    a.add_argument("--reason", metavar="TEXT")

    a = action("premium", act_premium, "代缴: pay a relative's resident premium for a year")
    a.add_argument("--giver", metavar="PSN", required=True)
    a.add_argument("--beneficiary", metavar="PSN", required=True)
    a.add_argument("--year", type=int, required=True)

    f = acts.add_parser("filing", help="异地就医备案: add, cancel or list filings")
    fsub = f.add_subparsers(dest="filing_action", metavar="ACTION", required=True)
    a = fsub.add_parser("add", parents=[common], help="register a filing")
    a.add_argument("--psn", metavar="PSN", required=True)
    a.add_argument("--dest", metavar="ADMDVS", required=True, help="destination region (6 digits)")
    a.add_argument("--from", dest="valid_from", metavar="DATE", required=True)
    a.add_argument("--to", dest="valid_to", metavar="DATE", required=True)
    a = fsub.add_parser("cancel", parents=[common], help="cancel a filing")
    a.add_argument("id", metavar="ID", type=int)
    a.add_argument("--psn", metavar="PSN", required=True)
    a = fsub.add_parser("list", parents=[common], help="a person's filings")
    a.add_argument("--psn", metavar="PSN", required=True)
    for name in ("add", "cancel", "list"):
        fsub.choices[name].set_defaults(func=run, action=act_filing)

    a = action("notices", act_notices, "a giver's balance-change notices, newest first")
    a.add_argument("--giver", metavar="PSN", required=True)
    a.add_argument("--limit", type=int, default=100)

    a = action("enrolment", act_enrolment, "trainer's switch: change a person's enrolment")
    a.add_argument("--psn", metavar="PSN", required=True)
    a.add_argument("--status", choices=sorted(STATUS), help="normal/paused/terminated (1/2/4)")
    a.add_argument("--arrears", choices=["yes", "no"])
    a.add_argument("--frozen", choices=["yes", "no"], help="freeze the personal account")
    a.add_argument("--insutype", choices=["310", "390"])
