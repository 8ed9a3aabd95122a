"""Alembic migrations for both sides' tables (center_* and hosp_*), run by pos.database.migrate."""
