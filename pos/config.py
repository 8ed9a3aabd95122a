"""Cashier-app settings: pydantic-settings, env prefix ``POS_``, nested delimiter ``__``.

    POS_LANG=en  POS_DATABASE_URL=sqlite:///pos.db  POS_PRINTER__TARGET=receipts
    POS_CURSOR_BLINK=false  POS_TRAINING=true  POS_STATION=H65270100001-01
    POS_KEYMAP='{"presettle": "f7"}'      # remap a Binding by its id

Tests build a ``Settings`` directly (no environment), so snapshots never depend on the host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class PrinterSettings(BaseModel):
    """Where receipts go and in what form (pos.printing).

    sink file: a directory (`target`), one new file per print, never overwritten;
    sink network: a raw ESC/POS printer at host:port (9100); sink usb: an ESC/POS printer by its
    USB vendor/product id (python-escpos Usb, needs pyusb); sink none, or target ``-``: nowhere.

        POS_PRINTER__SINK=network POS_PRINTER__HOST=10.0.0.7 POS_PRINTER__WIDTH=32
    """

    sink: Literal["file", "network", "usb", "none"] = "file"
    target: str = "receipts"
    encoding: str = "utf-8"
    # What the file sink writes; network and USB printers always get ESC/POS.
    format: Literal["text", "pdf", "escpos"] = "text"
    width: Literal[32, 48] = 48  # 58 mm / 80 mm paper, in 12-dot columns (a hanzi takes two)
    page: Literal["A5", "A4"] = "A5"  # the PDF's paper
    host: str = ""
    port: int = Field(default=9100, ge=1, le=65535)
    timeout: float = Field(default=5.0, gt=0, le=60)
    usb_vendor: int | None = None
    usb_product: int | None = None
    drawer_pin: Literal[2, 5] = 2

    @model_validator(mode="after")
    def _complete(self) -> PrinterSettings:
        if self.sink == "network" and not self.host:
            raise ValueError("printer sink network needs a host (POS_PRINTER__HOST)")
        if self.sink == "usb" and (self.usb_vendor is None or self.usb_product is None):
            raise ValueError(
                "printer sink usb needs usb_vendor and usb_product (POS_PRINTER__USB_VENDOR, …)"
            )
        return self

    @property
    def enabled(self) -> bool:
        if self.sink == "none":
            return False
        return self.sink != "file" or self.target not in ("", "-")

    @property
    def path(self) -> Path:
        return Path(self.target)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="POS_",
        env_nested_delimiter="__",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    lang: Literal["zh", "en"] = "zh"
    # The one variable pos.database reads too (no second name for the same thing).
    db_url: str | None = Field(default=None, validation_alias="POS_DATABASE_URL")
    printer: PrinterSettings = Field(default_factory=PrinterSettings)
    cursor_blink: bool = True
    training: bool = False  # live is the default; `pos train` chooses training
    # The station this terminal is (收费窗口); the login screen preselects it.
    station: str | None = None
    # Binding id -> keys, e.g. {"presettle": "f7"}; passed to App.set_keymap.
    keymap: dict[str, str] = Field(default_factory=dict)
    # The top bar's clock, refreshed every 30 s; tests switch it off so snapshots never move.
    show_clock: bool = True


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
