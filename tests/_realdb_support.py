"""One real PostgreSQL per test module: skipped with its reason locally, a failure in CI.

``SECRETKIT_REQUIRE_REALDB=1`` (set by ``.ci/run``) turns "no server could start here" into a
test failure, so a broken launcher can never hide behind a skip.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from secretkit.databases import postgres


def require_psycopg() -> None:
    """Skip (or, under the CI variable, fail) when the psycopg driver is not installed."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        if postgres.require_realdb():
            pytest.fail(f"{postgres.REQUIRE_ENV} is set but psycopg is missing: {exc}", pytrace=False)
        pytest.skip("the realdb extra (psycopg) is not installed", allow_module_level=True)


def server_or_skip() -> Iterator[postgres.PostgresServer]:
    """Start a server for a module-scoped fixture; skip or fail, as the environment demands."""
    try:
        server = postgres.start()
    except postgres.RealDBUnavailable as exc:
        if postgres.require_realdb():
            pytest.fail(f"{postgres.REQUIRE_ENV} is set but no PostgreSQL could start: {exc}", pytrace=False)
        pytest.skip(f"no real PostgreSQL here: {exc}")
    try:
        yield server
    finally:
        server.stop()
