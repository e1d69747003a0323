"""Real PostgreSQL benchmark: what a lab pays for a real server, and for one password change.

Figures in milliseconds: initdb, server start and stop (from the launcher's own timings),
creating the application's role and database, and one single-user password change through
the psycopg connector (log in, ALTER ROLE with a client-side SCRAM verifier, log in with the
new password), median of 20; and one whole rotation, RotateSecret with the pre-built
PostgreSQL packages (single-user and alternating users, deployed with CreateFunction,
PyGreSQL's calls carried out by psycopg) through the boto3 client, median of 5 each. SCRAM logins dominate that last figure: each one runs the
password through 4096 rounds of PBKDF2 on both ends. When no server can start here the
benchmark reports why, as a NaN row, rather than failing the run.
"""

from __future__ import annotations

import json
import math
import statistics
import time

from secretkit import Cloud, rotation_functions
from secretkit.databases import postgres
from secretkit.databases.psycopg_connector import PsycopgConnector

ROUNDS = 20


def _rotation_ms(server: postgres.PostgresServer, strategy: str, user: str) -> float:
    """Median wall-clock milliseconds of one whole rotation (four steps, real database work)."""
    cloud = Cloud(seed=0)
    client = cloud.client("secretsmanager", region_name="us-east-1")
    secret = server.create_app_user(user, dbname=f"{user}db")
    if strategy == "alternating-users":
        master = client.create_secret(Name="master", SecretString=json.dumps(server.master_secret()))
        secret["masterarn"] = master["ARN"]
    arn = client.create_secret(Name=user, SecretString=json.dumps(secret))["ARN"]
    function = rotation_functions.deploy(cloud, "rotate", "postgres", strategy, driver="real",
                                         master_secret_arn=secret.get("masterarn"))
    samples = []
    for _ in range(5):
        began = time.perf_counter()
        token = client.rotate_secret(SecretId=arn, RotationLambdaARN=function)["VersionId"]
        cloud.clock.advance(seconds=10)  # the steps follow each other on the simulated clock
        samples.append((time.perf_counter() - began) * 1000)
        stages = client.describe_secret(SecretId=arn)["VersionIdsToStages"][token]
        assert "AWSCURRENT" in stages, f"the rotation did not finish: {stages}"
    return statistics.median(samples)


def run() -> list[tuple[str, float, str]]:
    try:
        began = time.perf_counter()
        server = postgres.start()
    except postgres.RealDBUnavailable as exc:
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
            ("RotateSecret, single-user, 4 steps (median of 5)", _rotation_ms(server, "single-user", "bench_single"), "ms"),
            ("RotateSecret, alternating users (median of 5)", _rotation_ms(server, "alternating-users", "bench_alt"), "ms"),
        ]
    finally:
        server.stop()
    rows.append(("server stop + delete files", server.timings["stop_s"] * 1000, "ms"))
    return rows
