"""Lab 4 checks: design a parameter hierarchy and rotate a parameter by hand on a schedule.

The hierarchy the notebook asks for (one application, two environments)::

    /shop/prod/db/host       String        db.prod.internal
    /shop/prod/db/password   SecureString  (any value)
    /shop/dev/db/host        String        db.dev.internal
    /shop/dev/db/password    SecureString  (any value)

Each question runs the student's function against a fresh, seeded Cloud of its own.
"""

from __future__ import annotations

from typing import Any, Callable

from ..cloud import Cloud
from ..pricing import price
from . import Checks, Mistake, StudentError, call, expect

__all__ = ["EXPECTED_NAMES", "checks", "check"]

checks = Checks("lab04")
check = checks.check

#: The four parameter names of the hierarchy.
EXPECTED_NAMES = ("/shop/dev/db/host", "/shop/dev/db/password", "/shop/prod/db/host", "/shop/prod/db/password")
_HOSTS = {"prod": "db.prod.internal", "dev": "db.dev.internal"}


def _world(seed: int) -> tuple[Cloud, Any]:
    cloud = Cloud(seed=seed)
    return cloud, cloud.client("ssm", region_name="us-east-1")


def _code(error: BaseException) -> str | None:
    response = getattr(error, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, dict) else None


def _seed_hierarchy(ssm: Any) -> None:
    """The hierarchy as the solution builds it, for the questions that read it."""
    for env, host in _HOSTS.items():
        ssm.put_parameter(Name=f"/shop/{env}/db/host", Value=host, Type="String")
        ssm.put_parameter(Name=f"/shop/{env}/db/password", Value=f"{env}-Pa55word", Type="SecureString")


@checks.question("q1")
def _hierarchy(create_hierarchy: Callable[..., Any]) -> None:
    """create_hierarchy(ssm) puts the four parameters."""
    cloud, ssm = _world(401)
    call(create_hierarchy, ssm)
    described = ssm.describe_parameters(MaxResults=50)["Parameters"]
    names = sorted(p["Name"] for p in described)
    expect(names, "no parameters were created: call put_parameter on the client you were given")
    expect(all(n.startswith("/") for n in names),
           "flat names cannot be read or granted by path: start every name with /shop/<env>/")
    expect(set(EXPECTED_NAMES) <= set(names), "a parameter of the hierarchy is missing or misnamed")
    types = {p["Name"]: p["Type"] for p in described}
    expect(all(types[n] == "SecureString" for n in EXPECTED_NAMES if n.endswith("/password")),
           "a password is stored as a plain String: anyone allowed to read it sees it in the clear")
    expect(all(types[n] == "String" for n in EXPECTED_NAMES if n.endswith("/host")),
           "a host name does not need encryption: keep it a String")
    expect(all(p.get("Tier", "Standard") == "Standard" for p in described),
           f"Advanced parameters cost ${price('ssm:advanced-parameter-month').usd} a month each: "
           "Standard is enough here")
    for env, host in _HOSTS.items():
        got = ssm.get_parameter(Name=f"/shop/{env}/db/host")["Parameter"]["Value"]
        expect(got == host, f"the {env} host name is not the one in the table")


_NOT_RECURSIVE = ("GetParametersByPath without Recursive=True returns only the direct children "
                  "of the path, and /shop/<env> has none")


@checks.question("q2")
def _read_config(read_config: Callable[..., Any]) -> None:
    """read_config(ssm, env) returns {"host": ..., "password": ...} for one environment."""
    cloud, ssm = _world(402)
    _seed_hierarchy(ssm)
    by_path = len([e for e in cloud.events if e.operation == "GetParametersByPath"])
    try:
        got = call(read_config, ssm, "prod")
    except StudentError:
        if len([e for e in cloud.events if e.operation == "GetParametersByPath"]) > by_path:
            raise Mistake(_NOT_RECURSIVE + " (your code then failed on the empty result)") from None
        raise
    reads = [e for e in cloud.events if e.kind == "call" and e.operation == "GetParameter"]
    expect(isinstance(got, dict), "read_config should return a dict")
    expect(got, _NOT_RECURSIVE)
    expect({"host", "password"} <= set(got), "the dict should have the keys 'host' and 'password'")
    expect(got["host"] != _HOSTS["dev"], "read the wrong environment: use the env argument in the path")
    ciphertext = ssm.get_parameter(Name="/shop/prod/db/password")["Parameter"]["Value"]
    expect(got["password"] != ciphertext, "read without WithDecryption returns ciphertext")
    expect(got["password"] == "prod-Pa55word", "the password is not the one stored for this environment")
    expect(got["host"] == _HOSTS["prod"], "the host is not the one stored for this environment")
    expect(len(reads) < 2, "one GetParametersByPath call reads a whole environment: no need for one call per name")


@checks.question("q3")
def _rotate(rotate_password: Callable[..., Any]) -> None:
    """rotate_password(ssm, sm, name) writes a fresh random password as a new version."""
    cloud, ssm = _world(403)
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    _seed_hierarchy(ssm)
    name = "/shop/prod/db/password"
    try:
        call(rotate_password, ssm, sm, name)
    except StudentError as error:
        if _code(error.original) == "ParameterAlreadyExists":
            raise Mistake("ParameterAlreadyExists: writing a new version needs Overwrite=True") from None
        if _code(error.original) == "HierarchyTypeMismatchException":
            raise Mistake("the new password was written as a plain String: a SecureString cannot "
                          "become a String (HierarchyTypeMismatchException)") from None
        raise
    parameter = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    expect(parameter["Version"] >= 2, "no new version was written")
    expect(parameter["Type"] == "SecureString", "the new password was written as a plain String")
    expect(parameter["Value"] != "prod-Pa55word", "the new version has the old password")
    expect(len(parameter["Value"]) >= 16, "the new password is short: ask get_random_password for 16 characters or more")
    call(rotate_password, ssm, sm, name)  # a second rotation must differ again
    again = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    expect(again["Value"] != parameter["Value"], "two rotations wrote the same password: generate a new one each time")


@checks.question("q4")
def _schedule(schedule_rotation: Callable[..., Any]) -> None:
    """schedule_rotation(cloud, every_days, job) runs job every every_days days, for ever."""
    cloud, _ = _world(404)
    start = cloud.clock.now
    runs: list[float] = []

    def job() -> None:
        runs.append((cloud.clock.now - start).total_seconds() / 86400)

    call(schedule_rotation, cloud, 30, job)
    cloud.clock.advance(days=95)
    expect(runs, "Parameter Store has no built-in rotation: schedule it yourself (nothing ran in 95 days)")
    expect(runs[0] > 0, "the first rotation ran at once: a rate(30 days) rule first fires after 30 days")
    expect(len(runs) > 1, "the job ran once: a scheduled rule repeats, so re-arm the timer each time it fires")
    expect(runs == [30.0, 60.0, 90.0], "the job did not run every 30 days")
