"""Cashier-app settings: pydantic-settings, env prefix ``POS_``, nested delimiter ``__``.

    POS_LANG=en  POS_DB_URL=sqlite:///pos.db  POS_PRINTER__TARGET=receipts
    POS_CURSOR_BLINK=false  POS_TRAINING=true  POS_STATION=H65270100001-01
    POS_KEYMAP='{"presettle": "f7"}'      # remap a Binding by its id

Tests build a ``Settings`` directly (no environment), so snapshots never depend on the host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PrinterSettings(BaseModel):
    """Where receipts go: a directory (one text file per receipt) or ``-`` for nowhere."""

    target: str = "receipts"
    encoding: str = "utf-8"

    @property
    def enabled(self) -> bool:
        return self.target not in ("", "-")

    @property
    def path(self) -> Path:
        return Path(self.target)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="POS_",
        env_nested_delimiter="__",
        env_ignore_empty=True,
        extra="ignore",
    )

    lang: Literal["zh", "en"] = "zh"
    db_url: str | None = None
    printer: PrinterSettings = Field(default_factory=PrinterSettings)
    cursor_blink: bool = True
    training: bool = True
    # The station this terminal is (收费窗口); the login screen preselects it.
    station: str | None = None
    # Binding id -> keys, e.g. {"presettle": "f7"}; passed to App.set_keymap.
    keymap: dict[str, str] = Field(default_factory=dict)
    # The footer/help show keys; set false on terminals without F-keys to show ctrl-alternatives.
    show_clock: bool = True


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
