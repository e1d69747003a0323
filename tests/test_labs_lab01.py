"""Lab 1's checks against a table of wrong answers students write, each with its own message.

Every wrong answer is a small, deliberate version of one misconception; the test asserts
the check names *that* mistake, word for word, that no two mistakes share a message, and
that the right answer still passes. No check may raise, whatever the answer does.
"""

from __future__ import annotations

import json

import pytest

from secretkit import Cloud
from secretkit.labs import lab01
from _labs_support import answer_table_tests

# The notebook's own account: answers that use it instead of the client passed in.
NOTEBOOK = Cloud(seed=1).client("secretsmanager", region_name="us-east-1")


def _dumps(username, password):
    return json.dumps({"username": username, "password": password})


# --------------------------------------------------------------------------- q1
def store_ok(client, name, username, password):
    return client.create_secret(Name=name, SecretString=_dumps(username, password))["ARN"]


def store_with(**overrides):
    def store(client, name, username, password):
        kwargs = {"Name": name, "SecretString": _dumps(username, password)}
        kwargs.update({k: v(name, username, password) if callable(v) else v for k, v in overrides.items()})
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        return client.create_secret(**kwargs)["ARN"]
    return store


def store_returning(field):
    def store(client, name, username, password):
        response = client.create_secret(Name=name, SecretString=_dumps(username, password))
        return response if field is None else response[field]
    return store


def store_fixed_login(client, name, username, password):
    return client.create_secret(Name=name, SecretString=_dumps("app_user", "s3cret-Pa55"))["ARN"]


Q1 = [
    (store_with(SecretString=lambda n, u, p: str({"username": u, "password": p})),
     "SecretString is Python's str() of a dict (single quotes), which json.loads cannot parse: build it with json.dumps"),
    (store_with(SecretString=lambda n, u, p: f"username={u} password={p}"),
     "SecretString is not JSON: build it with json.dumps, not str() or an f-string"),
    (store_with(SecretString=lambda n, u, p: p),
     "SecretString holds only the password: store one JSON object with both the username and the password "
     "(json.dumps)"),
    (store_with(SecretString=lambda n, u, p: json.dumps([u, p])),
     "SecretString is a JSON list: use a JSON object, whose fields have names"),
    (store_with(SecretString=lambda n, u, p: json.dumps(f"{u}:{p}")),
     "SecretString should be a JSON object with named fields"),
    (store_with(Description=lambda n, u, p: f"password {p}"),
     "the password is visible in the secret's metadata (Description or Tags are not encrypted)"),
    (store_with(SecretString=None, SecretBinary=lambda n, u, p: _dumps(u, p).encode()),
     "the value was stored as SecretBinary: credentials are text, use SecretString"),
    (store_with(SecretString=lambda n, u, p: json.dumps({"user": u, "password": p})),
     "the JSON is missing a field: store both 'username' and 'password'"),
    (store_fixed_login, "the stored username or password is not the one passed in"),
    (store_with(Name="shop/dev/db"), "the secret has a different name from the one passed in"),
    (store_returning("Name"), "returned the secret's name: return its ARN from create_secret's response"),
    (store_returning(None), "returned create_secret's whole response: return its ARN field"),
    (store_returning("VersionId"), "returned the new version's id: return the secret's ARN"),
    (lambda client, name, u, p: client.put_secret_value(SecretId=name, SecretString=_dumps(u, p))["ARN"],
     "put_secret_value adds a version to a secret that already exists: a new secret is made with create_secret"),
    (lambda client, name, u, p: NOTEBOOK.create_secret(Name=f"{name}/{len(NOTEBOOK.list_secrets()['SecretList'])}",
                                                        SecretString=_dumps(u, p))["ARN"],
     lab01._OTHER_CLIENT),
]

# --------------------------------------------------------------------------- q2
def read_ok(client, name):
    return json.loads(client.get_secret_value(SecretId=name)["SecretString"])["password"]


_kept: dict = {}


def read_kept(client, name):
    if "value" not in _kept:
        _kept["value"] = read_ok(client, name)
    return _kept["value"]


def read_first_name(client, name):
    first = client.list_secrets(SortOrder="asc")["SecretList"][0]["Name"]
    return read_ok(client, first)


Q2 = [
    (lambda c, n: c.get_secret_value(SecretId=n), "returned the whole response: the value is in its SecretString field"),
    (lambda c, n: json.loads(c.get_secret_value(SecretId=n)["SecretString"]),
     "returned the whole credentials object: pick its 'password' field"),
    (lambda c, n: c.get_secret_value(SecretId=n)["SecretString"],
     "returned the JSON text: parse SecretString with json.loads and pick the field"),
    (lambda c, n: json.loads(c.get_secret_value(SecretId=n, VersionStage="AWSPREVIOUS")["SecretString"])["password"],
     "read an older version: without VersionStage you get AWSCURRENT, the one to use"),
    (lambda c, n: json.loads(c.get_secret_value(SecretId=n)["SecretString"])["username"],
     "returned the username: the exercise asks for the password"),
    (lambda c, n: json.loads(c.get_secret_value(SecretId=n)["SecretString"]).get("Password"),
     "returned None: return the password, as a string"),
    (lambda c, n: json.loads(c.get_secret_value(SecretId=n)["SecretBinary"])["password"],
     "a text secret's value is in SecretString; SecretBinary is absent"),
    (lambda c, n: json.loads(c.get_secret_value(SecretId=n))["password"],
     "json.loads was given the whole response: parse its SecretString field"),
    (lambda c, n: json.loads(c.get_secret_value(SecretId=n, VersionStage="AWSPENDING")["SecretString"])["password"],
     "get_secret_value found no such version: the current value needs no VersionId or VersionStage"),
    (read_kept, "after the secret changed, a second call returned the password from before: read the secret on "
                "every call instead of keeping the first answer"),
    (read_first_name, "asked for another secret, the function returned the first one's password: read the secret "
                      "called `name`"),
    (lambda c, n: json.loads(NOTEBOOK.get_secret_value(SecretId=n)["SecretString"])["password"], lab01._OTHER_CLIENT),
]

# --------------------------------------------------------------------------- q3
def read_or_none_ok(client, name):
    try:
        return client.get_secret_value(SecretId=name)["SecretString"]
    except client.exceptions.ResourceNotFoundException:
        return None


def catching(handler):
    def read_or_none(client, name):
        try:
            return client.get_secret_value(SecretId=name)["SecretString"]
        except Exception as error:
            return handler(error)
    return read_or_none


def rnf_then(value):
    def read_or_none(client, name):
        try:
            return client.get_secret_value(SecretId=name)["SecretString"]
        except client.exceptions.ResourceNotFoundException as error:
            return error if value == "error" else value
    return read_or_none


def wraps_other_errors(client, name):
    try:
        return client.get_secret_value(SecretId=name)["SecretString"]
    except client.exceptions.ResourceNotFoundException:
        return None
    except Exception:
        raise RuntimeError("could not read the secret") from None


def looks_up_first(client, name):
    if name not in [s["Name"] for s in client.list_secrets()["SecretList"]]:
        return None
    return client.get_secret_value(SecretId=name)["SecretString"]


def parses(client, name):
    try:
        return json.loads(client.get_secret_value(SecretId=name)["SecretString"])
    except client.exceptions.ResourceNotFoundException:
        return None


Q3 = [
    (catching(lambda error: None),
     "an error other than ResourceNotFoundException was swallowed and turned into None: catch only the 'not found' "
     "code and re-raise the rest"),
    (catching(lambda error: ""),
     "a secret that does not exist gave a str, not None"),
    (lambda c, n: c.get_secret_value(SecretId=n)["SecretString"],
     "ResourceNotFoundException escaped: catch it (and only it) and return None"),
    (rnf_then(False), "a secret that does not exist gave a bool, not None"),
    (rnf_then("error"), "returned the error object for a missing secret: return None (and let other errors raise)"),
    (wraps_other_errors, "the error of a secret pending deletion was replaced by a RuntimeError: let the original "
                         "error through (a bare `raise`)"),
    (looks_up_first, "looking the name up with list_secrets first hides a secret pending deletion (and the secret "
                     "can change between the two calls): call get_secret_value and catch its error"),
    (parses, "returned the parsed value: return SecretString as the text it is"),
    (lambda c, n: c.get_secret_value(SecretId=n), "returned the whole response: an existing secret should give its "
                                                  "SecretString"),
    (lambda c, n: read_or_none_ok(NOTEBOOK, n), lab01._OTHER_CLIENT),
]

# --------------------------------------------------------------------------- q4
def retire_ok(client, name):
    client.delete_secret(SecretId=name, RecoveryWindowInDays=7)


def retire_then_restore(client, name):
    client.delete_secret(SecretId=name)
    client.restore_secret(SecretId=name)


Q4 = [
    (lambda c, n: c.delete_secret(SecretId=n, ForceDeleteWithoutRecovery=True),
     "deleted without recovery: the secret is gone for good and cannot be restored"),
    (lambda c, n: c.describe_secret(SecretId=n), "the secret was not deleted: call delete_secret"),
    (lambda c, n: c.delete_secret(SecretId=n, RecoveryWindowInDays=3),
     "AWS refused the recovery window: RecoveryWindowInDays is a number of days from 7 to 30"),
    (lambda c, n: c.delete_secret(SecretId=n, RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True),
     "ForceDeleteWithoutRecovery and RecoveryWindowInDays contradict each other: a recoverable delete uses only "
     "the window"),
    (lambda c, n: c.delete_secret(SecretId="shop/dev/db", RecoveryWindowInDays=7),
     "the delete found no secret of that name: delete the secret called `name`"),
    (retire_then_restore, "the secret was deleted and then restored at once: leave it scheduled for deletion"),
    (lambda c, n: retire_ok(NOTEBOOK, "shop/never-there"), lab01._OTHER_CLIENT),
]

TABLES = {"q1": (Q1, store_ok), "q2": (Q2, read_ok), "q3": (Q3, read_or_none_ok), "q4": (Q4, retire_ok)}
(test_each_wrong_answer_gets_its_own_message, test_the_table_is_long_enough_and_each_mistake_has_its_message,
 test_the_right_answer_passes) = answer_table_tests(lab01.check, TABLES, before_each=lambda: _kept.clear())


def test_a_password_in_a_tag_is_metadata_too():
    store = store_with(Tags=lambda n, u, p: [{"Key": "password", "Value": p}])
    assert lab01.check("q1", store).message.startswith("the password is visible in the secret's metadata")


def test_an_exit_or_a_typo_in_the_answer_is_reported_as_it_is():
    def exits(client, name):
        raise SystemExit(1)

    def typo(client, name):
        return clinet.get_secret_value(SecretId=name)  # noqa: F821  (the typo is the point)

    assert lab01.check("q2", exits).message == "your code raised SystemExit: 1"
    assert lab01.check("q2", typo).message == "your code raised NameError: name 'clinet' is not defined"
