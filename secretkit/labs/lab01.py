"""Lab 1 checks: store and read secrets safely with boto3, errors included.

Each question drives the student's function against a fresh, seeded Cloud of its own,
so the checks do not depend on what the notebook did before (or on cells run twice), and
through more than the happy path:

* ``q1`` ``store_credentials(client, name, username, password)``: called twice, with two
  names and two logins, so a hard-coded name or value shows; the check reads back the
  value *and* the metadata (which is not encrypted).
* ``q2`` ``read_password(client, name)``: the secret has an older version, changes
  between two calls (a copy kept from the first call shows) and has a neighbour of
  another name.
* ``q3`` ``read_or_none(client, name)``: an existing secret, a missing one, and one
  pending deletion, whose error must reach the caller.
* ``q4`` ``retire(client, name)``: the secret must be gone from reads yet restorable a
  week later.

A function that makes no call on the client it was given (it used the notebook's ``sm``,
made for another account) is told so, whatever else went wrong.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ..cloud import Cloud
from . import Checks, Mistake, StudentError, call, count_calls, error_code, expect, type_name

__all__ = ["checks", "check"]

checks = Checks("lab01")
check = checks.check

_NAME = "lab01/check/db"
_OTHER_CLIENT = ("no call reached the client passed in: your function used another client (the notebook's "
                 "`sm`?), so it would not work for the caller's account; call methods on the `client` argument")


def _world(seed: int) -> tuple[Cloud, Any]:
    cloud = Cloud(seed=seed)
    return cloud, cloud.client("secretsmanager", region_name="us-east-1")


def _sm_calls(cloud: Cloud) -> int:
    return count_calls(cloud, service="secretsmanager")


def _run(cloud: Cloud, function: Callable[..., Any], *args: Any) -> Any:
    """Call the student's function: an AWS error, or a return, with no call on the check's
    client means the calls went to another account (a typo or any other error is reported
    as it is)."""
    before = _sm_calls(cloud)
    try:
        value = call(function, *args)
    except StudentError as error:
        if _sm_calls(cloud) == before and error_code(error.original) is not None:
            raise Mistake(_OTHER_CLIENT) from None
        raise
    expect(_sm_calls(cloud) > before, _OTHER_CLIENT)
    return value


# --------------------------------------------------------------------------- q1
def _store_once(cloud: Cloud, client: Any, store: Callable[..., Any], name: str, username: str,
                password: str) -> None:
    try:
        arn = _run(cloud, store, client, name, username, password)
    except StudentError as error:
        code = error_code(error.original)
        if code == "ResourceNotFoundException" and count_calls(cloud, "PutSecretValue"):
            raise Mistake("put_secret_value adds a version to a secret that already exists: "
                          "a new secret is made with create_secret") from None
        raise
    entries = {s["Name"]: s for s in client.list_secrets()["SecretList"]}
    expect(entries, "no secret was created: call create_secret on the client you were given")
    expect(name in entries, "the secret has a different name from the one passed in")
    described = client.describe_secret(SecretId=name)
    metadata = json.dumps({k: v for k, v in described.items() if k != "ResponseMetadata"}, default=str)
    expect(password not in metadata,
           "the password is visible in the secret's metadata (Description or Tags are not encrypted)")
    value = client.get_secret_value(SecretId=name)
    expect("SecretString" in value, "the value was stored as SecretBinary: credentials are text, use SecretString")
    text = value["SecretString"]
    try:
        stored = json.loads(text)
    except ValueError:
        if text == password:
            raise Mistake("SecretString holds only the password: store one JSON object with both "
                          "the username and the password (json.dumps)") from None
        if text.startswith("{'"):
            raise Mistake("SecretString is Python's str() of a dict (single quotes), which json.loads "
                          "cannot parse: build it with json.dumps") from None
        raise Mistake("SecretString is not JSON: build it with json.dumps, not str() or an f-string") from None
    expect(not isinstance(stored, list), "SecretString is a JSON list: use a JSON object, whose fields have names")
    expect(isinstance(stored, dict), "SecretString should be a JSON object with named fields")
    expect(set(stored) >= {"username", "password"}, "the JSON is missing a field: store both 'username' and 'password'")
    expect(stored["username"] == username and stored["password"] == password,
           "the stored username or password is not the one passed in")
    entry = entries[name]
    expect(not isinstance(arn, dict), "returned create_secret's whole response: return its ARN field")
    expect(arn != value["VersionId"], "returned the new version's id: return the secret's ARN")
    expect(arn != name, "returned the secret's name: return its ARN from create_secret's response")
    expect(arn == entry["ARN"], "the value returned is not the new secret's ARN")


@checks.question("q1")
def _store(store_credentials: Callable[..., Any]) -> None:
    """store_credentials(client, name, username, password) creates a JSON secret, returns its ARN."""
    cloud, client = _world(101)
    _store_once(cloud, client, store_credentials, _NAME, "app_user", "s3cret-Pa55")
    _store_once(cloud, client, store_credentials, "lab01/check/reports", "report_user", "other-Pa55word")


# --------------------------------------------------------------------------- q2
def _read_once(cloud: Cloud, read_password: Callable[..., Any], client: Any, name: str, *, first: bool) -> Any:
    try:
        # Only the first call must reach the client: a later one may answer from a copy, which
        # the scenario after it catches with its own message.
        return _run(cloud, read_password, client, name) if first else call(read_password, client, name)
    except StudentError as error:
        original = error.original
        if isinstance(original, KeyError) and original.args == ("SecretBinary",):
            raise Mistake("a text secret's value is in SecretString; SecretBinary is absent") from None
        if isinstance(original, TypeError) and "JSON object must be str" in str(original):
            raise Mistake("json.loads was given the whole response: parse its SecretString field") from None
        if error_code(original) == "ResourceNotFoundException":
            raise Mistake("get_secret_value found no such version: the current value needs no "
                          "VersionId or VersionStage") from None
        raise


@checks.question("q2")
def _read(read_password: Callable[..., Any]) -> None:
    """read_password(client, name) returns the password of the *current* version, every time."""
    cloud, client = _world(102)
    client.create_secret(Name=_NAME, SecretString=json.dumps({"username": "app_user", "password": "old-Pa55"}))
    client.put_secret_value(SecretId=_NAME, SecretString=json.dumps({"username": "app_user", "password": "new-Pa55"}))
    got = _read_once(cloud, read_password, client, _NAME, first=True)
    expect(got is not None, "returned None: return the password, as a string")
    if isinstance(got, dict):
        expect("password" not in got, "returned the whole credentials object: pick its 'password' field")
        raise Mistake("returned the whole response: the value is in its SecretString field")
    expect(not (isinstance(got, str) and got.lstrip().startswith("{")),
           "returned the JSON text: parse SecretString with json.loads and pick the field")
    expect(got != "app_user", "returned the username: the exercise asks for the password")
    expect(got != "old-Pa55", "read an older version: without VersionStage you get AWSCURRENT, the one to use")
    expect(got == "new-Pa55", "the value returned is not the secret's current password")
    client.put_secret_value(SecretId=_NAME, SecretString=json.dumps({"username": "app_user", "password": "newer-Pa55"}))
    expect(_read_once(cloud, read_password, client, _NAME, first=False) == "newer-Pa55",
           "after the secret changed, a second call returned the password from before: read the "
           "secret on every call instead of keeping the first answer")
    client.create_secret(Name="lab01/check/other", SecretString=json.dumps({"username": "u", "password": "other-Pa55"}))
    expect(_read_once(cloud, read_password, client, "lab01/check/other", first=False) == "other-Pa55",
           "asked for another secret, the function returned the first one's password: read the secret "
           "called `name`")


# --------------------------------------------------------------------------- q3
@checks.question("q3")
def _read_or_none(read_or_none: Callable[..., Any]) -> None:
    """read_or_none(client, name): the SecretString, None only when the secret does not exist."""
    cloud, client = _world(103)
    text = json.dumps({"api_key": "k-present"})
    client.create_secret(Name=_NAME, SecretString=text)
    present = _run(cloud, read_or_none, client, _NAME)
    expect(not isinstance(present, dict) or "SecretString" not in present,
           "returned the whole response: an existing secret should give its SecretString")
    expect(not isinstance(present, dict), "returned the parsed value: return SecretString as the text it is")
    expect(present == text, "an existing secret should give its SecretString")
    try:
        missing = read_or_none(client, "lab01/check/missing")
    except Exception as error:  # the interesting failure is which error escaped
        if error_code(error) == "ResourceNotFoundException":
            raise Mistake("ResourceNotFoundException escaped: catch it (and only it) and return None") from None
        raise
    expect(not isinstance(missing, BaseException),
           "returned the error object for a missing secret: return None (and let other errors raise)")
    expect(missing is None, f"a secret that does not exist gave {type_name(missing)}, not None")
    client.create_secret(Name="lab01/check/retired", SecretString="gone soon")
    client.delete_secret(SecretId="lab01/check/retired", RecoveryWindowInDays=7)
    listed = count_calls(cloud, "ListSecrets")
    try:
        swallowed = read_or_none(client, "lab01/check/retired")
    except Exception as error:
        expect(error_code(error) is not None,
               f"the error of a secret pending deletion was replaced by {type_name(error)}: let the "
               "original error through (a bare `raise`)")
        expect(error_code(error) == "InvalidRequestException", "a secret pending deletion raised the wrong error")
        return
    expect(count_calls(cloud, "ListSecrets") == listed,
           "looking the name up with list_secrets first hides a secret pending deletion (and the secret "
           "can change between the two calls): call get_secret_value and catch its error")
    raise Mistake(
        "an error other than ResourceNotFoundException was swallowed"
        + (" and turned into None" if swallowed is None else "")
        + ": catch only the 'not found' code and re-raise the rest"
    )


# --------------------------------------------------------------------------- q4
@checks.question("q4")
def _retire(retire: Callable[..., Any]) -> None:
    """retire(client, name) deletes the secret so that it can still be restored."""
    cloud, client = _world(104)
    client.create_secret(Name=_NAME, SecretString="to retire")
    try:
        _run(cloud, retire, client, _NAME)
    except StudentError as error:
        message = str(error.original)
        if "RecoveryWindowInDays value must be" in message:
            raise Mistake("AWS refused the recovery window: RecoveryWindowInDays is a number of days "
                          "from 7 to 30") from None
        if "ForceDeleteWithoutRecovery in conjunction" in message:
            raise Mistake("ForceDeleteWithoutRecovery and RecoveryWindowInDays contradict each other: "
                          "a recoverable delete uses only the window") from None
        if error_code(error.original) == "ResourceNotFoundException":
            raise Mistake("the delete found no secret of that name: delete the secret called `name`") from None
        raise
    names = [s["Name"] for s in client.list_secrets(IncludePlannedDeletion=True)["SecretList"]]
    expect(_NAME in names, "deleted without recovery: the secret is gone for good and cannot be restored")
    described = client.describe_secret(SecretId=_NAME)
    expect(not count_calls(cloud, "RestoreSecret"),
           "the secret was deleted and then restored at once: leave it scheduled for deletion")
    expect(count_calls(cloud, "DeleteSecret"), "the secret was not deleted: call delete_secret")
    expect("DeletedDate" in described, "the secret was not deleted: call delete_secret")
    cloud.clock.advance(days=6)  # any valid recovery window (7 to 30 days) is still open
    client.restore_secret(SecretId=_NAME)
    expect(client.get_secret_value(SecretId=_NAME)["SecretString"] == "to retire",
           "after restore_secret the value should read back unchanged")
