"""Every condition operator, its IfExists form and the set operators, against request values.

The expectations follow the IAM User Guide's "Condition operators" and "Multivalued
context keys" pages, including what happens when the request lacks the key.
"""

from __future__ import annotations

from typing import Any

import pytest

from secretkit.iam.conditions import Clause, parse_operator, parse_policy_date


def holds(operator: str, policy: Any, request: Any, key: str = "k") -> bool:
    values = tuple(policy) if isinstance(policy, list) else (policy,)
    clause = Clause(operator, key, values, variables=True)
    context: dict[str, tuple[str, ...]] = {}
    if request is not None:
        context[key.lower()] = tuple(request) if isinstance(request, list) else (request,)
    return clause.holds(context.get)


MISSING = None

CASES = [
    # strings
    ("StringEquals", "prod", "prod", True),
    ("StringEquals", "prod", "Prod", False),
    ("StringEquals", ["dev", "prod"], "prod", True),  # values are OR'ed
    ("StringNotEquals", "prod", "dev", True),
    ("StringNotEquals", "prod", "prod", False),
    ("StringEqualsIgnoreCase", "PROD", "prod", True),
    ("StringNotEqualsIgnoreCase", "PROD", "prod", False),
    ("StringLike", "prod/*", "prod/db", True),
    ("StringLike", "prod/?b", "prod/db", True),
    ("StringLike", "prod/*", "Prod/db", False),
    ("StringLike", "*:secret:*", "arn:aws:x:y:z:secret:a", True),
    ("StringNotLike", "prod/*", "dev/db", True),
    ("StringNotLike", "prod/*", "prod/db", False),
    # numbers
    ("NumericEquals", "7", "7.0", True),
    ("NumericNotEquals", "7", "8", True),
    ("NumericLessThan", "30", "7", True),
    ("NumericLessThan", "7", "7", False),
    ("NumericLessThanEquals", "7", "7", True),
    ("NumericGreaterThan", "7", "30", True),
    ("NumericGreaterThanEquals", "7", "6", False),
    ("NumericEquals", "7", "seven", False),
    # dates (ISO 8601 or epoch seconds, on either side)
    ("DateLessThan", "2026-06-01T00:00:00Z", "2026-01-01T00:00:00Z", True),
    ("DateLessThan", "2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z", False),
    ("DateGreaterThan", "2025-12-31", "2026-01-01T00:00:00Z", True),
    ("DateEquals", "2026-01-01T00:00:00Z", "1767225600", True),
    ("DateNotEquals", "2026-01-01T00:00:00Z", "1767225601", True),
    ("DateLessThanEquals", "2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00Z", True),
    ("DateGreaterThanEquals", "1767225600", "2026-01-01T00:00:00Z", True),
    # booleans, binary, IP addresses, ARNs
    ("Bool", "true", "true", True),
    ("Bool", "true", "TRUE", True),
    ("Bool", "false", "true", False),
    ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", True),
    ("BinaryEquals", "QmluYXJ5", "QmluYXJ6", False),
    ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
    ("IpAddress", "203.0.113.0/24", "198.51.100.7", False),
    ("IpAddress", "203.0.113.7", "203.0.113.7", True),  # no prefix means /32
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", True),
    ("NotIpAddress", "203.0.113.0/24", "198.51.100.7", True),
    ("ArnLike", "arn:aws:lambda:*:111122223333:function:rotate-*", "arn:aws:lambda:us-east-1:111122223333:function:rotate-db", True),
    ("ArnEquals", "arn:aws:lambda:*:111122223333:function:*", "arn:aws:lambda:us-east-1:444455556666:function:x", False),
    ("ArnNotLike", "arn:aws:lambda:*:111122223333:*", "arn:aws:lambda:us-east-1:444455556666:function:x", True),
    ("ArnNotEquals", "arn:aws:lambda:*:111122223333:*", "arn:aws:lambda:us-east-1:111122223333:function:x", False),
    # a key the request lacks: positive operators fail, negated ones hold (as AWS documents)
    ("StringEquals", "prod", MISSING, False),
    ("StringNotEquals", "prod", MISSING, True),
    ("StringNotLike", "prod/*", MISSING, True),
    ("ArnNotLike", "arn:aws:*", MISSING, True),
    ("NotIpAddress", "203.0.113.0/24", MISSING, True),
    ("NumericLessThan", "3", MISSING, False),
    ("Bool", "true", MISSING, False),
    # ...IfExists: a missing key makes the condition hold; a present one is tested
    ("StringEqualsIfExists", "prod", MISSING, True),
    ("StringEqualsIfExists", "prod", "dev", False),
    ("StringNotEqualsIfExists", "prod", MISSING, True),
    ("NumericLessThanIfExists", "3", "2", True),
    ("BoolIfExists", "false", MISSING, True),
    # Null: "true" means "the key is absent"
    ("Null", "true", MISSING, True),
    ("Null", "true", "x", False),
    ("Null", "false", "x", True),
    ("Null", "false", MISSING, False),
    # set operators over multivalued keys
    ("ForAllValues:StringEquals", ["a", "b", "c"], ["a", "b"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "z"], False),
    ("ForAllValues:StringEquals", ["a"], MISSING, True),  # nothing to disagree
    ("ForAllValues:StringEquals", ["a"], [], True),
    ("ForAnyValue:StringEquals", ["a", "b"], ["z", "b"], True),
    ("ForAnyValue:StringEquals", ["a", "b"], ["y", "z"], False),
    ("ForAnyValue:StringEquals", ["a"], MISSING, False),
    ("ForAnyValue:StringEquals", ["a"], [], False),
    ("ForAllValues:StringNotEquals", ["a", "b"], ["x", "y"], True),
    ("ForAllValues:StringNotEquals", ["a", "b"], ["x", "a"], False),
    ("ForAnyValue:StringNotEquals", ["a", "b"], ["x", "a"], True),
    ("ForAnyValue:StringNotEquals", ["a", "b"], ["a", "b"], False),
    ("ForAnyValue:StringLike", ["prod*"], ["dev", "prod-db"], True),
    ("ForAllValues:StringLikeIfExists", ["prod*"], MISSING, True),
    ("StringEquals", ["b"], ["a", "b"], True),  # no set operator: any request value will do
    ("StringNotEquals", ["b"], ["a", "b"], False),
]


@pytest.mark.parametrize("operator, policy, request_values, expected", CASES)
def test_operator(operator: str, policy: Any, request_values: Any, expected: bool) -> None:
    assert holds(operator, policy, request_values) is expected


def test_condition_keys_are_matched_ignoring_case() -> None:
    clause = Clause("StringEquals", "aws:ResourceTag/Env", ("prod",), True)
    assert clause.key_lower == "aws:resourcetag/env"
    assert clause.holds({"aws:resourcetag/env": ("prod",)}.get)


def test_policy_variables_in_string_arn_and_bool_values() -> None:
    context = {"aws:username": ("alice",), "aws:principaltag/team": ("payments",)}.get
    assert Clause("StringEquals", "s3:prefix", ("home/${aws:username}",), True).holds(
        {**{"s3:prefix": ("home/alice",)}, "aws:username": ("alice",)}.get)
    assert Clause("StringLike", "k", ("${aws:PrincipalTag/team}-*",), True).holds(
        {"k": ("payments-db",), "aws:principaltag/team": ("payments",)}.get)
    assert not Clause("StringEquals", "aws:username", ("${aws:PrincipalTag/team}",), True).holds(context)
    # version 2008-10-17: variables are text
    assert not Clause("StringEquals", "k", ("${aws:username}",), False).holds({"k": ("alice",), "aws:username": ("alice",)}.get)


@pytest.mark.parametrize("name, parsed", [
    ("StringEquals", (None, "StringEquals", False)),
    ("ForAnyValue:StringLikeIfExists", ("any", "StringLike", True)),
    ("ForAllValues:ArnNotEquals", ("all", "ArnNotEquals", False)),
    ("NullIfExists", None),
    ("ForSomeValues:StringEquals", None),
    ("stringequals", None),
    ("StringEqual", None),
])
def test_operator_names(name: str, parsed: Any) -> None:
    assert parse_operator(name) == parsed


@pytest.mark.parametrize("text, seconds", [
    ("2026-01-01T00:00:00Z", 1767225600.0),
    ("2026-01-01", 1767225600.0),
    ("2026", 2026.0),  # digits alone are epoch seconds
    ("2026-01-01t01:00:00+01:00", 1767225600.0),
    ("2026-01-01T00:00:00.5Z", 1767225600.5),
    ("1767225600", 1767225600.0),
    ("-292275054", -292275054.0),
    ("2026-02-30", None),
    ("2026-01-01T25:00:00Z", None),
    ("9223372036854775808", None),
    ("yesterday", None),
])
def test_dates_iam_reads(text: str, seconds: float | None) -> None:
    assert parse_policy_date(text) == seconds
