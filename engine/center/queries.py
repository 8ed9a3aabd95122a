"""The hot-path statements, built once with bind parameters.

Building a SQLAlchemy statement costs more than running it on a warm connection, and a
settlement runs about twenty of them: constructing each once keeps the ledger benchmark close
to its floor. Call `q.<name>(lock)` and execute with a dict of parameters.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import ARRAY, String, any_, bindparam, select, update

from engine.center.models import (
    CenterAccount,
    CenterBinding,
    CenterCounter,
    CenterEnrolment,
    CenterFeeDetail,
    CenterPerson,
    CenterSettlement,
    CenterToken,
    CenterVisit,
    CenterYtd,
)


def _locked(stmt, lock: bool):
    return stmt.with_for_update() if lock else stmt


@cache
def visit(lock: bool):
    return _locked(select(CenterVisit).where(CenterVisit.mdtrt_id == bindparam("mdtrt_id")), lock)


@cache
def enrolment(lock: bool, by_insutype: bool):
    q = select(CenterEnrolment).where(CenterEnrolment.psn_no == bindparam("psn_no"))
    if by_insutype:
        q = q.where(CenterEnrolment.insutype == bindparam("insutype"))
    return _locked(q.order_by(CenterEnrolment.insutype), lock)


@cache
def enrolments_of():
    return (
        select(CenterEnrolment)
        .where(CenterEnrolment.psn_no.in_(bindparam("psn_nos", expanding=True)))
        .order_by(CenterEnrolment.psn_no, CenterEnrolment.insutype)
    )


@cache
def accounts(lock: bool):
    q = select(CenterAccount).where(CenterAccount.psn_no.in_(bindparam("psn_nos", expanding=True)))
    return _locked(q.order_by(CenterAccount.psn_no), lock)


@cache
def accounts_listed(lock: bool, pg: bool):
    """Accounts by a list of psn_no; PostgreSQL takes the list as one array parameter (a
    statement compiled once, as the pipelined reads of engine.center.onetrip need)."""
    if not pg:
        return accounts(lock)
    q = select(CenterAccount).where(
        CenterAccount.psn_no == any_(bindparam("psn_nos", type_=ARRAY(String)))
    )
    return _locked(q.order_by(CenterAccount.psn_no), lock)


def _givers_of():
    return select(CenterBinding.giver_psn_no).where(
        CenterBinding.beneficiary_psn_no == bindparam("psn_no")
    )


@cache
def giver_enrolments():
    """The enrolments of everyone bound as a giver to a beneficiary (unlocked)."""
    return (
        select(CenterEnrolment)
        .where(CenterEnrolment.psn_no.in_(_givers_of()))
        .order_by(CenterEnrolment.psn_no, CenterEnrolment.insutype)
    )


@cache
def giver_accounts():
    """The accounts of everyone bound as a giver to a beneficiary (unlocked)."""
    return (
        select(CenterAccount)
        .where(CenterAccount.psn_no.in_(_givers_of()))
        .order_by(CenterAccount.psn_no)
    )


@cache
def bindings_of_giver():
    return select(CenterBinding).where(
        CenterBinding.giver_psn_no == bindparam("psn_no"),
        CenterBinding.status == bindparam("status"),
    )


@cache
def bindings_of_beneficiary(lock: bool):
    q = select(CenterBinding).where(CenterBinding.beneficiary_psn_no == bindparam("psn_no"))
    return _locked(q.order_by(CenterBinding.binding_id), lock)


@cache
def ytd(lock: bool):
    q = select(CenterYtd).where(
        CenterYtd.psn_no == bindparam("psn_no"),
        CenterYtd.insutype == bindparam("insutype"),
        CenterYtd.year == bindparam("year"),
    )
    return _locked(q.order_by(CenterYtd.bucket), lock)


@cache
def batch_attempts():
    return (
        select(CenterSettlement)
        .where(
            CenterSettlement.mdtrt_id == bindparam("mdtrt_id"),
            CenterSettlement.chrg_bchno == bindparam("chrg_bchno"),
            CenterSettlement.kind == "settle",
        )
        .order_by(CenterSettlement.attempt)
    )


@cache
def undoers():
    return select(CenterSettlement).where(CenterSettlement.orig_setl_id == bindparam("setl_id"))


@cache
def batch_lines():
    return (
        select(CenterFeeDetail)
        .where(
            CenterFeeDetail.mdtrt_id == bindparam("mdtrt_id"),
            CenterFeeDetail.chrg_bchno == bindparam("chrg_bchno"),
        )
        .order_by(CenterFeeDetail.id)
    )


@cache
def lines_by_sn():
    return select(CenterFeeDetail).where(
        CenterFeeDetail.mdtrt_id == bindparam("mdtrt_id"),
        CenterFeeDetail.feedetl_sn.in_(bindparam("sns", expanding=True)),
    )


@cache
def bump_counter():
    return (
        update(CenterCounter)
        .where(CenterCounter.name == bindparam("counter"))
        .values(value=CenterCounter.value + 1)
        .returning(CenterCounter.value)
    )


# ------------------------------------------------------------------ 1101 (who is this credential)


@cache
def person_by(column: str):
    """The person a credential names: by `psn_no`, `certno` (身份证) or `card_no` (社保卡)."""
    return select(CenterPerson).where(getattr(CenterPerson, column) == bindparam("value"))


@cache
def token():
    return select(CenterToken).where(CenterToken.token == bindparam("token"))


@cache
def person_1101():
    """What 1101 answers about a person besides who they are, read together: their enrolments
    (by insutype), their account (if any) and the bindings in which they are the giver."""
    return (
        select(CenterEnrolment)
        .where(CenterEnrolment.psn_no == bindparam("psn_no"))
        .order_by(CenterEnrolment.insutype),
        select(CenterAccount).where(CenterAccount.psn_no == bindparam("psn_no")),
        select(CenterBinding)
        .where(CenterBinding.giver_psn_no == bindparam("psn_no"))
        .order_by(CenterBinding.binding_id),
    )
