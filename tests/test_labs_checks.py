"""The lab checks: placeholders read "not answered yet", each known mistake is named, right answers pass.

Every wrong answer here is a small, deliberate version of a mistake students make; the test
asserts the check names *that* mistake, and that no check message gives the answer away.
Labs with a table of wrong answers of their own have a file each (``test_labs_labNN.py``);
this file holds the framework's tests and the labs that have none yet.
"""

from __future__ import annotations

import json

import pytest

from secretkit.labs import Checks, Mistake, Result, call, does_nothing, expect, lab01, lab02, lab03, lab04, lab05


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

def _current(sm, arn):
    return json.loads(sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"])


def _pending(sm, arn, token):
    return json.loads(sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"])


def _create(stages=("AWSPENDING",), keyed=True, idempotent=True, keep_fields=True):
    def create_secret(sm, arn, token):
        if idempotent:
            try:
                _pending(sm, arn, token)
                return
            except sm.exceptions.ResourceNotFoundException:
                pass
        value = _current(sm, arn) if keep_fields else {}
        value["password"] = sm.get_random_password(PasswordLength=24)["RandomPassword"]
        kwargs = {"ClientRequestToken": token} if keyed else {}
        if stages:
            kwargs["VersionStages"] = list(stages)
        sm.put_secret_value(SecretId=arn, SecretString=json.dumps(value), **kwargs)
    return create_secret


def _set(check_first=True, use_pending=True):
    def set_secret(sm, db, arn, token):
        pending, current = _pending(sm, arn, token), _current(sm, arn)
        if check_first and db.login(pending["username"], pending["password"]):
            return
        new = pending["password"] if use_pending else current["password"]
        db.change_password(current["username"], current["password"], new)
    return set_secret


def _finish(remove=True, move=True):
    def finish_secret(sm, arn, token):
        stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
        current = next(v for v, s in stages.items() if "AWSCURRENT" in s)
        if current == token or not move:
            return
        extra = {"RemoveFromVersionId": current} if remove else {}
        sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token, **extra)
    return finish_secret


def test_lab02_q1_create_secret_mistakes():
    assert lab02.check("q1", _create(stages=())).message.startswith(
        "PutSecretValue without VersionStages=['AWSPENDING'] made the new password AWSCURRENT")
    assert lab02.check("q1", _create(keyed=False)).message.startswith("the new version is not keyed by the rotation token")
    assert lab02.check("q1", _create(idempotent=False)).message.startswith("createSecret is not idempotent")
    assert lab02.check("q1", _create(keep_fields=False)).message.startswith("the pending secret lost the other fields")
    assert lab02.check("q1", _create()).passed


def test_lab02_q2_set_secret_mistakes():
    assert lab02.check("q2", _set(use_pending=False)).message.startswith("the database still has the old password")
    assert lab02.check("q2", _set(check_first=False)).message.startswith("setSecret is not idempotent")
    assert lab02.check("q2", _set()).passed


def test_lab02_q3_test_secret_must_fail_on_a_bad_password():
    def tests_current(sm, db, arn, token):
        current = _current(sm, arn)
        if not db.login(current["username"], current["password"]):
            raise ValueError("current does not log in")

    def returns_false(sm, db, arn, token):
        pending = _pending(sm, arn, token)
        return db.login(pending["username"], pending["password"])

    def good(sm, db, arn, token):
        pending = _pending(sm, arn, token)
        if not db.login(pending["username"], pending["password"]):
            raise ValueError("pending does not log in")

    hint = "testSecret passed although the pending password does not work: raise when login fails"
    assert lab02.check("q3", tests_current).message == hint
    assert lab02.check("q3", returns_false).message == hint
    assert lab02.check("q3", good).passed


def test_lab02_q4_finish_secret_mistakes():
    assert lab02.check("q4", _finish(remove=False)).message == (
        "moving AWSCURRENT needs RemoveFromVersionId: the version that holds it now")
    assert lab02.check("q4", _finish(move=False)).message.startswith(
        "AWSPENDING is still attached after finishSecret to a version that is not AWSCURRENT")
    assert lab02.check("q4", _finish()).passed


def test_lab02_database_rules():
    db = lab02.Database({"u": "p1"})
    assert db.login("u", "p1") and not db.login("u", "nope") and not db.login("x", "p1")
    with pytest.raises(PermissionError):
        db.change_password("u", "wrong", "p2")
    db.change_password("u", "p1", "p2")
    assert db.login("u", "p2") and db.changes == 1
    db.down = True
    with pytest.raises(ConnectionError):
        db.login("u", "p2")


# --------------------------------------------------------------------------- never the answer

FUNCTION_QUESTIONS = {lab01: ["q1", "q2", "q3", "q4"], lab02: ["q1", "q2", "q3", "q4"], lab03: ["q1", "q2", "q4"],
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
