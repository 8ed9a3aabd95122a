"""The co-pay desk end to end through the keyboard, checking what was STORED after each step.

The desk and the cashier's window are two machines on one database (the insurer's service hall
and the hospital): each step runs its own app on the same seeded SQLite copy. Balances, quotas,
statuses and notices are read straight from the center's tables, and the center's own
consistency check (journal = balances, quotas = co-pay rows) must stay empty throughout.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from engine.center.check import check_center
from engine.center.models import CenterAccount, CenterBinding, CenterNotice, CenterPremium
from screens.copay import CopayModal
from screens.desk import DeskScreen
from screens.desk_bind import BindModal
from screens.desk_forms import EditModal, EnrolmentModal, UnbindModal
from screens.desk_notices import NoticesModal
from screens.desk_online import OnlineScreen
from screens.desk_premium import PremiumModal
from screens.tender import TenderModal
from tests.screens import desk_flow as F
from tests.screens.conftest import build_app
from tests.screens.flow import login, press, scan, settle_ui, type_text

D = Decimal
MOTHER, FATHER, SON = "6527000000000002", "6527000000000001", F.AZMAT_PSN


class Books:
    """The center's rows as they are now (a fresh session per read)."""

    def __init__(self, db_url: str) -> None:
        self.engine = create_engine(db_url)

    def balance(self, psn_no: str) -> Decimal:
        with Session(self.engine) as s:
            return s.get(CenterAccount, psn_no).balance

    def binding(self, binding_id: str) -> CenterBinding:
        with Session(self.engine) as s:
            b = s.get(CenterBinding, binding_id)
            s.expunge(b)
            return b

    def bindings_of(self, giver: str, beneficiary: str) -> list[CenterBinding]:
        with Session(self.engine) as s:
            rows = s.execute(
                select(CenterBinding).where(
                    CenterBinding.giver_psn_no == giver,
                    CenterBinding.beneficiary_psn_no == beneficiary,
                )
            ).scalars()
            out = list(rows)
            for b in out:
                s.expunge(b)
            return out

    def notices(self, giver: str) -> list[tuple[Decimal, Decimal, str]]:
        with Session(self.engine) as s:
            rows = s.execute(
                select(CenterNotice)
                .where(CenterNotice.giver_psn_no == giver)
                .order_by(CenterNotice.id)
            ).scalars()
            return [(n.amount, n.balance_after, n.setl_id) for n in rows]

    def consistent(self) -> None:
        with Session(self.engine) as s:
            assert check_center(s) == []

    def close(self) -> None:
        self.engine.dispose()


def desk_app(db_url: str, tmp_path: Path, lang: str = "zh"):
    return build_app(db_url, tmp_path, lang=lang)


async def test_bind_settle_refund_unbind(db_url, tmp_path):
    books = Books(db_url)
    assert books.balance(MOTHER) == D("800.00")
    assert books.bindings_of(MOTHER, SON) == []

    # 1. The desk: the mother binds her son at the counter, the officer approves it.
    app = desk_app(db_url, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await F.open_desk(pilot)
        await F.find_giver(pilot, F.GULI)
        assert desk.giver is not None and desk.giver.psn_no == MOTHER
        assert desk.giver.spendable == D("500.00")  # 800 less the 300 promised to her daughter
        await press(pilot, "f2")
        assert isinstance(app.screen, BindModal)
        await F.fill_bind(
            pilot,
            beneficiary=F.AZMAT,
            relationship="child",
            proof="出生证明",
            proof_no="Q652701201406",
            quota="300",
        )
        await press(pilot, "f8")
        assert app.screen is desk
        [new] = books.bindings_of(MOTHER, SON)
        bid = new.binding_id
        assert (new.status, new.quota, new.quota_used, new.channel) == (
            "pending",
            D("300.00"),
            D("0.00"),
            "counter",
        )
        assert (new.proof, new.proof_no, new.pledge_signed) == ("出生证明", "Q652701201406", True)
        assert new.order == 2  # after the father
        await F.select_binding(pilot, bid)
        await press(pilot, "f3")
        assert books.binding(bid).status == "active"
        assert books.balance(MOTHER) == D("800.00")  # a quota is a promise, not a payment
        assert desk.giver.spendable == D("200.00")  # now ring-fenced too

        # The deduction order: every giver of the son (F12), the mother's binding first.
        await F.select_binding(pilot, bid)
        await press(pilot, "f12")
        assert desk.by_beneficiary == SON
        assert [b.giver_psn_no for b in desk.rows] == [FATHER, MOTHER]
        await F.select_binding(pilot, bid)
        await press(pilot, "f5")
        assert isinstance(app.screen, EditModal)
        app.screen.query_one("#edit-order").value = "1"
        await press(pilot, "f8")
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f5")
        app.screen.query_one("#edit-order").value = "2"
        await press(pilot, "f8")
        assert books.binding(bid).order == 1 and books.binding("BND-BT-0101").order == 2
        assert [b.giver_psn_no for b in desk.rows] == [MOTHER, FATHER]
    books.consistent()

    # 2. The hospital's window: the son settles, the mother's binding pays first.
    app = build_app(db_url, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, F.AZMAT)
        await press(pilot, "f5")
        assert isinstance(app.screen, CopayModal)
        assert [o.giver_psn_no for o in app.screen.options][:2] == [MOTHER, FATHER]
        await press(pilot, "f8")  # both preselected, in that order
        await press(pilot, "f8")
        assert isinstance(app.screen, TenderModal)
        await press(pilot, "f8")
        await settle_ui(pilot)
        [st] = app.desk.settlements(psn_no=SON)
        paid = st.amounts["acct_mulaid_pay"]
        assert D("0") < paid <= D("300.00")
        assert [(m["giver_psn_no"], D(m["amount"])) for m in st.mulaid_detail] == [(MOTHER, paid)]
        assert books.balance(MOTHER) == D("800.00") - paid
        assert books.binding(bid).quota_used == paid
        assert books.balance(FATHER) == D("3200.00")
        assert books.notices(MOTHER) == [(-paid, D("800.00") - paid, st.setl_id)]
        books.consistent()

        # 3. The refund (2208, as the back office does it): the money and the quota come back.
        await app.call(app.desk.refund, st.setl_id)
        assert books.balance(MOTHER) == D("800.00")
        assert books.binding(bid).quota_used == D("0.00")
        assert [n[:2] for n in books.notices(MOTHER)] == [
            (-paid, D("800.00") - paid),
            (paid, D("800.00")),
        ]
    books.consistent()

    # 4. The desk again: the mother's notices, then she unbinds; nothing was used, 300 released.
    app = desk_app(db_url, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await F.open_desk(pilot)
        await F.find_giver(pilot, F.GULI)
        await press(pilot, "f9")
        assert isinstance(app.screen, NoticesModal)
        cards = list(app.screen.query(".notice"))
        assert [c.has_class("-refund") for c in cards] == [True, False]  # newest first
        await press(pilot, "escape")
        await F.select_binding(pilot, bid)
        await press(pilot, "f6")
        assert isinstance(app.screen, UnbindModal)
        await press(pilot, "f8")
        b = books.binding(bid)
        assert (b.status, b.quota, b.quota_used) == ("unbound", D("300.00"), D("0.00"))
        assert books.balance(MOTHER) == D("800.00")
        assert desk.giver.spendable == D("500.00")  # the quota is no longer ring-fenced
        status = str(desk.query_one("#status").render())
        assert "300.00" in status
    books.consistent()
    books.close()


async def test_online_application_reviewed_at_the_desk(db_url, tmp_path):
    """The giver applies on the phone (channel online); the desk rejects it with a reason, the
    giver sees why, applies again, and the desk approves."""
    books = Books(db_url)
    app = desk_app(db_url, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await F.open_desk(pilot)
        await F.find_giver(pilot, F.GULI_CARD)
        await press(pilot, "f10")
        assert isinstance(app.screen, OnlineScreen)
        await press(pilot, "f2")
        await F.fill_bind(
            pilot,
            beneficiary=F.AZMAT,
            relationship="child",
            proof="户口本",
            proof_no="H0001",
            quota="100",
            valid_to="2026-12-31",
        )
        await press(pilot, "f8")
        assert isinstance(app.screen, OnlineScreen)
        [first] = books.bindings_of(MOTHER, SON)
        assert (first.status, first.channel) == ("pending", "online")
        await press(pilot, "escape")
        assert app.screen is desk
        await F.select_binding(pilot, first.binding_id)
        await press(pilot, "f4")
        await type_text(pilot, "proof unreadable")
        await press(pilot, "f8")
        b = books.binding(first.binding_id)
        assert (b.status, b.status_reason) == ("rejected", "proof unreadable")
        await press(pilot, "f10")
        cards = " ".join(str(c.render()) for c in app.screen.query(".phone-card"))
        assert "proof unreadable" in cards
        await press(pilot, "f2")
        await F.fill_bind(
            pilot,
            beneficiary=F.AZMAT,
            relationship="child",
            proof="户口本",
            proof_no="H0002",
            quota="100",
        )
        await press(pilot, "f8", "escape")
        second = next(x for x in books.bindings_of(MOTHER, SON) if x.binding_id != first.binding_id)
        await F.select_binding(pilot, second.binding_id)
        await press(pilot, "f3")
        assert books.binding(second.binding_id).status == "active"
    books.consistent()
    books.close()


async def test_premium_paid_through_the_binding(db_url, tmp_path):
    """代缴: the father pays his son's resident premium; a second payment for the year is refused."""
    books = Books(db_url)
    before_used = books.binding("BND-BT-0101").quota_used
    app = desk_app(db_url, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await F.open_desk(pilot)
        await F.find_giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f7")
        assert isinstance(app.screen, PremiumModal)
        app.screen.query_one("#premium-year").value = "2025"
        await press(pilot, "f8")
        r = app.screen.receipt
        assert r is not None and r.amount == D("400.00")  # bortala-2025.toml [premium] 2025
        paper = str(app.screen.query_one("#premium-text").render())
        assert "城乡居民基本医疗保险费代缴凭证" in paper and "示例参数（培训用，非官方）" in paper
        assert "肆佰圆整" in paper
        await press(pilot, "f8")  # print: the file sink writes the receipt
        printed = list((tmp_path / "receipts").iterdir())
        assert [p.name for p in printed] == [f"652700_{r.premium_id}_premium_r0.txt"]
        await press(pilot, "escape")
        assert app.screen is desk
        assert books.balance(FATHER) == D("3200.00") - D("400.00")
        assert books.binding("BND-BT-0101").quota_used == before_used + D("400.00")
        assert books.notices(FATHER)[-1] == (D("-400.00"), D("2800.00"), r.premium_id)
        with Session(books.engine) as s:
            [p] = s.execute(select(CenterPremium)).scalars()
            assert (p.psn_no, p.year, p.amount, p.payer_psn_no) == (SON, 2025, D("400.00"), FATHER)
        # The same year again: refused with its reason, nothing moves.
        await press(pilot, "f7")
        app.screen.query_one("#premium-year").value = "2025"
        await press(pilot, "f8")
        refusal = str(app.screen.query_one("RefusalBox").render())
        assert "该年度居民医保费已缴纳" in refusal
        assert books.balance(FATHER) == D("2800.00")
    books.consistent()
    books.close()


async def test_binding_ends_when_enrolment_changes(db_url, tmp_path):
    """The trainer's switch (J901): the son's insurance is terminated; both his bindings end by
    themselves, and the cashier can no longer use them."""
    books = Books(db_url)
    app = desk_app(db_url, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await F.open_desk(pilot)
        await F.find_giver(pilot, F.ALI)
        await F.select_binding(pilot, "BND-BT-0101")
        await press(pilot, "f11")
        assert isinstance(app.screen, EnrolmentModal)
        assert app.screen.query_one("#enrolment-psn").value == SON
        app.screen.query_one("#enrolment-status").value = "4"
        await press(pilot, "f8")
        assert app.screen is desk
        b = books.binding("BND-BT-0101")
        assert b.status == "ended" and b.status_reason
        assert books.binding("BND-BT-0102").status == "active"  # the daughter's is untouched
        row = next(x for x in desk.rows if x.binding_id == "BND-BT-0101")
        assert row.status == "ended"
        assert "BND-BT-0101" in str(desk.query_one("#status").render())
    app = build_app(db_url, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot)
        await scan(pilot, F.AZMAT)
        ended = [o for o in app.desk.patient.bindings if o.binding_id == "BND-BT-0101"]
        assert ended and not ended[0].usable
    books.consistent()
    books.close()


async def test_filing_registered_and_cancelled(db_url, tmp_path):
    """异地就医备案 for the grandfather who lives in 昭通: register, then cancel (kept on file)."""
    app = desk_app(db_url, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await F.open_desk(pilot)
        await F.find_giver(pilot, F.GRANDPA_ZH)
        await press(pilot, "f8")
        screen = app.screen
        screen.query_one("#filing-dest").value = "530600"
        screen.query_one("#filing-from").value = "2025-06-01"
        screen.query_one("#filing-to").value = "2025-12-31"
        await press(pilot, "f8")
        [f] = screen.rows
        assert (f.mdtrtarea_admvs, f.status) == ("530600", "valid")
        copay = app._open_copay()
        assert [x.status for x in copay.filings("6527000000000015")] == ["valid"]
        await press(pilot, "f6")
        [f] = screen.rows
        assert f.status == "cancelled"
        assert [x.status for x in copay.filings("6527000000000015")] == ["cancelled"]


def test_every_desk_binding_has_an_id_and_both_labels():
    from pos import i18n
    from screens.desk_filing import FilingScreen
    from screens.desk_forms import RejectModal
    from screens.login import LoginScreen

    screens = (
        DeskScreen,
        BindModal,
        RejectModal,
        EditModal,
        UnbindModal,
        EnrolmentModal,
        PremiumModal,
        FilingScreen,
        NoticesModal,
        OnlineScreen,
        LoginScreen,
    )
    ids = set()
    for cls in screens:
        for b in cls.BINDINGS:
            assert b.id and b.id not in ids, (cls.__name__, b)
            ids.add(b.id)
            for lang in ("zh", "en"):
                assert b.description in i18n.catalog(lang), (cls.__name__, b.description, lang)


async def test_help_lists_every_desk_key(db_url, tmp_path):
    from screens.help import HelpModal, binding_rows

    app = desk_app(db_url, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        desk = await F.open_desk(pilot)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpModal)
        listed = {ident for _k, _d, ident in binding_rows(desk)}
        assert {b.id for b in DeskScreen.BINDINGS} <= listed
