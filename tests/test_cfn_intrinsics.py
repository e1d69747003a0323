"""The intrinsic functions and stack parameters, as AWS's function reference documents them."""

from __future__ import annotations

import base64

import pytest

from secretkit import ClientError
from secretkit.cloudformation.intrinsics import NO_VALUE, UNKNOWN, Evaluator, TemplateError
from secretkit.cloudformation.parameters import resolve
from secretkit.cloudformation.template import ParameterSpec

NAMES = {"Env": "prod", "Subnets": ["a", "b"], "AWS::Region": "eu-west-1", "AWS::NoValue": NO_VALUE}
ATTRS = {("Db", "Endpoint.Address"): "db.example", ("Db", "Port"): "5432"}
MAPPINGS = {"Sizes": {"prod": {"Class": "db.r6g.large"}, "dev": {"Class": "db.t4g.micro"}}}


def _ref(name):
    if name == "Db":
        return "mydb"
    if name == "Later":
        return UNKNOWN
    if name in NAMES:
        return NAMES[name]
    raise TemplateError(f"unresolved {name}")


def _evaluator(conditions=None):
    conditions = conditions or {"IsProd": True, "IsDev": False}
    return Evaluator(
        "eu-west-1", MAPPINGS, _ref, lambda lid, attr: ATTRS[(lid, attr)], conditions.__getitem__,
        lambda name: {"shared-vpc": "vpc-123"}[name],
    )


@pytest.mark.parametrize(
    "node, expected",
    [
        ({"Ref": "Env"}, "prod"),
        ({"Fn::GetAtt": ["Db", "Endpoint.Address"]}, "db.example"),
        ({"Fn::GetAtt": "Db.Port"}, "5432"),
        ({"Fn::Sub": "${Env}-${AWS::Region}-${Db}:${Db.Port}"}, "prod-eu-west-1-mydb:5432"),
        ({"Fn::Sub": ["${Name}.${Env}", {"Name": {"Ref": "Db"}}]}, "mydb.prod"),
        ({"Fn::Sub": "cost ${!Literal} stays"}, "cost ${Literal} stays"),
        ({"Fn::Join": [":", ["a", {"Ref": "Env"}, 5]]}, "a:prod:5"),
        ({"Fn::Join": [",", {"Ref": "Subnets"}]}, "a,b"),
        ({"Fn::Select": ["1", {"Ref": "Subnets"}]}, "b"),
        ({"Fn::Split": ["|", "x|y|z"]}, ["x", "y", "z"]),
        ({"Fn::Select": [2, {"Fn::Split": ["|", "x|y|z"]}]}, "z"),
        ({"Fn::If": ["IsProd", "big", "small"]}, "big"),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Class"]}, "db.r6g.large"),
        ({"Fn::Base64": {"Fn::Sub": "hello ${Env}"}}, base64.b64encode(b"hello prod").decode()),
        ({"Fn::GetAZs": ""}, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ({"Fn::Select": [0, {"Fn::GetAZs": {"Ref": "AWS::Region"}}]}, "eu-west-1a"),
        ({"Fn::ImportValue": "shared-vpc"}, "vpc-123"),
        ({"Fn::Cidr": ["10.0.0.0/16", 3, 8]}, ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
        ({"Fn::Equals": [{"Ref": "Env"}, "prod"]}, True),
    ],
)
def test_functions(node, expected):
    assert _evaluator().value(node) == expected


def test_no_value_removes_the_property_and_the_list_item():
    props = {"A": {"Fn::If": ["IsDev", "x", {"Ref": "AWS::NoValue"}]}, "B": ["k", {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, "v"]}]}
    assert _evaluator().value(props) == {"B": ["k"]}


def test_condition_functions_combine():
    ev = _evaluator()
    assert ev.condition_value({"Fn::And": [{"Condition": "IsProd"}, {"Fn::Not": [{"Condition": "IsDev"}]}]}) is True
    assert ev.condition_value({"Fn::Or": [{"Condition": "IsDev"}, {"Fn::Equals": ["a", "b"]}]}) is False


def test_unknown_values_propagate_instead_of_failing():
    ev = _evaluator()
    assert ev.value({"Fn::Sub": "arn:${Later}"}) is UNKNOWN
    assert ev.value({"Fn::Join": ["", ["x", {"Ref": "Later"}]]}) is UNKNOWN


@pytest.mark.parametrize(
    "node, message",
    [
        ({"Fn::FindInMap": ["Sizes", "staging", "Class"]}, "Template error: Unable to get mapping for Sizes::staging::Class"),
        ({"Fn::Select": [5, ["a"]]}, "Template error: Fn::Select cannot select nonexistent value at index 5"),
    ],
)
def test_function_errors(node, message):
    with pytest.raises(TemplateError, match="^" + message.replace("[", r"\[") + "$"):
        _evaluator().value(node)


# ------------------------------------------------------------------ parameters
def _spec(name="P", type="String", **kw):
    return ParameterSpec(name, type, **kw)


def _resolve(specs, given, previous=None, ssm=None):
    return resolve({s.name: s for s in specs}, given, previous, ssm or (lambda n: None))


def _error(specs, given, previous=None, ssm=None):
    with pytest.raises(ClientError) as info:
        _resolve(specs, given, previous, ssm)
    assert info.value.code == "ValidationError"
    return info.value.message


def test_missing_values_are_listed():
    assert _error([_spec("A"), _spec("B", default="x"), _spec("C")], []) == "Parameters: [A, C] must have values"


def test_unknown_parameter_is_refused():
    assert _error([_spec("A", default="x")], [{"ParameterKey": "Z", "ParameterValue": "1"}]) == (
        "Parameters: [Z] do not exist in the template"
    )


def test_number_is_checked_but_ref_gives_text():
    values = _resolve([_spec("N", "Number", min_value=1, max_value=10)], [{"ParameterKey": "N", "ParameterValue": "5"}])
    assert values["N"].ref == "5"
    assert _error([_spec("N", "Number")], [{"ParameterKey": "N", "ParameterValue": "five"}]) == "Parameter 'N' must be a number."
    assert _error([_spec("N", "Number", max_value=10)], [{"ParameterKey": "N", "ParameterValue": "11"}]) == (
        "Parameter 'N' must be a number not greater than 10"
    )


def test_lists_are_split_and_trimmed():
    values = _resolve(
        [_spec("L", "CommaDelimitedList"), _spec("N", "List<Number>")],
        [{"ParameterKey": "L", "ParameterValue": "a, b ,c"}, {"ParameterKey": "N", "ParameterValue": "1,2"}],
    )
    assert values["L"].ref == ["a", "b", "c"] and values["N"].ref == ["1", "2"]
    assert _error([_spec("N", "List<Number>")], [{"ParameterKey": "N", "ParameterValue": "1,x"}]) == "Parameter 'N' must be a number."


def test_allowed_values_pattern_and_lengths():
    assert _error([_spec(allowed_values=("dev", "prod"))], [{"ParameterKey": "P", "ParameterValue": "test"}]) == (
        "Parameter 'P' must be one of AllowedValues"
    )
    assert _error([_spec(allowed_pattern="[a-z]+")], [{"ParameterKey": "P", "ParameterValue": "abc1"}]) == (
        "Parameter 'P' must match pattern [a-z]+"
    )
    assert _error([_spec(min_length=3)], [{"ParameterKey": "P", "ParameterValue": "ab"}]) == (
        "Parameter 'P' must contain at least 3 characters"
    )
    assert _error([_spec(max_length=2, constraint_description="two letters at most")], [{"ParameterKey": "P", "ParameterValue": "abc"}]) == (
        "Parameter 'P' failed to satisfy constraint: two letters at most"
    )


def test_defaults_are_checked_too():
    assert _error([_spec(default="test", allowed_values=("dev", "prod"))], []) == "Parameter 'P' must be one of AllowedValues"


def test_use_previous_value():
    values = _resolve([_spec(default="d")], [{"ParameterKey": "P", "UsePreviousValue": True}], previous={"P": "kept"})
    assert values["P"].value == "kept"


def test_ssm_parameter_types_read_the_current_value():
    store = {"/app/size": "large", "/app/zones": "a,b"}
    values = _resolve(
        [_spec("S", "AWS::SSM::Parameter::Value<String>"), _spec("Z", "AWS::SSM::Parameter::Value<List<String>>")],
        [{"ParameterKey": "S", "ParameterValue": "/app/size"}, {"ParameterKey": "Z", "ParameterValue": "/app/zones"}],
        ssm=store.get,
    )
    assert (values["S"].value, values["S"].resolved, values["S"].ref) == ("/app/size", "large", "large")
    assert values["Z"].ref == ["a", "b"]
    message = _error([_spec("S", "AWS::SSM::Parameter::Value<String>")], [{"ParameterKey": "S", "ParameterValue": "/nope"}], ssm=store.get)
    assert message == "Unable to fetch parameters [/nope] from parameter store for this account."
