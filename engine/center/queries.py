"""The hot-path statements, built once with bind parameters.

Building a SQLAlchemy statement costs more than running it on a warm connection, and a
settlement runs about twenty of them: constructing each once keeps the ledger benchmark close
to its floor. Call `q.<name>(lock)` and execute with a dict of parameters.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select, update

from engine.center.models import (
    CenterAccount,
    CenterBinding,
    CenterCounter,
    CenterEnrolment,
    CenterFeeDetail,
    CenterSettlement,
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
