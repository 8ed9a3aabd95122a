"""Alembic revisions (a package so that a built wheel ships them)."""
