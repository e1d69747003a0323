"""The lab checks: placeholders read "not answered yet", each known mistake is named, right answers pass.

Every wrong answer here is a small, deliberate version of a mistake students make; the test
asserts the check names *that* mistake, and that no check message gives the answer away.
Labs with a table of wrong answers of their own have a file each (``test_labs_labNN.py``);
this file holds the framework's tests and the labs that have none yet.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from secretkit.labs import Checks, Mistake, Result, call, does_nothing, expect, lab01, lab02, lab03, lab04, lab05


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
