"""Configuration changes in the audit log: what a window runs with (language, printer, training,
station, key map) is compared at each sign-in with what that window last ran with, and any
difference is a `config.change` entry naming each setting's old and new value.

Settings come from the environment and a file (pos.config), outside the app, so the change is
seen when someone signs in under it, not when the file was edited; the entry says who signed in.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos.config import Settings
from pos.services.window import Window
from pos.store.models import AuditEntry

ACTION = "config.change"


def summary(settings: Settings) -> dict[str, str]:
    """The settings that change what a window does, as strings (no database URL: it may hold a
    password, and a different database is a different log anyway)."""
    p = settings.printer
    out = {
        "lang": settings.lang,
        "training": str(settings.training).lower(),
        "station": settings.station or "",
        "keymap": json.dumps(settings.keymap, sort_keys=True, ensure_ascii=False),
        "printer.sink": p.sink,
        "printer.target": p.target,
        "printer.format": p.format,
        "printer.width": str(p.width),
        "printer.page": p.page,
        "printer.encoding": p.encoding,
    }
    if p.sink == "network":
        out["printer.host"] = f"{p.host}:{p.port}"
    if p.sink == "usb":
        out["printer.usb"] = f"{p.usb_vendor}:{p.usb_product}"
    return out


def last_seen(session: Session, station_id: str) -> dict[str, str]:
    payload = session.scalar(
        select(AuditEntry.payload)
        .where(AuditEntry.action == ACTION, AuditEntry.subject == station_id)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )
    if payload is None:
        return {}
    return dict(json.loads(payload).get("settings") or {})


def note(window: Window, session: Session, settings: dict[str, str]) -> bool:
    """Append `config.change` if this window's settings differ from the last ones it recorded."""
    before = last_seen(session, window.station.station_id)
    if before == settings:
        return False
    changed = {
        key: [before.get(key), settings.get(key)]
        for key in sorted(set(before) | set(settings))
        if before.get(key) != settings.get(key)
    }
    window.audit(
        session,
        ACTION,
        window.station.station_id,
        {"settings": settings, "changed": changed, "first": not before},
    )
    return True
