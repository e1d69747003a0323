"""Lab 1 checks: store and read secrets safely with boto3, errors included.

Each question drives the student's function against a fresh, seeded Cloud of its own,
so the checks do not depend on what the notebook did before (or on cells run twice).
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ..cloud import Cloud
from . import Checks, Mistake, call, expect

__all__ = ["checks", "check"]

checks = Checks("lab01")
check = checks.check

_NAME = "lab01/check/db"


def _world(seed: int) -> tuple[Cloud, Any]:
    cloud = Cloud(seed=seed)
    return cloud, cloud.client("secretsmanager", region_name="us-east-1")


def _code(error: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError, or None for anything else."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code")
    return None


@checks.question("q1")
def _store(store_credentials: Callable[..., Any]) -> None:
    """store_credentials(client, name, username, password) creates a JSON secret, returns its ARN."""
    cloud, client = _world(101)
    arn = call(store_credentials, client, _NAME, "app_user", "s3cret-Pa55")
    listed = client.list_secrets()["SecretList"]
    expect(listed, "no secret was created: call create_secret on the client you were given")
    entry = listed[0]
    expect(entry["Name"] == _NAME, "the secret has a different name from the one passed in")
    visible = json.dumps({k: v for k, v in entry.items() if k != "ResponseMetadata"}, default=str)
    expect("s3cret-Pa55" not in visible,
           "the password is visible in the secret's metadata (Description or Tags are not encrypted)")
    value = client.get_secret_value(SecretId=_NAME)
    expect("SecretString" in value, "the value was stored as SecretBinary: credentials are text, use SecretString")
    try:
        stored = json.loads(value["SecretString"])
    except ValueError:
        raise Mistake("SecretString is not JSON: build it with json.dumps, not str() or an f-string") from None
    expect(isinstance(stored, dict), "SecretString should be a JSON object with named fields")
    expect(set(stored) >= {"username", "password"},
           "the JSON is missing a field: store both 'username' and 'password'")
    expect(stored["username"] == "app_user" and stored["password"] == "s3cret-Pa55",
           "the stored username or password is not the one passed in")
    expect(arn == entry["ARN"], "return the secret's ARN from create_secret's response")


@checks.question("q2")
def _read(read_password: Callable[..., Any]) -> None:
    """read_password(client, name) returns the password of the *current* version."""
    cloud, client = _world(102)
    client.create_secret(Name=_NAME, SecretString=json.dumps({"username": "app_user", "password": "old-Pa55"}))
    client.put_secret_value(SecretId=_NAME, SecretString=json.dumps({"username": "app_user", "password": "new-Pa55"}))
    got = call(read_password, client, _NAME)
    expect(not isinstance(got, dict), "returned the whole response: the value is in its SecretString field")
    expect(not (isinstance(got, str) and got.lstrip().startswith("{")),
           "returned the JSON text: parse SecretString with json.loads and pick the field")
    expect(got != "old-Pa55", "read an older version: without VersionStage you get AWSCURRENT, the one to use")
    expect(got == "new-Pa55", "the value returned is not the secret's current password")


@checks.question("q3")
def _read_or_none(read_or_none: Callable[..., Any]) -> None:
    """read_or_none(client, name): the SecretString, None only when the secret does not exist."""
    cloud, client = _world(103)
    client.create_secret(Name=_NAME, SecretString="present")
    expect(call(read_or_none, client, _NAME) == "present", "an existing secret should give its SecretString")
    try:
        missing = read_or_none(client, "lab01/check/missing")
    except Exception as error:  # the interesting failure is which error escaped
        code = _code(error)
        if code == "ResourceNotFoundException":
            raise Mistake("ResourceNotFoundException escaped: catch it (and only it) and return None") from None
        raise
    expect(missing is None, "a secret that does not exist should give None")
    client.create_secret(Name="lab01/check/retired", SecretString="gone soon")
    client.delete_secret(SecretId="lab01/check/retired", RecoveryWindowInDays=7)
    try:
        swallowed = read_or_none(client, "lab01/check/retired")
    except Exception as error:
        expect(_code(error) == "InvalidRequestException", "a secret pending deletion raised the wrong error")
        return
    raise Mistake(
        "an error other than ResourceNotFoundException was swallowed"
        + (" and turned into None" if swallowed is None else "")
        + ": catch only the 'not found' code and re-raise the rest"
    )


@checks.question("q4")
def _retire(retire: Callable[..., Any]) -> None:
    """retire(client, name) deletes the secret so that it can still be restored."""
    cloud, client = _world(104)
    client.create_secret(Name=_NAME, SecretString="to retire")
    call(retire, client, _NAME)
    names = [s["Name"] for s in client.list_secrets(IncludePlannedDeletion=True)["SecretList"]]
    expect(_NAME in names, "deleted without recovery: the secret is gone for good and cannot be restored")
    described = client.describe_secret(SecretId=_NAME)
    expect("DeletedDate" in described, "the secret was not deleted: call delete_secret")
    cloud.clock.advance(days=6)  # any valid recovery window (7 to 30 days) is still open
    client.restore_secret(SecretId=_NAME)
    expect(client.get_secret_value(SecretId=_NAME)["SecretString"] == "to retire",
           "after restore_secret the value should read back unchanged")
