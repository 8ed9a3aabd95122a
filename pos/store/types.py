"""Column types that keep money exact and instants unambiguous on SQLite and PostgreSQL alike.

SQLite has no decimal type (SQLAlchemy would round-trip Numeric through float), so a fixed-point
value is stored there as a scaled integer (fen for money); PostgreSQL gets a real NUMERIC that a
person can read in psql. Either way the Python side only ever sees Decimal.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class Fixed(TypeDecorator[Decimal]):
    """A Decimal with `scale` places: NUMERIC(precision, scale) on PostgreSQL, scaled int on SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = 2, precision: int = 16) -> None:
        super().__init__()
        self.scale = scale
        self.precision = precision
        self._quantum = Decimal(1).scaleb(-scale)

    def __repr__(self) -> str:  # what alembic writes into a migration
        return f"Fixed(scale={self.scale}, precision={self.precision})"

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> object:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"Fixed column needs Decimal, got {type(value).__name__}")
        exact = value.quantize(self._quantum)
        if exact != value:
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        if dialect.name == "sqlite":
            return int(exact.scaleb(self.scale))
        return exact

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self._quantum)
        return Decimal(value).quantize(self._quantum)


def Money() -> Fixed:
    return Fixed(2)


class Instant(TypeDecorator[datetime]):
    """An aware datetime, stored as UTC (SQLite keeps no offset, so it is stripped there)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def __repr__(self) -> str:
        return "Instant()"

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the clock must give timezone-aware instants")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
