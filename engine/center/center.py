"""The embedded insurance center: `Center.handle(message) -> response`, platform-shaped.

    center = Center(engine, clock=lambda: datetime(2025, 6, 15, 9, 30))
    center.handle({"infno": "1101", "msgid": "...", "fixmedins_code": "H65270100001",
                   "input": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "652701198403120319"}})

`handle` never raises for bad input: anything wrong answers {"infcode": -1, "err_msg": ...} and
changes nothing (each message is one transaction, rolled back on any refusal). The one exception
is on purpose: the fault switch `center.faults.lose_response_after_commit = {"2207"}` makes the
center commit and then raise `ResponseLost` instead of answering, the 冲正 (2601) training case.

Write messages that carry a msgid are remembered: the same msgid again answers the stored
response (a retry after a timeout never settles twice); a msgid reused for another infno is
refused. See docs/MESSAGES.md for every transaction.

The envelope is the platform's: the input of 1101, 2201, 2206, 2207, 2208, 2601, 3201, 3202 and
5203 comes in `input.data` as real clients send it (the flat `input` is accepted too); the answer
carries infcode, inf_refmsgid (unique across processes and restarts), refmsg_time and
respond_time (yyyyMMddHHmmssSSS), err_msg (null on success), warn_msg and output, whose amounts
are JSON numbers (Decimal in Python; engine.center.jsontext writes them exactly).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine.center.catalog import Catalog, load_catalog
from engine.center.context import CenterError, Ctx, Envelope, error_detail
from engine.center.ids import IdSource, SequenceIds, database_blocks, fingerprint
from engine.center.jsontext import numbers
from engine.center.models import CenterMessage
from engine.center.onetrip import one_trip
from engine.center.registry import Cache, Registry
from engine.center.txn_desk import (
    handle_J101,
    handle_J102,
    handle_J103,
    handle_J104,
    handle_J105,
    handle_J106,
    handle_J201,
    handle_J301,
    handle_J302,
    handle_J303,
    handle_J401,
    handle_J901,
)
from engine.center.txn_person import handle_1101
from engine.center.txn_query import handle_3201, handle_3202, handle_5203
from engine.center.txn_reverse import handle_2208, handle_2601
from engine.center.txn_settle import handle_2206, handle_2207
from engine.center.txn_visit import handle_2201, handle_2203, handle_2204
from engine.clock import center_view, china_now
from engine.db import storage_kind
from engine.errors import describe
from engine.policy import list_policies, load_policy

Handler = Callable[[Ctx, dict], dict]
# infno → (handler, writes?). Read-only messages never take a write lock.
HANDLERS: dict[str, tuple[Handler, bool]] = {
    "1101": (handle_1101, False),
    "2201": (handle_2201, True),
    "2203": (handle_2203, True),
    "2204": (handle_2204, True),
    "2206": (handle_2206, False),
    "2207": (handle_2207, True),
    "2208": (handle_2208, True),
    "2601": (handle_2601, True),
    "3201": (handle_3201, False),
    "3202": (handle_3202, False),
    "5203": (handle_5203, False),
    # Simulator extensions (no platform infno starts with a letter): the co-pay desk.
    "J101": (handle_J101, True),  # 共济绑定申请
    "J102": (handle_J102, True),  # 共济绑定审核通过
    "J103": (handle_J103, True),  # 共济绑定审核不通过
    "J104": (handle_J104, True),  # 共济额度/扣款顺序变更
    "J105": (handle_J105, True),  # 解除共济绑定
    "J106": (handle_J106, False),  # 共济关系查询
    "J201": (handle_J201, True),  # 代缴城乡居民医保费
    "J301": (handle_J301, True),  # 异地就医备案登记
    "J302": (handle_J302, True),  # 异地就医备案撤销
    "J303": (handle_J303, False),  # 异地就医备案查询
    "J401": (handle_J401, False),  # 余额变动提醒查询
    "J901": (handle_J901, True),  # 参保状态变更（培训模拟）
}
# Desk messages are not idempotent by keys of their own (a second J101 is a duplicate binding, a
# second J201 a second premium): their msgid is looked up before they run, not only on a clash.
LOOKUP_FIRST = frozenset(k for k in HANDLERS if k.startswith("J"))
# Transactions whose input real clients wrap in `input.data` (2203 sends mdtrtinfo/diseinfo and
# 2204 feedetail at the top of input, as the platform's tables say).
DATA_INFNOS = frozenset({"1101", "2201", "2206", "2207", "2208", "2601", "3201", "3202", "5203"})
# Messages on the settlement path: BEGIN and COMMIT ride with their statements on PostgreSQL
# (engine.center.onetrip), reads go out together.
ONE_TRIP = frozenset({"2204", "2206", "2207"})
RETRIES = 5  # lock timeouts, deadlocks and racing inserts are retried from the start


class ResponseLost(Exception):
    """The center committed this message, but its response never reached the hospital."""

    def __init__(self, infno: str, msgid: str | None) -> None:
        super().__init__(f"{infno} committed at the center, response lost (msgid {msgid})")
        self.infno = infno
        self.msgid = msgid


# Messages that touch no institution's visits or settlements: 1101 (who is this credential) and
# the co-pay desk's J-series, sent by the insurance agency's own counter, not by a 定点医药机构.
NO_INSTITUTION = frozenset({"1101"} | {infno for infno in HANDLERS if infno.startswith("J")})


@dataclass
class Faults:
    """Training faults. `lose_response_after_commit`: infnos whose response is lost after the
    commit; with `once`, the switch turns itself off after firing."""

    lose_response_after_commit: set[str] = field(default_factory=set)
    once: bool = False


class Center:
    def __init__(
        self,
        bind: Engine | sessionmaker,
        *,
        clock: Callable[[], datetime] | None = None,
        ids: IdSource | None = None,
        policy_dir: Path | None = None,
        catalog: Catalog | None = None,
        lang: str = "zh",
    ) -> None:
        self.sessions = (
            bind if isinstance(bind, sessionmaker) else sessionmaker(bind, expire_on_commit=False)
        )
        self.engine: Engine = self.sessions.kw["bind"]
        # Naive China time, whatever the host's zone (engine.clock); tests inject their own.
        self.clock = clock or center_view(china_now)
        self.faults = Faults()
        ids = ids or SequenceIds()
        if isinstance(ids, SequenceIds) and ids.blocks is None:
            ids.blocks = database_blocks(self.sessions)  # inf_refmsgid blocks from the database
        policies = [load_policy(pid, policy_dir) for pid in list_policies(policy_dir)]
        self.registry = Registry(
            # A person's 参保地 admdvs picks their policy by prefecture (first 4 digits).
            policy_by_region={p.admdvs[:4]: p for p in policies},
            catalog=catalog or load_catalog(),
            ids=ids,
            lang=lang,
            cache=Cache(),
        )

    @property
    def ids(self) -> IdSource:
        return self.registry.ids

    @property
    def catalog(self) -> Catalog:
        return self.registry.catalog

    @property
    def lang(self) -> str:
        return self.registry.lang

    @property
    def cache(self) -> Cache:
        return self.registry.cache

    @property
    def policy_by_region(self) -> dict:
        return self.registry.policy_by_region

    # ------------------------------------------------------------------ the interface

    def handle(self, message: object) -> dict:
        now = self.clock()
        reserve = getattr(self.ids, "reserve", None)
        if reserve is not None:
            reserve()  # an inf_refmsgid block, taken before any transaction of this message
        try:
            env, handler, writes, raw, where = self._envelope(message)
        except CenterError as exc:
            return self._error(now, None, str(exc), codes=exc.codes)
        ref = self._refmsgid(now, env)  # one per message, whatever the answer
        replay = False
        for attempt in range(RETRIES):
            try:
                output = self._run(env, handler, writes, raw, replay, ref)
                return self._answer(now, env, output, ref)
            except ResponseLost:
                raise
            except CenterError as exc:
                return self._error(now, env, str(exc), ref, codes=exc.codes)
            except ValidationError as exc:
                return self._error(now, env, where + describe(exc), ref)
            except (IntegrityError, OperationalError) as exc:
                # A clash on the msgid: the retry looks the stored answer up first.
                replay = replay or isinstance(exc, IntegrityError)
                kind = storage_kind(exc)
                if attempt + 1 < RETRIES and kind not in ("readonly", "full") and _retryable(exc):
                    continue
                if kind == "readonly":
                    return self._error(
                        now,
                        env,
                        f"中心数据库只读，未处理 / center database read-only: {_short(exc)}",
                        ref,
                    )
                if kind == "full":
                    return self._error(
                        now, env, f"中心磁盘已满，未处理 / center disk full: {_short(exc)}", ref
                    )
                return self._error(
                    now, env, f"中心数据库繁忙，请稍后重试 / center busy: {_short(exc)}", ref
                )
            except DBAPIError as exc:
                what = {
                    "readonly": "中心数据库只读，未处理 / center database read-only",
                    "full": "中心磁盘已满，未处理 / center disk full",
                }.get(storage_kind(exc), "中心数据库错误 / database error")
                return self._error(now, env, f"{what}: {_short(exc)}", ref)
            except Exception as exc:  # a bug must still answer, never crash the cashier's window
                return self._error(
                    now, env, f"中心内部错误 / internal error: {type(exc).__name__}: {exc}", ref
                )
        raise AssertionError("unreachable")

    def _envelope(self, message: object) -> tuple[Envelope, Handler, bool, dict, str]:
        if not isinstance(message, dict):
            raise CenterError("报文必须是 JSON 对象 / the message must be an object")
        infno = message.get("infno")
        if not isinstance(infno, str):
            raise CenterError("infno: 缺少交易编号 / missing or not a string")
        if infno not in HANDLERS:
            raise CenterError(
                f"infno: 不支持的交易 {infno} / unknown transaction (known: {', '.join(HANDLERS)})"
            )
        fields = {}
        for name, limit in (("msgid", 40), ("fixmedins_code", 30), ("opter", 30)):
            value = message.get(name)
            if value == "":
                value = None  # clients fill what they do not have with ""
            if value is not None and (
                not isinstance(value, str) or not value or len(value) > limit
            ):
                raise CenterError(
                    f"{name}: 应为不超过 {limit} 位的字符串 / must be a string of at most {limit} characters"
                )
            fields[name] = value
        if infno not in NO_INSTITUTION and not fields["fixmedins_code"]:
            # Every message that reads or writes a visit or a settlement names its institution
            # and sees only that institution's business (docs/MESSAGES.md, trust rules). The
            # desk's J… messages come from the insurer's own counter: no institution.
            raise CenterError(
                "fixmedins_code: 报文头缺少定点医药机构编号 / the envelope needs fixmedins_code"
            )
        raw = message.get("input")
        if not isinstance(raw, dict):
            raise CenterError("input: 缺少交易输入或不是对象 / missing or not an object")
        where = "input."
        if infno in DATA_INFNOS and "data" in raw:
            # The platform's shape: {"input": {"data": {...}}} (InsureCommonUtil.getInputMap).
            raw, where = raw["data"], "input.data."
            if not isinstance(raw, dict):
                raise CenterError("input.data: 交易输入不是对象 / not an object")
        handler, writes = HANDLERS[infno]
        return Envelope(infno=infno, **fields), handler, writes, raw, where

    def _run(
        self, env: Envelope, handler: Handler, writes: bool, raw: dict, replay: bool, ref: str
    ) -> dict:
        """One message, one transaction; its output (amounts as decimal strings, as the center
        stores them). Every write handler is idempotent by its own keys, so the msgid is checked
        optimistically: the insert of the message row at the end fails on a reused msgid, the
        whole transaction rolls back, and the retry (replay=True) answers the stored response, or
        refuses a msgid reused for another infno.

        The settlement path (ONE_TRIP) runs on a Core connection without an ORM Session, its
        transaction begun and ended on the driver connection (engine.center.onetrip); a handler
        that needs the ORM there gets a Session on the same connection (`Ctx.session`)."""
        now = self.clock()
        digest = fingerprint(raw) if writes and env.msgid else None
        if env.infno in ONE_TRIP:
            with self.engine.connect() as conn:
                ctx = Ctx(conn, now, env, self.registry, replay, digest)
                try:
                    with one_trip(conn, write=writes):
                        output = self._transaction(ctx, handler, writes, raw, ref)
                        ctx.flush_orm()
                finally:
                    if ctx.orm is not None:
                        ctx.orm.close()  # its transaction ended on the driver already
        else:
            session: Session
            with self.sessions() as session, session.begin():
                # SQLite: a reader need not queue behind writers.
                options = {} if writes else {"sqlite_begin": "DEFERRED"}
                conn = session.connection(execution_options=options)
                ctx = Ctx(conn, now, env, self.registry, replay, digest, orm=session)
                output = self._transaction(ctx, handler, writes, raw, ref)
        if env.infno in self.faults.lose_response_after_commit:
            if self.faults.once:
                self.faults.lose_response_after_commit.discard(env.infno)
            raise ResponseLost(env.infno, env.msgid)
        return output

    def _transaction(self, ctx: Ctx, handler: Handler, writes: bool, raw: dict, ref: str) -> dict:
        """The message inside its transaction: the msgid check, the handler, the writes."""
        env, now, digest = ctx.env, ctx.now, ctx.digest
        if env.fixmedins_code:
            ctx.institution()  # an unknown institution is refused before anything is read
        if writes and env.msgid and (ctx.replay or env.infno in LOOKUP_FIRST):
            prior = ctx.session.get(CenterMessage, env.msgid)
            if prior is not None:
                if prior.infno != env.infno:
                    raise CenterError(
                        f"msgid: 已用于交易 {prior.infno} / already used for {prior.infno}"
                    )
                if prior.fixmedins_code != env.fixmedins_code:
                    # Another institution's msgid: never hand its stored answer out.
                    raise CenterError(
                        "msgid: 已被其他机构使用，请换新的报文ID / "
                        "used by another institution: send it with a new msgid"
                    )
                if prior.request_sha256 not in (None, digest):
                    # Same msgid, other content: a sender's counter repeated itself (e.g. a
                    # restart within the same second). Replaying would answer the wrong request.
                    raise CenterError(
                        "msgid: 已用于另一笔内容不同的报文，请换新的报文ID重发 / "
                        "already used for a different request: send it with a new msgid"
                    )
                # A retry: the same output, nothing done twice (a fresh envelope around it).
                return prior.response.get("output") or {}
        output = handler(ctx, raw)
        response = {
            "infcode": 0,
            "inf_refmsgid": ref,
            "refmsg_time": _ms(now),
            "output": output,
        }
        if writes and env.msgid:
            row = {
                "msgid": env.msgid,
                "infno": env.infno,
                "psn_no": _psn_no(raw),
                "setl_id": _setl_id(output),
                "fixmedins_code": env.fixmedins_code,
                "received_at": now,
                "response": response,
                "request_sha256": digest,
            }
            ctx.writes.insert(CenterMessage, [row])
        # A reused msgid fails here, inside the transaction; on PostgreSQL the COMMIT
        # goes out with these writes (engine.center.onetrip).
        ctx.commit_writes()
        return output

    def _refmsgid(self, now: datetime, env: Envelope | None) -> str:
        code = env.fixmedins_code if env and env.fixmedins_code else ""
        admdvs = code[1:5] + "00" if len(code) == 12 and code[1:5].isdigit() else "000000"
        return self.ids.refmsgid(now, admdvs)

    def _answer(self, now: datetime, env: Envelope, output: dict, ref: str) -> dict:
        return {
            "infcode": 0,
            "inf_refmsgid": ref,
            "refmsg_time": _ms(now),
            "respond_time": _ms(self.clock()),
            "err_msg": None,
            "warn_msg": None,
            # Platform transactions write amounts as JSON numbers; the desk's J… extensions keep
            # their decimal strings (their own contract, pos desk).
            "output": output if env.infno.startswith("J") else numbers(output),
        }

    def _error(
        self,
        now: datetime,
        env: Envelope | None,
        msg: str,
        ref: str | None = None,
        *,
        codes: tuple[str, ...] = (),
    ) -> dict:
        msg = msg.replace("\n", " ")
        return {
            "infcode": -1,
            "inf_refmsgid": ref or self._refmsgid(now, env),
            "refmsg_time": _ms(now),
            "respond_time": _ms(self.clock()),
            "err_msg": msg,
            "warn_msg": None,
            "err_detail": error_detail(msg, codes),  # simulator extension: the refusal's parts
        }


def _ms(moment: datetime) -> str:
    """yyyyMMddHHmmssSSS, the platform's refmsg_time/respond_time."""
    return f"{moment:%Y%m%d%H%M%S}{moment.microsecond // 1000:03d}"


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # a racing insert (same msgid, a new ytd row): the retry finds the winner's row
    text = str(exc.orig).lower()
    return any(k in text for k in ("deadlock", "locked", "serializ", "could not obtain lock"))


def _short(exc: DBAPIError) -> str:
    return str(exc.orig).splitlines()[0][:200]


def _psn_no(raw: dict) -> str | None:
    for source in (raw, raw.get("mdtrtinfo"), (raw.get("feedetail") or [None])[0]):
        if isinstance(source, dict) and isinstance(source.get("psn_no"), str):
            return source["psn_no"]
    return None


def _setl_id(output: dict) -> str | None:
    info = output.get("setlinfo")
    if isinstance(info, dict) and info.get("setl_id"):
        return info["setl_id"]
    return output.get("rvs_setl_id")
