"""Suite-wide setup: each xdist worker gets a PostgreSQL database of its own.

The storage tests wipe and re-seed their tables per test, which is only safe when no other worker
uses the same database at the same time. POS_TEST_PG_URL names the server; this hook creates
`pos_test_<worker>` on it and points POS_TEST_PG_URL there before any test runs.
"""

from __future__ import annotations

import inspect
import os

import pytest
from sqlalchemy.engine import make_url


def pytest_configure(config) -> None:
    # The audit key (pos.audit) of this test run: never the user's real one. Subprocesses inherit it.
    if not os.environ.get("POS_AUDIT_KEY_FILE"):
        import tempfile

        keys = tempfile.mkdtemp(prefix="pos-test-audit-key-")
        os.environ["POS_AUDIT_KEY_FILE"] = os.path.join(keys, "audit.key")
    # The validated-policy stamps (engine.policy) of this test run: never the user's cache.
    if not os.environ.get("POS_CACHE_DIR"):
        import tempfile

        os.environ["POS_CACHE_DIR"] = tempfile.mkdtemp(prefix="pos-test-cache-")
    url = os.environ.get("POS_TEST_PG_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if not url or os.environ.get("POS_TEST_PG_PER_WORKER") == worker:
        return
    import psycopg

    base = make_url(url)
    name = f"pos_test_{worker}"
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["POS_TEST_PG_URL"] = base.set(database=name).render_as_string(hide_password=False)
    # Subprocesses (the 4-station and SIGKILL tests) inherit the worker's database as it is.
    os.environ["POS_TEST_PG_PER_WORKER"] = worker


@pytest.fixture
def snap_compare(snap_compare):
    """The plugin's snap_compare, taking its picture only once the screen has stopped changing.

    On a loaded machine a DataTable can still be waiting to re-measure its columns (it does so
    after a refresh) when `run_before` returns, and the snapshot catches the narrow frame. Here the
    screen is rendered until two renders in a row agree (at most ~1 s), then the picture is taken.
    """

    def compare(app, *args, run_before=None, **kwargs):
        async def settled(pilot):
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            previous = None
            for _ in range(20):
                await pilot.app.workers.wait_for_complete()
                await pilot.pause(0.05)
                now = pilot.app.export_screenshot(simplify=True)
                if now == previous:
                    break
                previous = now

        return snap_compare(app, *args, run_before=settled, **kwargs)

    return compare
