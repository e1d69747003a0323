"""Real PostgreSQL benchmark: what a lab pays for a real server, and for one password change.

Figures in milliseconds: initdb, server start and stop (from the launcher's own timings),
creating the application's role and database, and one single-user password change through
the psycopg connector (log in, ALTER ROLE with a client-side SCRAM verifier, log in with the
new password), median of 20. SCRAM logins dominate that last figure: each one runs the
password through 4096 rounds of PBKDF2 on both ends. When no server can start here the
benchmark reports why, as a NaN row, rather than failing the run.
"""

from __future__ import annotations

import math
import statistics
import time

from secretkit import realdb
from secretkit.realdb_connector import PsycopgConnector

ROUNDS = 20


def run() -> list[tuple[str, float, str]]:
    try:
        began = time.perf_counter()
        server = realdb.start()
    except realdb.RealDBUnavailable as exc:
        return [(f"real PostgreSQL unavailable: {str(exc)[:80]}", math.nan, "ms")]
    rows: list[tuple[str, float, str]] = []
    try:
        first_start = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        secret = server.create_app_user("bench_app", "bench-password-0")
        create_ms = (time.perf_counter() - began) * 1000
        connector = PsycopgConnector()
        samples = []
        for i in range(ROUNDS):
            new = f"bench-password-{i + 1}"
            began = time.perf_counter()
            session = connector.connect(secret)
            assert session is not None, "the current password was refused"
            session.set_password(secret["username"], new)
            session.close()
            secret = dict(secret, password=new)
            check = connector.connect(secret)
            assert check is not None and check.test_login(), "the new password was refused"
            check.close()
            samples.append((time.perf_counter() - began) * 1000)
        rows += [
            (f"{server.version} from {server.binaries.source}: initdb", server.timings["initdb_s"] * 1000, "ms"),
            ("server start (pg_ctl -w)", server.timings["start_s"] * 1000, "ms"),
            ("start() end to end, incl. stale check", first_start, "ms"),
            ("create app role + database", create_ms, "ms"),
            (f"password change + 2 SCRAM logins (median of {ROUNDS})", statistics.median(samples), "ms"),
        ]
    finally:
        server.stop()
    rows.append(("server stop + delete files", server.timings["stop_s"] * 1000, "ms"))
    return rows
