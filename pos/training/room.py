"""The training room: isolated training databases, attempts and each trainee's history.

    room = TrainingRoom(Path("~/.local/share/hospital-pos/training"))
    attempt = room.start("张三", scenario("bt-copay-father"))     # a fresh database, set up
    attempt.desk                                                   # a TrainingDesk on it
    card = room.finish(attempt)                                    # graded, written, in history

Layout of the room directory (one per trainer machine; `pos serve` gives each browser its own
for the databases, and keeps every session's records together in the classroom's directory, so
the class's scores and replays outlive the browser sessions):

    template.sqlite3                 seeded once from fixtures/, copied for every attempt
    attempts/<attempt-id>/
        training.sqlite3             this attempt's own database: nothing reaches live totals
        attempt.json                 who, which scenario, the injected clock start, hints, keys,
                                     platform messages, the score card

Why a JSON file per attempt rather than a table: the attempt's database is thrown away with a
reset and each attempt has its own, so a table in it could not hold a trainee's history; a file
beside the attempt's database keeps the record, the recording (for --replay) and the score card
together, readable without the app, and the history is the set of those files.

The clock is injected: an attempt starts at a wall-clock second and its clock moves one second
per reading from there, so a replay with the same start and the same keys sees the same times,
msgids and ids.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from pos.clock import CHINA
from pos.errors import PosError
from pos.training.desk import TrainingCenter, TrainingDesk
from pos.training.scenarios import Scenario

TEMPLATE = "template.sqlite3"


def default_room_dir() -> Path:
    import platformdirs

    env = os.environ.get("POS_TRAINING_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("hospital-pos")) / "training"


class TickingClock:
    """Starts at `start` and moves one second per reading: deterministic for a replay."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.readings = 0

    def __call__(self) -> datetime:
        self.readings += 1
        return self.start + timedelta(seconds=self.readings)


@dataclass
class Attempt:
    id: str
    trainee: str
    scenario: Scenario
    directory: Path
    clock_start: datetime
    desk: TrainingDesk
    started: float = field(default_factory=time.monotonic)
    hints: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    replay_of: str | None = None
    seconds: int | None = None  # a replay shows the original attempt's time

    @property
    def db_path(self) -> Path:
        return self.directory / "training.sqlite3"

    @property
    def messages(self) -> list[dict]:
        return [e.as_json() for e in self.desk.training_center.log]

    def hint(self, lang: str = "zh") -> str | None:
        """The next hint (each one costs points), or None when there are no more."""
        hints = self.scenario.hints
        if len(self.hints) >= len(hints):
            return None
        n = len(self.hints)
        self.hints.append(n)
        return hints[n].en if lang == "en" else hints[n].zh


_SAFE = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff·_-]+")


class TrainingRoom:
    def __init__(
        self,
        directory: Path | None = None,
        *,
        lang: str = "zh",
        pin_cost: int | None = None,
        fixtures: Path | None = None,
        records: Path | None = None,
    ) -> None:
        """`records`: where each attempt's attempt.json goes (default: beside its database)."""
        self.directory = Path(directory or default_room_dir())
        self.records = Path(records) if records is not None else self.directory
        self.lang = lang
        self.pin_cost = pin_cost
        self.fixtures = fixtures

    # ------------------------------------------------------------------ databases

    def template(self) -> Path:
        """The seeded template database, made once (seeding hashes every PIN: slow)."""
        path = self.directory / TEMPLATE
        if not path.exists():
            from pos.database import open_database

            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{TEMPLATE}.{os.getpid()}")
            for extra in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
                extra.unlink(missing_ok=True)
            kwargs: dict = {}
            if self.pin_cost is not None:
                kwargs["pin_cost"] = self.pin_cost
            if self.fixtures is not None:
                kwargs["fixtures"] = self.fixtures
            db = open_database(f"sqlite:///{tmp}", **kwargs)
            db.dispose()
            copy_sqlite(tmp, path.with_name(f".{TEMPLATE}.copy"))
            os.replace(path.with_name(f".{TEMPLATE}.copy"), path)
            for extra in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
                extra.unlink(missing_ok=True)
        return path

    def _new_id(self, trainee: str, scenario: Scenario) -> str:
        """A new attempt id, claimed by creating its records directory (two browser sessions
        sharing the classroom's records never get the same one)."""
        base = f"{datetime.now(CHINA):%Y%m%d-%H%M%S}-{_SAFE.sub('_', trainee)[:20]}-{scenario.id}"
        attempt_id, n = base, 1
        while True:
            try:
                (self.records / "attempts" / attempt_id).mkdir(parents=True)
                return attempt_id
            except FileExistsError:
                n += 1
                attempt_id = f"{base}-{n}"

    # ------------------------------------------------------------------ attempts

    def start(
        self,
        trainee: str,
        scenario: Scenario,
        *,
        clock_start: datetime | None = None,
        attempt_id: str | None = None,
        replay_of: str | None = None,
    ) -> Attempt:
        """A fresh attempt: its own copy of the template, the scenario's faults and setup."""
        trainee = trainee.strip()
        if not trainee:
            raise PosError("TRAINEE_REQUIRED", "请填写学员姓名", "Name the trainee")
        template = self.template()
        if attempt_id is None:
            attempt_id = self._new_id(trainee, scenario)
        else:
            (self.records / "attempts" / attempt_id).mkdir(parents=True, exist_ok=False)
        directory = self.directory / "attempts" / attempt_id
        directory.mkdir(parents=True, exist_ok=True)
        db_path = directory / "training.sqlite3"
        copy_sqlite(template, db_path)
        start = clock_start or datetime.now(CHINA).replace(microsecond=0)
        desk = self._desk(db_path, start)
        attempt = Attempt(
            attempt_id, trainee, scenario, directory, start, desk, replay_of=replay_of
        )
        self._set_up(attempt)
        self.save(attempt)
        return attempt

    def _desk(self, db_path: Path, start: datetime) -> TrainingDesk:
        from pos.database import build_center, open_database
        from pos.services.link import MsgIds

        db = open_database(f"sqlite:///{db_path}", seed_if_empty=False)
        clock = TickingClock(start)
        center = TrainingCenter(build_center(db.engine, clock=clock, lang=self.lang))
        return TrainingDesk(
            db, training_center=center, clock=clock, msgids=MsgIds(1), lang=self.lang
        )

    def _set_up(self, attempt: Attempt) -> None:
        """The starting state: work already done that day (not in the trainee's log), faults."""
        sc, desk = attempt.scenario, attempt.desk
        center = desk.training_center
        center.recording = False
        try:
            if sc.setup:
                desk.login(sc.cashier, sc.pin, sc.station)
                for step in sc.setup:
                    _setup_step(desk, step)
                desk.logout()
                desk.counter.clear_patient()
        finally:
            center.recording = True
        center.log.clear()
        center.faults.update(sc.faults)
        if "balance_changes" in sc.faults:
            center.before_settle = _spend_elsewhere(attempt)

    def save(self, attempt: Attempt, card: dict | None = None) -> Path:
        record = {
            "id": attempt.id,
            "trainee": attempt.trainee,
            "scenario": attempt.scenario.id,
            "clock_start": attempt.clock_start.isoformat(),
            "replay_of": attempt.replay_of,
            "hints": len(attempt.hints),
            "keys": attempt.keys,
            "messages": attempt.messages,
        }
        path = self.records / "attempts" / attempt.id / "attempt.json"
        old = self.load_record(attempt.id) if path.exists() else {}
        if card is not None:
            record["score"] = card
        elif "score" in old:
            record["score"] = old["score"]
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str), "utf-8")
        os.replace(tmp, path)
        return path

    def finish(self, attempt: Attempt):
        """Grade the attempt from its books and messages; write the score card; return it."""
        from pos.training.scoring import grade

        seconds = (
            attempt.seconds
            if attempt.seconds is not None
            else int(time.monotonic() - attempt.started)
        )
        card = grade(attempt.scenario, attempt.desk, hints=len(attempt.hints), seconds=seconds)
        self.save(attempt, card.as_json())
        return card

    def load_record(self, attempt_id: str) -> dict:
        if not re.fullmatch(r"[0-9A-Za-z\u4e00-\u9fff·_-]+", attempt_id):
            raise PosError(
                "ATTEMPT_UNKNOWN", f"没有练习记录 {attempt_id}", f"No attempt {attempt_id}"
            )
        path = self.records / "attempts" / attempt_id / "attempt.json"
        try:
            return json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise PosError(
                "ATTEMPT_UNKNOWN", f"没有练习记录 {attempt_id}", f"No attempt {attempt_id}"
            ) from None

    def history(self, trainee: str | None = None) -> list[dict]:
        """Every attempt (of one trainee), oldest first: id, trainee, scenario, score."""
        out = []
        for path in sorted((self.records / "attempts").glob("*/attempt.json")):
            try:
                rec = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            if trainee is not None and rec.get("trainee") != trainee:
                continue
            score = rec.get("score") or {}
            out.append(
                {
                    "id": rec.get("id"),
                    "trainee": rec.get("trainee"),
                    "scenario": rec.get("scenario"),
                    "clock_start": rec.get("clock_start"),
                    "points": score.get("points"),
                    "max_points": score.get("max_points"),
                    "seconds": score.get("seconds"),
                    "hints": rec.get("hints", 0),
                }
            )
        return out


# ---------------------------------------------------------------------- setup steps and faults


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent one-file copy (SQLite's backup API: WAL folded in), readable by its owner."""
    import sqlite3

    from pos.database import create_private_file

    create_private_file(target)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _setup_step(desk: TrainingDesk, step) -> None:
    from pos.services.views import TenderInput

    if step.do in ("settle", "settle_lost"):
        desk.identify(step.scan)
        visit = desk.open_visit(step.med_type or "11")
        del visit
        pre = desk.presettle()
        givers = [o.giver_psn_no for o in pre.copay_options if o.usable]
        if step.givers == "all" and givers:
            pre = desk.presettle(copay_givers=givers, copay_proof_checked=step.proof)
        due = pre.psn_cash_pay
        tender = [TenderInput("cash", due, step.tendered or due)] if due > 0 else []
        if step.do == "settle_lost":
            center = desk.training_center.center
            center.faults.lose_response_after_commit = {"2207"}
            center.faults.once = True
            # Lost: the center settled, the hospital did not (3201 will say 不平).
            with contextlib.suppress(PosError):
                desk.settle(tender)
        else:
            desk.settle(tender)
        desk.clear_patient()
    elif step.do == "bind":
        cd = desk.copay_desk(desk.station.fixmedins_code)
        b = cd.bind(
            giver_psn_no=step.giver_psn_no,
            beneficiary_psn_no=step.beneficiary_psn_no,
            relationship=step.relationship,
            quota=step.quota,
            proof_type="户口本",
            proof_no="SETUP",
            channel="counter",
        )
        cd.approve(b.binding_id)


def _spend_elsewhere(attempt: Attempt) -> Callable[[], None]:
    """balance_changes: someone (the scenario's [spend], by default the patient) buys medicine at
    the region's pharmacy with their account and their family co-pay, through a second desk on
    the same center (not in the trainee's log), between the trainee's 2206 and 2207."""
    from pos.training.scenarios import Spend

    sc = attempt.scenario
    spend = sc.spend or Spend()
    scan = spend.scan or (sc.credential.text if sc.credential is not None else None)
    if scan is None:
        raise PosError(
            "SCENARIO_SPEND", "情景缺少 [spend] 的凭证", "The scenario's [spend] names no one"
        )
    region = sc.station[1:5]
    pharmacy = {"6527": ("P65270100001-01", "1201"), "5306": ("P53060200001-01", "2201")}[region]

    def spend_now() -> None:
        from pos.services.desk import CashierDesk
        from pos.services.link import MsgIds
        from pos.services.views import TenderInput

        desk = attempt.desk
        inner = desk.training_center.center
        other = CashierDesk(desk.db, clock=desk.clock, msgids=MsgIds(9), center=inner)
        other.login(pharmacy[1], "111111", pharmacy[0])
        other.identify(scan)
        other.open_visit("41")
        other.add_line(spend.item, str(spend.cnt))
        pre = other.presettle()
        givers = [o.giver_psn_no for o in pre.copay_options if o.usable]
        if givers:  # the family's co-pay too, its proof seen at that counter
            pre = other.presettle(copay_givers=givers, copay_proof_checked=True)
        due = pre.psn_cash_pay
        other.settle([TenderInput("cash", due, due)] if due > 0 else [])
        other.logout()

    return spend_now


def money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
