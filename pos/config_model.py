"""The authority on the cashier app's settings: pydantic-settings, env prefix ``POS_``, nested
delimiter ``__``, case-insensitive names, empty values ignored.

The app uses the plain value types in pos.config; their light reader accepts only what is plainly
well-formed and sends every doubt here, which refuses with pydantic's message or gives the values
(pos.config.load_settings). The classes keep their names, so a refusal reads as it always did
("1 validation error for Settings"). Importing this module costs pydantic and pydantic-settings
(≈ 75–95 ms), which the cashier's cold start no longer pays.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class PrinterSettings(BaseModel):
    """pos.config.PrinterSettings, validated."""

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

    @field_validator("width", "drawer_pin", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        # The environment gives text, and an integer Literal takes no text: POS_PRINTER__WIDTH=32
        # was refused ("Input should be 32 or 48") although the README names it.
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return int(value)
        return value

    @model_validator(mode="after")
    def _complete(self) -> PrinterSettings:
        if self.sink == "network" and not self.host:
            raise ValueError("printer sink network needs a host (POS_PRINTER__HOST)")
        if self.sink == "usb" and (self.usb_vendor is None or self.usb_product is None):
            raise ValueError(
                "printer sink usb needs usb_vendor and usb_product (POS_PRINTER__USB_VENDOR, …)"
            )
        return self


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


class GivenSettings(Settings):
    """Settings from the given values only (pos.config.Settings built directly: no environment)."""

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **_sources):  # type: ignore[override]
        return (init_settings,)
