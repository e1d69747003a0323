"""Lab 4 checks: design a parameter hierarchy and rotate a parameter by hand on a schedule.

The hierarchy the notebook asks for (one application, two environments)::

    /shop/prod/db/host       String        db.prod.internal
    /shop/prod/db/password   SecureString  (any value)
    /shop/dev/db/host        String        db.dev.internal
    /shop/dev/db/password    SecureString  (any value)

Each question runs the student's function against a fresh, seeded Cloud of its own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

from ..cloud import Cloud
from ..pricing import price
from . import Checks, Mistake, StudentError, call, count_calls, error_code, expect, type_name

__all__ = ["EXPECTED_NAMES", "checks", "check"]

checks = Checks("lab04")
check = checks.check

#: The four parameter names of the hierarchy.
EXPECTED_NAMES = ("/shop/dev/db/host", "/shop/dev/db/password", "/shop/prod/db/host", "/shop/prod/db/password")
_HOSTS = {"prod": "db.prod.internal", "dev": "db.dev.internal"}


_OTHER_CLIENT = ("no call reached the client passed in: your function used another client (the notebook's "
                 "`ssm`?), so it would not work for the caller's account; call methods on the argument")


def _world(seed: int) -> tuple[Cloud, Any]:
    cloud = Cloud(seed=seed)
    return cloud, cloud.client("ssm", region_name="us-east-1")


def _ssm_calls(cloud: Cloud) -> int:
    return count_calls(cloud, service="ssm")


def _run(cloud: Cloud, function: Callable[..., Any], *args: Any, service: str = "ssm") -> Any:
    """Call the student's function; an AWS error or a return with no call on the check's
    clients means the calls went to another account."""
    before = count_calls(cloud, service=service)
    try:
        value = call(function, *args)
    except StudentError as error:
        if count_calls(cloud, service=service) == before and error_code(error.original) is not None:
            raise Mistake(_OTHER_CLIENT) from None
        raise
    expect(count_calls(cloud, service=service) > before, _OTHER_CLIENT)
    return value


def _seed_hierarchy(ssm: Any) -> None:
    """The hierarchy as the solution builds it, for the questions that read it."""
    for env, host in _HOSTS.items():
        ssm.put_parameter(Name=f"/shop/{env}/db/host", Value=host, Type="String")
        ssm.put_parameter(Name=f"/shop/{env}/db/password", Value=f"{env}-Pa55word", Type="SecureString")


# --------------------------------------------------------------------------- q1
@checks.question("q1")
def _hierarchy(create_hierarchy: Callable[..., Any]) -> None:
    """create_hierarchy(ssm) puts the four parameters."""
    cloud, ssm = _world(401)
    try:
        _run(cloud, create_hierarchy, ssm)
    except StudentError as error:
        code = error_code(error.original)
        if code == "ValidationException":
            raise Mistake("Parameter Store refused a name (ValidationException): a name like /app/env/component/key "
                          "has a slash before each part and none at the end") from None
        if code == "ParameterAlreadyExists":
            raise Mistake("put_parameter was called twice for one name (ParameterAlreadyExists): each of the four "
                          "parameters is created once") from None
        raise
    described = ssm.describe_parameters(MaxResults=50)["Parameters"]
    names = sorted(p["Name"] for p in described)
    expect(names, "no parameters were created: call put_parameter on the client you were given")
    expect(all(n.startswith("/") for n in names),
           "flat names cannot be read or granted by path: start every name with /shop/<env>/")
    missing = [n for n in EXPECTED_NAMES if n not in names]
    extra = [n for n in names if n not in EXPECTED_NAMES]
    if missing and extra:
        raise Mistake(f"{extra[0]} is not a name of the table: is it a misspelt {missing[0]}?")
    if missing:
        raise Mistake(f"{missing[0]} is missing")
    by_name = {p["Name"]: p for p in described}
    expect(all(by_name[n]["Type"] == "SecureString" for n in EXPECTED_NAMES if n.endswith("/password")),
           "a password is stored as a plain String: anyone allowed to read it sees it in the clear")
    expect(all(by_name[n]["Type"] != "StringList" for n in EXPECTED_NAMES if n.endswith("/host")),
           "a host name is a single value: a String, not a StringList")
    expect(all(by_name[n]["Type"] == "String" for n in EXPECTED_NAMES if n.endswith("/host")),
           "a host name does not need encryption: keep it a String")
    expect(all(p.get("Tier", "Standard") == "Standard" for p in described),
           f"Advanced parameters cost ${price('ssm:advanced-parameter-month').usd} a month each: "
           "Standard is enough here")
    for env, host in _HOSTS.items():
        got = ssm.get_parameter(Name=f"/shop/{env}/db/host")["Parameter"]["Value"]
        expect(got == host, f"the {env} host name is not the one in the table")
    for env in _HOSTS:
        password = ssm.get_parameter(Name=f"/shop/{env}/db/password", WithDecryption=True)["Parameter"]["Value"]
        expect(password not in by_name[f"/shop/{env}/db/password"].get("Description", ""),
               "the password is visible in the parameter's Description, which is not encrypted")


# --------------------------------------------------------------------------- q2
_NOT_RECURSIVE = ("GetParametersByPath without Recursive=True returns only the direct children "
                  "of the path, and /shop/<env> has none")
_OTHER_ENV = "read the wrong environment: use the env argument in the path"


def _config(cloud: Cloud, read_config: Callable[..., Any], ssm: Any, env: str) -> dict[str, Any]:
    by_path = count_calls(cloud, "GetParametersByPath")
    try:
        got = _run(cloud, read_config, ssm, env)
    except StudentError as error:
        if error_code(error.original) == "ValidationException" and count_calls(cloud, "GetParametersByPath") > by_path:
            raise Mistake("a path starts with a slash: read /shop/<env>, not shop/<env>") from None
        if count_calls(cloud, "GetParametersByPath") > by_path:
            raise Mistake(_NOT_RECURSIVE + " (your code then failed on the empty result)") from None
        raise
    expect(isinstance(got, dict), f"read_config returned {type_name(got)}: return a dict")
    expect(got, _NOT_RECURSIVE)
    expect(not any(str(key).startswith("/") for key in got),
           "the keys are full parameter names: use only the last part of each name")
    expect({"host", "password"} <= set(got), "the dict should have the keys 'host' and 'password'")
    expect(not any(isinstance(value, dict) for value in got.values()),
           "each value is a whole parameter: use its 'Value' field")
    return got


@checks.question("q2")
def _read_config(read_config: Callable[..., Any]) -> None:
    """read_config(ssm, env) returns {"host": ..., "password": ...} for one environment."""
    cloud, ssm = _world(402)
    _seed_hierarchy(ssm)
    got = _config(cloud, read_config, ssm, "prod")
    reads = count_calls(cloud, "GetParameter")
    expect(got["host"] != _HOSTS["dev"], _OTHER_ENV)
    ciphertext = ssm.get_parameter(Name="/shop/prod/db/password")["Parameter"]["Value"]
    expect(got["password"] != ciphertext, "read without WithDecryption returns ciphertext")
    expect(got["password"] == "prod-Pa55word", "the password is not the one stored for this environment")
    expect(got["host"] == _HOSTS["prod"], "the host is not the one stored for this environment")
    expect(reads < 2, "one GetParametersByPath call reads a whole environment: no need for one call per name")
    expect(not count_calls(cloud, "GetParameters"),
           "get_parameters needs every name spelled out: read the environment by path with get_parameters_by_path")
    dev = _config(cloud, read_config, ssm, "dev")
    expect(dev["host"] == _HOSTS["dev"] and dev["password"] == "dev-Pa55word", _OTHER_ENV)


# --------------------------------------------------------------------------- q3
_NO_WRITE = ("no call reached the Parameter Store client passed in: write the new version with put_parameter on "
             "the `ssm` argument (not the notebook's own client)")

def _rotate_once(cloud: Cloud, rotate_password: Callable[..., Any], ssm: Any, sm: Any, name: str) -> None:
    before = _ssm_calls(cloud)
    try:
        call(rotate_password, ssm, sm, name)
    except StudentError as error:
        code = error_code(error.original)
        if code == "ParameterAlreadyExists":
            raise Mistake("ParameterAlreadyExists: writing a new version needs Overwrite=True") from None
        if code == "HierarchyTypeMismatchException":
            raise Mistake("the new password was written as a plain String: a SecureString cannot "
                          "become a String (HierarchyTypeMismatchException)") from None
        if type(error.original).__name__ == "ParamValidationError" and "RandomPassword" in str(error.original):
            raise Mistake("put_parameter was given get_random_password's whole response: the password is its "
                          "RandomPassword field") from None
        if code is not None and _ssm_calls(cloud) == before:
            raise Mistake(_NO_WRITE) from None
        raise


@checks.question("q3")
def _rotate(rotate_password: Callable[..., Any]) -> None:
    """rotate_password(ssm, sm, name) writes a fresh random password as a new version."""
    cloud, ssm = _world(403)
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    _seed_hierarchy(ssm)
    name = "/shop/prod/db/password"
    before = _ssm_calls(cloud)
    _rotate_once(cloud, rotate_password, ssm, sm, name)
    parameter = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    expect(not count_calls(cloud, "DeleteParameter"),
           "deleting and re-creating the parameter throws its history away (and leaves a moment with no "
           "password): overwrite it to make a new version")
    expect(not (count_calls(cloud, "CreateSecret") or count_calls(cloud, "PutSecretValue")),
           "the new password went to Secrets Manager: write it as the parameter's next version in Parameter Store")
    expect(_ssm_calls(cloud) > before + 1, _NO_WRITE)  # the check's own read above is one call
    expect(parameter["Version"] >= 2, "no new version was written")
    expect(parameter["Type"] == "SecureString", "the new password was written as a plain String")
    expect(parameter["Value"] != "prod-Pa55word", "the new version has the old password")
    expect(len(parameter["Value"]) >= 16, "the new password is short: ask get_random_password for 16 characters or more")
    _rotate_once(cloud, rotate_password, ssm, sm, name)  # a second rotation must differ again
    again = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    expect(again["Value"] != parameter["Value"], "two rotations wrote the same password: generate a new one each time")
    other = "/shop/dev/db/password"
    _rotate_once(cloud, rotate_password, ssm, sm, other)
    expect(ssm.get_parameter(Name=other)["Parameter"]["Version"] == 2,
           "asked to rotate another parameter, the function rotated the first one again: write to `name`")


# --------------------------------------------------------------------------- q4
class _JobFailed(Exception):
    """The check's job failing on purpose, as a rotation does when the database is down."""


def _advance(cloud: Cloud, days: int) -> None:
    """Move ``days`` on, carrying on past the job's own failures like a scheduler would."""
    target = cloud.clock.now + timedelta(days=days)
    while True:
        try:
            cloud.clock.run_until(target)
            return
        except _JobFailed:
            continue
        except Exception as error:  # the student's timer code failed inside the clock
            raise StudentError(error) from error


def _schedule(schedule_rotation: Callable[..., Any], every_days: int, *, horizon: int,
              fail_first: bool = False) -> list[float]:
    """Days (since the call) at which the job ran when ``schedule_rotation`` armed it."""
    cloud, _ = _world(404)
    start = cloud.clock.now
    runs: list[float] = []

    def job() -> None:
        runs.append((cloud.clock.now - start).total_seconds() / 86400)
        if fail_first and len(runs) == 1:
            raise _JobFailed("the rotation failed: the database did not answer")

    try:
        call(schedule_rotation, cloud, every_days, job)
        expect(cloud.clock.now == start, "schedule_rotation moved the clock itself: it should only arrange future "
                                         "calls (time moves when the caller advances the clock)")
        _advance(cloud, horizon)
    except StudentError as error:
        if isinstance(error.original, TypeError) and "positional argument" in str(error.original):
            raise Mistake("job takes no arguments: call it as job()") from None
        raise
    return runs


@checks.question("q4")
def _schedule_question(schedule_rotation: Callable[..., Any]) -> None:
    """schedule_rotation(cloud, every_days, job) runs job every every_days days, for ever."""
    runs = _schedule(schedule_rotation, 30, horizon=95)
    expect(runs, "Parameter Store has no built-in rotation: schedule it yourself (nothing ran in 95 days)")
    expect(runs[0] > 0, "the first rotation ran at once: a rate(30 days) rule first fires after 30 days")
    expect(len(runs) > 1, "the job ran once: a scheduled rule repeats, so re-arm the timer each time it fires")
    expect(len(set(runs)) == len(runs), "the job ran more than once at the same moment: each run should arm exactly "
                                        "one next run")
    interval = runs[1] - runs[0]
    expect(interval == 30, f"the job ran every {interval:g} days instead of every 30: a timedelta counts days "
                           "with days=...")
    expect(runs == [30.0, 60.0, 90.0], "the job did not run every 30 days")
    year = _schedule(schedule_rotation, 30, horizon=400)
    expect(len(year) == 13, f"the job stopped after {len(year)} runs: a rule keeps firing for as long as the clock "
                            "runs")
    weekly = _schedule(schedule_rotation, 7, horizon=30)
    expect(weekly[:1] != [30.0], "with every_days=7 the job still ran after 30 days: the interval is hard-coded; use "
                                 "the every_days argument")
    expect(weekly == [7.0, 14.0, 21.0, 28.0], "with every_days=7 the job did not run every 7 days")
    failing = _schedule(schedule_rotation, 30, horizon=95, fail_first=True)
    expect(len(failing) == 3, "one failed run stopped the schedule: a rule fires again at its next time whether or "
                              "not the last run failed (arm the next run before calling job, or in a finally)")
