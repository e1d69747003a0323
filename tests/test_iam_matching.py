"""Wildcards, ARNs and policy variables, as the IAM User Guide describes them."""

from __future__ import annotations

import pytest

from secretkit.iam.matching import ActionMatcher, PatternMatcher, compile_arn, compile_glob, parse_template

ACCT = "111122223333"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db-a1B2c3"


@pytest.mark.parametrize("patterns, action, hit", [
    (["secretsmanager:GetSecretValue"], "secretsmanager:getsecretvalue", True),
    (["SecretsManager:GETSECRETVALUE"], "secretsmanager:getsecretvalue", True),
    (["secretsmanager:Get*"], "secretsmanager:getresourcepolicy", True),
    (["secretsmanager:Get*"], "secretsmanager:describesecret", False),
    (["secretsmanager:*"], "secretsmanager:putsecretvalue", True),
    (["*"], "kms:decrypt", True),
    (["kms:?ecrypt"], "kms:decrypt", True),
    (["kms:?ecrypt"], "kms:encrypt", False),
    (["kms:*crypt"], "kms:reencrypt", True),
    (["s*:Get*"], "secretsmanager:getsecretvalue", True),
    (["ssm:GetParameter"], "ssm:getparameters", False),
    (["ssm:GetParameter*"], "ssm:getparametersbypath", True),
    (["kms:Decrypt", "kms:Encrypt"], "kms:encrypt", True),
])
def test_actions_match_ignoring_case_with_wildcards(patterns: list[str], action: str, hit: bool) -> None:
    assert ActionMatcher(patterns).matches(action) is hit


@pytest.mark.parametrize("pattern, arn, hit", [
    (SECRET, SECRET, True),
    (f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db-??????", SECRET, True),
    (f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db-??????", SECRET + "x", False),
    # NAME* also catches a secret whose name merely starts the same way: AWS's warning.
    (f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/db*", SECRET.replace("db-", "db-other-"), True),
    (f"arn:aws:secretsmanager:*:{ACCT}:secret:*", SECRET, True),
    (f"arn:aws:secretsmanager:*:{ACCT}:secret:*", SECRET.replace(ACCT, "444455556666"), False),
    # a wildcard in the region field cannot swallow the colons after it
    ("arn:aws:secretsmanager:*:secret:*", SECRET, False),
    ("arn:aws:secretsmanager", SECRET, True),  # fields left off count as *
    ("arn:aws:kms:us-east-1:*:key/*", SECRET, False),
    (f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:PROD/db-a1B2c3", SECRET, False),  # resources are case-sensitive
    ("arn:aws:ssm:us-east-1:111122223333:parameter/app/*", "arn:aws:ssm:us-east-1:111122223333:parameter/app/db/password", True),
])
def test_resources_match_field_by_field(pattern: str, arn: str, hit: bool) -> None:
    assert bool(compile_arn(pattern).match(arn)) is hit
    assert PatternMatcher([pattern], True).matches(arn, lambda k: None) is hit


def test_string_like_crosses_colons_where_arn_like_does_not() -> None:
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    assert compile_glob(pattern).match(value)
    assert not compile_arn(pattern).match(value)


def test_star_matches_everything_and_empty() -> None:
    assert PatternMatcher(["*"], True).matches("anything at all", lambda k: None)
    assert compile_glob("a*").match("a")
    assert not compile_glob("a?").match("a")


def _lookup(values: dict[str, str]):
    return lambda key: (values[key],) if key in values else None


def test_policy_variables_are_filled_from_the_request() -> None:
    m = PatternMatcher([f"arn:aws:iam::{ACCT}:user/${{aws:username}}"], True)
    assert m.matches(f"arn:aws:iam::{ACCT}:user/alice", _lookup({"aws:username": "alice"}))
    assert not m.matches(f"arn:aws:iam::{ACCT}:user/bob", _lookup({"aws:username": "alice"}))
    # a variable the request lacks makes the pattern match nothing
    assert not m.matches(f"arn:aws:iam::{ACCT}:user/alice", _lookup({}))


def test_variable_keys_ignore_case_and_may_carry_a_default() -> None:
    m = PatternMatcher(["arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/Team, 'shared'}/*"], True)
    assert m.matches(SECRET.replace("prod/", "payments/"), _lookup({"aws:principaltag/team": "payments"}))
    assert m.matches(SECRET.replace("prod/", "shared/"), _lookup({}))
    assert not m.matches(SECRET, _lookup({}))


def test_substituted_values_are_literal_and_special_variables_give_wildcard_characters() -> None:
    m = PatternMatcher(["arn:aws:s3:::bucket/${aws:username}"], True)
    assert not m.matches("arn:aws:s3:::bucket/anything", _lookup({"aws:username": "*"}))
    assert m.matches("arn:aws:s3:::bucket/*", _lookup({"aws:username": "*"}))
    literal = PatternMatcher(["arn:aws:s3:::bucket/${*}"], True)
    assert literal.matches("arn:aws:s3:::bucket/*", _lookup({}))
    assert not literal.matches("arn:aws:s3:::bucket/x", _lookup({}))


def test_variables_are_plain_text_in_version_2008() -> None:
    assert parse_template("user/${aws:username}", variables=False) == "user/${aws:username}"
    m = PatternMatcher(["arn:aws:iam::*:user/${aws:username}"], False)
    assert m.matches("arn:aws:iam::1:user/${aws:username}", _lookup({"aws:username": "alice"}))
    assert not m.matches("arn:aws:iam::1:user/alice", _lookup({"aws:username": "alice"}))
