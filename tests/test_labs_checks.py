"""The lab checks: placeholders read "not answered yet", each known mistake is named, right answers pass.

Every wrong answer here is a small, deliberate version of a mistake students make; the test
asserts the check names *that* mistake, and that no check message gives the answer away.
"""

from __future__ import annotations

import json
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from secretkit.labs import Checks, Mistake, Result, call, does_nothing, expect, lab01, lab02, lab03, lab04, lab05
from secretkit.pricing import PARAMETER_STORE, SECRETS_MANAGER, Workload

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- the framework

def _framework() -> Checks:
    checks = Checks("labxx")

    @checks.question("q1")
    def _q1(answer):
        expect(answer != 41, "off by one")
        expect(answer == 42, "not the answer")

    @checks.question("q2")
    def _q2(function):
        expect(call(function, 2) == 4, "double it")

    return checks


def test_result_lines_read_as_documented():
    checks = _framework()
    assert repr(checks.check("q1", 42)) == "✓ labxx.q1: all checks passed"
    assert repr(checks.check("q1", 41)) == "✗ labxx.q1: off by one"
    assert repr(checks.check("q1", ...)) == "… labxx.q1: not answered yet"
    assert checks.check("q1", None).status == "unanswered"
    assert checks.check("q1", 42).passed and not checks.check("q1", 7).passed


def test_placeholder_functions_are_not_answered_yet():
    checks = _framework()

    def dots(x):
        """Double x."""
        # YOUR CODE HERE
        ...

    def raising(x):
        raise NotImplementedError

    def returns_dots(x):
        return ...

    for placeholder in (dots, raising, returns_dots):
        assert checks.check("q2", placeholder).status == "unanswered", placeholder.__name__
    assert does_nothing(dots) and not does_nothing(lambda x: x * 2)


def test_student_errors_become_failed_results_not_exceptions():
    checks = _framework()
    result = checks.check("q2", lambda x: {}["missing"])
    assert result.status == "failed" and result.message == "your code raised KeyError: 'missing'"
    assert checks.check("q2", "not a function").message == "expected a function, got str"
    assert checks.check("q2", lambda x: x * 2).passed


def test_answers_of_the_wrong_shape_do_not_raise():
    checks = Checks("labxx")

    @checks.question("q")
    def _q(answer):
        expect(answer["Parameter"]["Value"] == "x", "wrong value")

    result = checks.check("q", "a string")
    assert result.status == "failed" and result.message.startswith("the check could not read your answer")


def test_unknown_question_and_duplicates_are_author_errors():
    checks = _framework()
    with pytest.raises(KeyError):
        checks.check("q9", 1)
    with pytest.raises(ValueError):
        checks.question("q1")(lambda a: None)
    assert checks.names == ["q1", "q2"]


def test_ipython_shows_the_same_line():
    class Printer:
        def __init__(self):
            self.out = ""

        def text(self, value):
            self.out += value

    printer = Printer()
    Result("lab02.q3", "failed", "AWSPENDING is still attached after finishSecret")._repr_pretty_(printer, False)
    assert printer.out == "✗ lab02.q3: AWSPENDING is still attached after finishSecret"


def test_mistake_is_an_exception_with_the_hint():
    with pytest.raises(Mistake, match="the hint"):
        expect(False, "the hint")


# --------------------------------------------------------------------------- lab 1

def _store_ok(client, name, username, password):
    return client.create_secret(Name=name, SecretString=json.dumps({"username": username, "password": password}))["ARN"]


def _read_ok(client, name):
    return json.loads(client.get_secret_value(SecretId=name)["SecretString"])["password"]


def _read_or_none_ok(client, name):
    try:
        return client.get_secret_value(SecretId=name)["SecretString"]
    except client.exceptions.ResourceNotFoundException:
        return None


@pytest.mark.parametrize("answer, hint", [
    (lambda c, n, u, p: c.create_secret(Name=n, SecretString=str({"username": u, "password": p}))["ARN"],
     "SecretString is not JSON: build it with json.dumps, not str() or an f-string"),
    (lambda c, n, u, p: c.create_secret(Name=n, Description=f"password {p}",
                                        SecretString=json.dumps({"username": u, "password": p}))["ARN"],
     "the password is visible in the secret's metadata (Description or Tags are not encrypted)"),
    (lambda c, n, u, p: c.create_secret(Name=n, SecretBinary=json.dumps({"username": u, "password": p}).encode())["ARN"],
     "the value was stored as SecretBinary: credentials are text, use SecretString"),
    (lambda c, n, u, p: c.create_secret(Name=n, SecretString=json.dumps({"user": u, "password": p}))["ARN"],
     "the JSON is missing a field: store both 'username' and 'password'"),
    (lambda c, n, u, p: c.create_secret(Name=n, SecretString=json.dumps({"username": u, "password": p}))["Name"],
     "return the secret's ARN from create_secret's response"),
])
def test_lab01_q1_mistakes(answer, hint):
    result = lab01.check("q1", answer)
    assert (result.status, result.message) == ("failed", hint)
    assert lab01.check("q1", _store_ok).passed


@pytest.mark.parametrize("answer, hint", [
    (lambda c, n: c.get_secret_value(SecretId=n), "returned the whole response: the value is in its SecretString field"),
    (lambda c, n: c.get_secret_value(SecretId=n)["SecretString"],
     "returned the JSON text: parse SecretString with json.loads and pick the field"),
    (lambda c, n: json.loads(c.get_secret_value(SecretId=n, VersionStage="AWSPREVIOUS")["SecretString"])["password"],
     "read an older version: without VersionStage you get AWSCURRENT, the one to use"),
])
def test_lab01_q2_mistakes(answer, hint):
    assert lab01.check("q2", answer).message == hint
    assert lab01.check("q2", _read_ok).passed


def test_lab01_q3_mistakes():
    def catch_all(client, name):
        try:
            return client.get_secret_value(SecretId=name)["SecretString"]
        except Exception:
            return None

    def no_catch(client, name):
        return client.get_secret_value(SecretId=name)["SecretString"]

    assert lab01.check("q3", catch_all).message.startswith("an error other than ResourceNotFoundException was swallowed")
    assert lab01.check("q3", no_catch).message == (
        "ResourceNotFoundException escaped: catch it (and only it) and return None")
    assert lab01.check("q3", _read_or_none_ok).passed


def test_lab01_q4_mistakes():
    forced = lab01.check("q4", lambda c, n: c.delete_secret(SecretId=n, ForceDeleteWithoutRecovery=True))
    assert forced.message == "deleted without recovery: the secret is gone for good and cannot be restored"
    kept = lab01.check("q4", lambda c, n: c.describe_secret(SecretId=n))
    assert kept.message == "the secret was not deleted: call delete_secret"
    assert lab01.check("q4", lambda c, n: c.delete_secret(SecretId=n, RecoveryWindowInDays=7)).passed


# --------------------------------------------------------------------------- lab 2

def _lab02_file(tmp_path, solution=True, **replace):
    """Lab 2's lambda_function.py as the notebook's cell writes it (solution or student copy),
    with the step functions named in ``replace`` swapped for the given source."""
    import ast
    import importlib.util

    spec = importlib.util.spec_from_file_location("labs_build", ROOT / "labs" / "build.py")
    build = sys.modules.setdefault("labs_build", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(build)
    cells = build.parse((ROOT / "labs_src" / "02_rotation_function.py").read_text())
    cell = next(c for c in cells if c.lines and c.lines[0].startswith("# %%writefile"))
    text = build.render(cell, solution=solution).split("\n", 1)[1]
    tree = ast.parse(text)
    for name, new in replace.items():
        node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
        old = ast.get_source_segment(text, node)
        text = text.replace(old, textwrap.dedent(new).strip())
    path = tmp_path / "lambda_function.py"
    path.write_text(text)
    return path


_PUT = ('service_client.put_secret_value(SecretId=arn, ClientRequestToken=token, '
        'SecretString=json.dumps(current_dict), VersionStages=["AWSPENDING"])')
_NEW_PASSWORD = 'current_dict["password"] = service_client.get_random_password(PasswordLength=32, ExcludePunctuation=True)["RandomPassword"]'

#: (question, step, wrong step function, the start of the message it must get). Each is a
#: mistake students make; each must be named for what it is.
LAB02_WRONG = [
    ("q1", "create_secret", f'''
        def create_secret(service_client, arn, token):
            current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
            try:
                service_client.get_secret_value(SecretId=arn, VersionStage="AWSPENDING")
            except service_client.exceptions.ResourceNotFoundException:
                {_NEW_PASSWORD}
                {_PUT}
        ''', "createSecret asks for AWSPENDING without VersionId=token"),
    ("q1", "create_secret", f'''
        def create_secret(service_client, arn, token):
            current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
            {_NEW_PASSWORD}
            service_client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=json.dumps(current_dict))
        ''', "PutSecretValue without VersionStages=['AWSPENDING'] labels the new value AWSCURRENT"),
    ("q1", "create_secret", f'''
        def create_secret(service_client, arn, token):
            current = service_client.describe_secret(SecretId=arn)["VersionIdsToStages"]
            old = next(v for v, s in current.items() if "AWSCURRENT" in s)
            current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
            {_NEW_PASSWORD}
            {_PUT}
            service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                                       RemoveFromVersionId=old)
        ''', "createSecret moved a staging label with UpdateSecretVersionStage"),
    ("q1", "create_secret", '''
        def create_secret(service_client, arn, token):
            password = service_client.get_random_password(PasswordLength=32)["RandomPassword"]
            service_client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=password,
                                            VersionStages=["AWSPENDING"])
        ''', "the pending SecretString is not JSON"),
    ("q1", "create_secret", f'''
        def create_secret(service_client, arn, token):
            current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
            {_NEW_PASSWORD}
            {_PUT}
        ''', "createSecret is not idempotent: on a retry (same token) it put a value again"),
    ("q1", "create_secret", '''
        def create_secret(service_client, arn, token):
            try:
                get_secret_dict(service_client, arn, "AWSPENDING", token)
            except service_client.exceptions.ResourceNotFoundException:
                password = service_client.get_random_password(PasswordLength=32)["RandomPassword"]
                service_client.put_secret_value(SecretId=arn, ClientRequestToken=token, VersionStages=["AWSPENDING"],
                                                SecretString=json.dumps({"username": "app_user", "password": password}))
        ''', "the pending secret lost or changed dbname, engine, host, port"),
    ("q1", "create_secret", f'''
        def create_secret(service_client, arn, token):
            current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
            {_NEW_PASSWORD}
            service_client.put_secret_value(SecretId=arn, SecretString=json.dumps(current_dict), VersionStages=["AWSPENDING"])
        ''', "the new value went into a version of its own"),
    ("q1", "create_secret", '''
        def create_secret(service_client, arn, token):
            try:
                get_secret_dict(service_client, arn, "AWSPENDING", token)
            except service_client.exceptions.ResourceNotFoundException:
                current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
                current_dict["password"] = service_client.get_random_password(PasswordLength=8)["RandomPassword"]
                service_client.put_secret_value(SecretId=arn, ClientRequestToken=token,
                                                SecretString=json.dumps(current_dict), VersionStages=["AWSPENDING"])
        ''', "the new password is short"),
    ("q2", "set_secret", '''
        def set_secret(service_client, arn, token):
            try:
                pending_dict = get_secret_dict(service_client, arn, "AWSPENDING", token)
                if get_connection(pending_dict):
                    return
                conn = get_connection(get_secret_dict(service_client, arn, "AWSCURRENT"))
                set_own_password(conn, pending_dict["username"], pending_dict["password"])
            except Exception:
                pass
        ''', "setSecret returned normally although the database was unreachable"),
    ("q2", "set_secret", '''
        def set_secret(service_client, arn, token):
            pending_dict = get_secret_dict(service_client, arn, "AWSPENDING", token)
            conn = get_connection(get_secret_dict(service_client, arn, "AWSCURRENT"))
            set_own_password(conn, pending_dict["username"], pending_dict["password"])
        ''', "setSecret is not idempotent"),
    ("q2", "set_secret", '''
        def set_secret(service_client, arn, token):
            current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
            conn = get_connection(current_dict)
            set_own_password(conn, current_dict["username"], current_dict["password"])
        ''', "after setSecret the database still takes the old password"),
    ("q3", "test_secret", '''
        def test_secret(service_client, arn, token):
            if not get_connection(get_secret_dict(service_client, arn, "AWSCURRENT")):
                raise ValueError("cannot log in")
        ''', "testSecret logged in with AWSCURRENT"),
    ("q3", "test_secret", '''
        def test_secret(service_client, arn, token):
            conn = get_connection(get_secret_dict(service_client, arn, "AWSPENDING", token))
            return conn is not None
        ''', "testSecret passed although the pending password does not log in"),
    ("q4", "finish_secret", '''
        def finish_secret(service_client, arn, token):
            service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token)
        ''', "moving AWSCURRENT needs RemoveFromVersionId"),
    ("q4", "finish_secret", '''
        def finish_secret(service_client, arn, token):
            service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING", RemoveFromVersionId=token)
        ''', "finishSecret moved a label, but not AWSCURRENT to the token's version"),
    ("q4", "finish_secret", '''
        def finish_secret(service_client, arn, token):
            versions = service_client.describe_secret(SecretId=arn)["VersionIdsToStages"]
            first = next(iter(versions))
            service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                                       RemoveFromVersionId=first)
        ''', "a second rotation (three versions now) did not finish"),
]


@pytest.mark.parametrize("question, step, wrong, hint", LAB02_WRONG, ids=[f"{q}-{i}" for i, (q, *_) in enumerate(LAB02_WRONG)])
def test_lab02_each_wrong_answer_gets_its_own_message(tmp_path, question, step, wrong, hint):
    result = lab02.check(question, _lab02_file(tmp_path, **{step: wrong}))
    assert result.status == "failed" and result.message.startswith(hint), result.message


def test_lab02_table_names_every_mistake_differently():
    hints = [hint for *_, hint in LAB02_WRONG]
    assert len(hints) >= 8 and len(set(hints)) == len(hints)


def test_lab02_the_solution_passes_and_the_student_copy_is_unanswered(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "u").mkdir()
    solution = _lab02_file(tmp_path / "s")
    for question in ("q1", "q2", "q3", "q4"):
        assert lab02.check(question, solution).passed, lab02.check(question, solution)
    student = _lab02_file(tmp_path / "u", solution=False)
    for question in ("q1", "q2", "q3", "q4"):
        assert lab02.check(question, student).status == "unanswered"


def test_lab02_files_that_cannot_be_used_are_named(tmp_path):
    assert lab02.check("q1", tmp_path / "lambda_function.py").message.startswith("there is no lambda_function.py here yet")
    broken = tmp_path / "lambda_function.py"
    broken.write_text("def create_secret(service_client, arn, token:\n")
    assert lab02.check("q1", broken).message.startswith("lambda_function.py does not compile")
    broken.write_text("def create_secret(client, arn):\n    return 1\n")
    assert lab02.check("q1", broken).message == "create_secret must take (service_client, arn, token), as lambda_handler calls it"
    assert lab02.check("q2", broken).message == "lambda_function.py defines no set_secret(service_client, arn, token)"
    assert lab02.check("q1", 42).message.startswith("pass the path of your function's file")


def test_lab02_a_step_that_raises_is_reported_with_the_functions_error(tmp_path):
    wrong = 'def set_secret(service_client, arn, token):\n    raise RuntimeError("database on fire")\n'
    result = lab02.check("q2", _lab02_file(tmp_path, set_secret=wrong))
    assert result.message == "setSecret failed: RuntimeError: database on fire"


# --------------------------------------------------------------------------- lab 3

def _failover(catch="outage", order=1, reraise=True):
    from botocore.exceptions import EndpointConnectionError

    def read_with_failover(clients, secret_id):
        last = None
        for region, client in clients[::order]:
            try:
                return region, client.get_secret_value(SecretId=secret_id)["SecretString"]
            except EndpointConnectionError as error:
                last = error
                if catch is None:
                    raise
            except Exception as error:
                if catch != "all":
                    raise
                last = error
        if reraise:
            raise last
        return None, None
    return read_with_failover


def test_lab03_q1_mistakes():
    assert lab03.check("q1", _failover(catch=None)).message == (
        "EndpointConnectionError escaped: when a region is unreachable, try the next one")
    assert lab03.check("q1", _failover(order=-1)).message.startswith("read the fallback region although")
    assert lab03.check("q1", _failover(catch="all")).message.startswith("a missing secret is not an outage")
    assert lab03.check("q1", _failover(reraise=False)).message.startswith("with every region down")
    assert lab03.check("q1", _failover()).passed


def test_lab03_q2_mistakes():
    read = _failover()

    def no_recover(cloud, clients, secret_id):
        report = [("before", read(clients, secret_id)[0])]
        cloud.outage(clients[0][0])
        report.append(("outage", read(clients, secret_id)[0]))
        return report + [("recovered", clients[0][0])]

    def good(cloud, clients, secret_id):
        report = [("before", read(clients, secret_id)[0])]
        cloud.outage(clients[0][0])
        report.append(("outage", read(clients, secret_id)[0]))
        cloud.recover(clients[0][0])
        return report + [("recovered", read(clients, secret_id)[0])]

    assert lab03.check("q2", no_recover).message.startswith("the drill left the preferred region down")
    assert lab03.check("q2", good).passed


def test_lab03_q3_checklist_order():
    steps = lab03.CHECKLIST_STEPS
    good = [steps[i] for i in (1, 2, 3, 5, 4, 0)]
    assert lab03.check("q3", good).passed
    assert lab03.check("q3", [steps[i] for i in (2, 1, 3, 5, 4, 0)]).message.startswith(
        "take the region down only after confirming the fallback is in sync")
    assert lab03.check("q3", [steps[i] for i in (1, 2, 4, 3, 5, 0)]).message.startswith(
        "confirm the fallback serves before bringing the preferred region back")
    assert lab03.check("q3", good[:-1]).message == "a step is missing from the checklist"
    assert lab03.check("q3", [*good[:-1], "restart everything"]).message == "copy each step exactly from CHECKLIST_STEPS"


def test_lab03_q4_replica_in_sync_mistakes():
    def statuses(client, secret_id):
        return client.describe_secret(SecretId=secret_id).get("ReplicationStatus", [])

    def first_only(client, secret_id):
        replicas = statuses(client, secret_id)
        return bool(replicas) and replicas[0]["Status"] == "InSync"

    def any_status(client, secret_id):
        return bool(statuses(client, secret_id))

    def empty_is_fine(client, secret_id):
        return all(r["Status"] == "InSync" for r in statuses(client, secret_id))

    def good(client, secret_id):
        replicas = statuses(client, secret_id)
        return bool(replicas) and all(r["Status"] == "InSync" for r in replicas)

    assert lab03.check("q4", any_status).message.startswith("a replica still InProgress")
    assert lab03.check("q4", first_only).message.startswith("check every replica, not only the first")
    assert lab03.check("q4", empty_is_fine).message.startswith("a secret with no replica has no fallback")
    assert lab03.check("q4", good).passed


# --------------------------------------------------------------------------- lab 4

def _hierarchy(secure=True, flat=False, tier="Standard"):
    def create(ssm):
        for env in ("prod", "dev"):
            base = f"shop-{env}-db-" if flat else f"/shop/{env}/db/"
            ssm.put_parameter(Name=base + "host", Value=f"db.{env}.internal", Type="String", Tier=tier)
            ssm.put_parameter(Name=base + "password", Value="x" * 20,
                              Type="SecureString" if secure else "String", Tier=tier)
    return create


def _read_config(decrypt=True, recursive=True, per_name=False):
    def read(ssm, env):
        if per_name:
            return {key: ssm.get_parameter(Name=f"/shop/{env}/db/{key}", WithDecryption=True)["Parameter"]["Value"]
                    for key in ("host", "password")}
        response = ssm.get_parameters_by_path(Path=f"/shop/{env}", Recursive=recursive, WithDecryption=decrypt)
        return {p["Name"].rsplit("/", 1)[-1]: p["Value"] for p in response["Parameters"]}
    return read


def test_lab04_q1_mistakes():
    assert lab04.check("q1", _hierarchy(secure=False)).message == (
        "a password is stored as a plain String: anyone allowed to read it sees it in the clear")
    assert lab04.check("q1", _hierarchy(flat=True)).message.startswith("flat names cannot be read or granted by path")
    assert lab04.check("q1", _hierarchy(tier="Advanced")).message.startswith("Advanced parameters cost")
    assert lab04.check("q1", _hierarchy()).passed


def test_lab04_q2_mistakes():
    assert lab04.check("q2", _read_config(decrypt=False)).message == "read without WithDecryption returns ciphertext"
    assert lab04.check("q2", _read_config(recursive=False)).message.startswith(
        "GetParametersByPath without Recursive=True")
    assert lab04.check("q2", _read_config(per_name=True)).message.startswith("one GetParametersByPath call")
    assert lab04.check("q2", _read_config()).passed


def test_lab04_q3_mistakes():
    def fresh(sm):
        return sm.get_random_password(PasswordLength=20)["RandomPassword"]

    no_overwrite = lambda ssm, sm, n: ssm.put_parameter(Name=n, Value=fresh(sm), Type="SecureString")
    plain = lambda ssm, sm, n: ssm.put_parameter(Name=n, Value=fresh(sm), Type="String", Overwrite=True)
    fixed = lambda ssm, sm, n: ssm.put_parameter(Name=n, Value="the-same-Pa55word", Type="SecureString", Overwrite=True)
    good = lambda ssm, sm, n: ssm.put_parameter(Name=n, Value=fresh(sm), Type="SecureString", Overwrite=True)
    assert lab04.check("q3", no_overwrite).message == "ParameterAlreadyExists: writing a new version needs Overwrite=True"
    assert lab04.check("q3", plain).message.startswith("the new password was written as a plain String")
    assert lab04.check("q3", fixed).message.startswith("two rotations wrote the same password")
    assert lab04.check("q3", good).passed


def test_lab04_q4_mistakes():
    def once(cloud, days, job):
        cloud.clock.call_later(timedelta(days=days), job)

    def at_once(cloud, days, job):
        def fire():
            job()
            cloud.clock.call_later(timedelta(days=days), fire)
        cloud.clock.call_later(timedelta(0), fire)

    def never(cloud, days, job):
        return days  # "Parameter Store will rotate it": nothing is scheduled

    def every(cloud, days, job):
        def fire():
            job()
            cloud.clock.call_later(timedelta(days=days), fire)
        cloud.clock.call_later(timedelta(days=days), fire)

    assert lab04.check("q4", once).message.startswith("the job ran once: a scheduled rule repeats")
    assert lab04.check("q4", at_once).message.startswith("the first rotation ran at once")
    assert lab04.check("q4", never).message.startswith("Parameter Store has no built-in rotation: schedule it yourself")
    assert lab04.check("q4", every).passed


# --------------------------------------------------------------------------- lab 5

DB = dict(secrets=3, replica_regions=("us-west-2",), reads_per_day=2_000, rotation_days=30)


@pytest.mark.parametrize("changes, hint", [
    (dict(replica_regions=()), "the replica in us-west-2 is missing: each replica is billed as a secret of its own"),
    (dict(reads_per_day=6_000), "reads_per_day is per secret, not the total for all three"),
    (dict(rotation_days=None),
     "the rotation schedule is missing: each rotation costs function invocations and API calls"),
    (dict(secrets=1), "the number of secrets does not match the three credentials"),
])
def test_lab05_q1_mistakes(changes, hint):
    assert lab05.check("q1", Workload(**{**DB, **changes})).message == hint
    assert lab05.check("q1", Workload(**DB)).passed
    assert lab05.check("q1", {"secrets": 3}).message == "describe the credentials as a secretkit.pricing.Workload"


def test_lab05_q2_mistakes():
    good = {"db credentials": SECRETS_MANAGER, "config values": PARAMETER_STORE, "api keys": PARAMETER_STORE}
    assert lab05.check("q2", {**good, "db credentials": PARAMETER_STORE}).message.startswith(
        "Parameter Store has no built-in rotation (schedule it yourself)")
    assert lab05.check("q2", {**good, "config values": SECRETS_MANAGER}).message.startswith(
        "plain configuration in Secrets Manager")
    assert lab05.check("q2", {**good, "api keys": SECRETS_MANAGER}).message.startswith(
        "the API keys need neither rotation nor replication")
    assert lab05.check("q2", {"db credentials": SECRETS_MANAGER}).message.startswith("placement has no entry for")
    assert lab05.check("q2", good).passed


def test_lab05_q3_mistakes():
    db = Workload(**DB)
    config = Workload(standard_parameters=20, parameter_reads_per_day=5_000)
    keys = Workload(standard_parameters=4, parameter_reads_per_day=1_000)
    advanced = Workload(advanced_parameters=20, parameter_reads_per_day=5_000)
    keys_as_secrets = Workload(secrets=4, reads_per_day=1_000)
    assert lab05.check("q3", [db, advanced, keys]).message.startswith("Advanced parameters cost $0.05 a month each")
    assert lab05.check("q3", [db, config, keys_as_secrets]).message.startswith(
        "the plan should hold exactly the database credentials")
    assert lab05.check("q3", [Workload(secrets=3, reads_per_day=2_000), config, keys]).message.startswith(
        "the secrets in the plan lost their replica")
    assert lab05.check("q3", [db, config]).message.startswith("the plan should hold the 20 configuration values")
    assert lab05.check("q3", [db, config, keys]).passed


# --------------------------------------------------------------------------- never the answer

FUNCTION_QUESTIONS = {lab01: ["q1", "q2", "q3", "q4"], lab02: [], lab03: ["q1", "q2", "q4"],
                      lab04: ["q1", "q2", "q3", "q4"], lab05: []}


@pytest.mark.parametrize("module", list(FUNCTION_QUESTIONS), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_question_is_unanswered_for_placeholders(module):
    def placeholder(*args):
        ...

    for name in module.checks.names:
        assert module.check(name, ...).status == "unanswered"
        assert module.check(name, None).status == "unanswered"
    for name in FUNCTION_QUESTIONS[module]:
        assert module.check(name, placeholder).status == "unanswered"
