"""Parameter Store: names, types, overwrite and versions, labels and selectors, reads,
deletes and tags, each checked against AWS's documented codes and messages."""

from __future__ import annotations

import datetime

import botocore.exceptions
import pytest

import secretkit
from _shapes import code_of, message_of

ACCOUNT = "123456789012"
ARN = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter"


# ------------------------------------------------------------------------ names
def test_put_and_get_a_string_through_boto3(ssm_client):
    out = ssm_client.put_parameter(Name="/app/db/host", Value="db.internal", Type="String")
    assert (out["Version"], out["Tier"]) == (1, "Standard")
    p = ssm_client.get_parameter(Name="/app/db/host")["Parameter"]
    assert p["Name"] == "/app/db/host"
    assert p["Value"] == "db.internal"
    assert p["Type"] == "String"
    assert p["Version"] == 1
    assert p["DataType"] == "text"
    assert p["ARN"] == f"{ARN}/app/db/host"
    assert isinstance(p["LastModifiedDate"], datetime.datetime) and p["LastModifiedDate"].tzinfo is not None
    assert "Selector" not in p


def test_root_name_with_and_without_slash_is_one_parameter(ssm):
    ssm.put_parameter(Name="/single", Value="v1", Type="String")
    assert ssm.get_parameter(Name="single")["Parameter"]["Value"] == "v1"
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="single", Value="v2", Type="String")
    assert code_of(e) == "ParameterAlreadyExists"
    ssm.put_parameter(Name="single", Value="v2", Overwrite=True)
    p = ssm.get_parameter(Name="/single")["Parameter"]
    assert (p["Value"], p["Version"], p["ARN"]) == ("v2", 2, f"{ARN}/single")


@pytest.mark.parametrize(
    "name, code, message",
    [
        ("ssm_test", "ValidationException", 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).'),
        ("AWS_TEST", "ValidationException", 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).'),
        ("/aws_test/path/to/var", "AccessDeniedException", "No access to reserved parameter name: /aws_test/path/to/var."),
        ("/AWS/PATH", "AccessDeniedException", "No access to reserved parameter name: /AWS/PATH."),
        ("/SSM/PATH/TO/VAR", "ValidationException", "Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If formed as a path"),
        ("/has space/x", "ValidationException", "each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_"),
        ("/bad#char", "ValidationException", "each sub-path can be formed"),
        ("/double//slash", "ValidationException", "each sub-path can be formed"),
        ("/trailing/", "ValidationException", "each sub-path can be formed"),
        ("not/qualified", "ValidationException", "Parameter name must be a fully qualified name."),
    ],
)
def test_invalid_names_are_refused_with_aws_messages(ssm, name, code, message):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name=name, Value="v", Type="String")
    assert code_of(e) == code
    assert message_of(e).startswith(message) or message in message_of(e)
    assert ssm.store.params == {}


def test_spaces_around_a_name_are_trimmed(ssm):
    ssm.put_parameter(Name="  /trim/me  ", Value="v", Type="String")
    assert ssm.get_parameter(Name="/trim/me")["Parameter"]["Name"] == "/trim/me"


def test_fifteen_levels_is_the_limit(ssm):
    ok = "/" + "/".join(f"l{i}" for i in range(15))
    ssm.put_parameter(Name=ok, Value="deep", Type="String")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name=ok + "/l15", Value="deeper", Type="String")
    assert code_of(e) == "HierarchyLevelLimitExceededException"
    assert message_of(e).startswith("A hierarchy can have a maximum of 15 levels.")


def test_name_length_counts_the_arn_prefix(ssm):
    prefix = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/"
    room = 1011 - len(prefix)
    ssm.put_parameter(Name="/" + "a" * room, Value="v", Type="String")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="/" + "b" * (room + 1), Value="v", Type="String")
    assert code_of(e) == "ValidationException"


# ------------------------------------------------------------------------ types and overwrite
def test_type_is_required_on_create_only(ssm):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="untyped", Value="v")
    assert code_of(e) == "ValidationException"
    assert message_of(e) == "A parameter type is required when you create a parameter."
    ssm.put_parameter(Name="typed", Value="v", Type="StringList")
    assert ssm.put_parameter(Name="typed", Value="a,b", Overwrite=True)["Version"] == 2
    assert ssm.get_parameter(Name="typed")["Parameter"]["Type"] == "StringList"


def test_overwrite_is_required_and_nothing_changes_without_it(ssm):
    ssm.put_parameter(Name="p", Value="one", Type="String", Description="first")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="two", Type="String")
    assert code_of(e) == "ParameterAlreadyExists"
    assert message_of(e) == (
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
    )
    p = ssm.get_parameter(Name="p")["Parameter"]
    assert (p["Value"], p["Version"]) == ("one", 1)


def test_type_cannot_change(ssm):
    ssm.put_parameter(Name="p", Value="plain", Type="String")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="secret", Type="SecureString", Overwrite=True)
    assert code_of(e) == "HierarchyTypeMismatchException"
    assert ssm.get_parameter(Name="p")["Parameter"]["Value"] == "plain"


def test_overwrite_keeps_metadata_that_is_left_out(ssm):
    ssm.put_parameter(Name="p", Value="1", Type="String", Description="d", AllowedPattern=r"^\d+$", Tags=[{"Key": "k", "Value": "v"}])
    ssm.put_parameter(Name="p", Value="2", Overwrite=True)
    meta = ssm.describe_parameters()["Parameters"][0]
    assert (meta["Description"], meta["AllowedPattern"], meta["Version"]) == ("d", r"^\d+$", 2)
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="p")["TagList"] == [{"Key": "k", "Value": "v"}]


def test_tags_and_overwrite_cannot_be_combined(ssm):
    ssm.put_parameter(Name="p", Value="1", Type="String")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="2", Overwrite=True, Tags=[{"Key": "k", "Value": "v"}])
    assert code_of(e) == "ValidationException"
    assert message_of(e).startswith("Invalid request: tags and overwrite can't be used together.")


def test_allowed_pattern_is_enforced(ssm):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="port", Value="http", Type="String", AllowedPattern=r"^\d+$")
    assert code_of(e) == "ParameterPatternMismatchException"
    assert message_of(e) == r"Parameter value, cannot be validated against allowedPattern: ^\d+$"
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="port", Value="80", Type="String", AllowedPattern="(")
    assert code_of(e) == "InvalidAllowedPatternException"
    ssm.put_parameter(Name="port", Value="80", Type="String", AllowedPattern=r"^\d+$")
    with pytest.raises(secretkit.ClientError):
        ssm.put_parameter(Name="port", Value="eighty", Overwrite=True)
    assert ssm.get_parameter(Name="port")["Parameter"]["Value"] == "80"


def test_empty_value_unknown_type_and_data_type_are_refused(ssm):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="", Type="String")
    assert message_of(e) == (
        "1 validation error detected: Value '' at 'value' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1."
    )
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="v", Type="str")
    assert message_of(e) == (
        "1 validation error detected: Value 'str' at 'type' failed to satisfy constraint: "
        "Member must satisfy enum value set: [SecureString, StringList, String]"
    )
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="v", Type="String", DataType="something weird")
    assert message_of(e) == "The following data type is not supported: something weird (Data type names are all lowercase.)"


def test_values_cannot_nest_parameters(ssm):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="{{ssm:/other}}", Type="String")
    assert code_of(e) == "ValidationException"


# ------------------------------------------------------------------------ versions
def test_each_overwrite_makes_the_next_version_and_history_keeps_them(ssm):
    for i in range(3):
        ssm.put_parameter(Name="p", Value=f"value-{i}", Type="String", Description=f"v{i}", Overwrite=True)
    history = ssm.get_parameter_history(Name="p")["Parameters"]
    assert [(h["Version"], h["Value"], h["Description"], h["Labels"]) for h in history] == [
        (1, "value-0", "v0", []),
        (2, "value-1", "v1", []),
        (3, "value-2", "v2", []),
    ]
    assert ssm.get_parameter(Name="p")["Parameter"]["Value"] == "value-2"


def test_only_the_last_100_versions_are_kept(ssm):
    for i in range(101):
        ssm.put_parameter(Name="p", Value=f"value-{i + 1}", Type="String", Overwrite=True)
    history = ssm.get_parameter_history(Name="p")["Parameters"]
    history += ssm.get_parameter_history(Name="p", NextToken=ssm.get_parameter_history(Name="p")["NextToken"])["Parameters"]
    assert len(history) == 100
    assert (history[0]["Version"], history[0]["Value"]) == (2, "value-2")
    assert history[-1]["Version"] == 101
    with pytest.raises(secretkit.ClientError) as e:
        ssm.get_parameter(Name="p:1")
    assert code_of(e) == "ParameterVersionNotFound"


def test_a_labelled_oldest_version_blocks_the_101st_write(ssm):
    for i in range(100):
        ssm.put_parameter(Name="test-param", Value=f"value-{i + 1}", Type="String", Overwrite=True)
    ssm.label_parameter_version(Name="test-param", ParameterVersion=1, Labels=["keep"])
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="test-param", Value="new", Overwrite=True)
    assert code_of(e) == "ParameterMaxVersionLimitExceeded"
    assert message_of(e) == (
        "You attempted to create a new version of test-param by calling the PutParameter API with the overwrite flag. "
        "Version 1, the oldest version, can't be deleted because it has a label associated with it. Move the label "
        "to another version of the parameter, and try again."
    )
    assert ssm.get_parameter(Name="test-param:keep")["Parameter"]["Value"] == "value-1"
    # Moving the label frees the oldest version, and the write goes through.
    ssm.label_parameter_version(Name="test-param", ParameterVersion=50, Labels=["keep"])
    assert ssm.put_parameter(Name="test-param", Value="new", Overwrite=True)["Version"] == 101


# ------------------------------------------------------------------------ labels and selectors
def test_selectors_pick_a_version_and_are_echoed(ssm_client):
    ssm_client.put_parameter(Name="test-2", Value="old", Type="String")
    ssm_client.put_parameter(Name="test-2", Value="new", Type="String", Overwrite=True)
    ssm_client.label_parameter_version(Name="test-2", ParameterVersion=1, Labels=["stable"])
    by_version = ssm_client.get_parameter(Name="test-2:1")["Parameter"]
    assert (by_version["Name"], by_version["Value"], by_version["Version"], by_version["Selector"]) == ("test-2", "old", 1, ":1")
    by_label = ssm_client.get_parameter(Name="test-2:stable")["Parameter"]
    assert (by_label["Value"], by_label["Version"], by_label["Selector"]) == ("old", 1, ":stable")


def test_not_found_split_between_parameter_and_version(ssm_client):
    ssm_client.put_parameter(Name="test-2", Value="v", Type="String")
    with pytest.raises(ssm_client.exceptions.ParameterNotFound) as e:
        ssm_client.get_parameter(Name="test-2:2:3")
    assert message_of(e) == "Parameter test-2:2:3 not found."
    with pytest.raises(ssm_client.exceptions.ParameterVersionNotFound) as e:
        ssm_client.get_parameter(Name="test-2:2")
    assert message_of(e) == "Systems Manager could not find version 2 of test-2. Verify the version and try again."
    with pytest.raises(ssm_client.exceptions.ParameterNotFound) as e:
        ssm_client.get_parameter(Name="test-3:2")
    assert message_of(e) == "Parameter test-3:2 not found."
    with pytest.raises(ssm_client.exceptions.ParameterVersionNotFound):
        ssm_client.get_parameter(Name="test-2:nolabel")


def test_a_label_is_unique_per_parameter_and_moves(ssm):
    for i in range(3):
        ssm.put_parameter(Name="test", Value=f"value-{i}", Type="String", Overwrite=True)
    ssm.label_parameter_version(Name="test", ParameterVersion=1, Labels=["l1", "l2", "l3"])
    out = ssm.label_parameter_version(Name="test", ParameterVersion=2, Labels=["l2", "l3"])
    assert out == {"InvalidLabels": [], "ParameterVersion": 2}
    labels = {h["Version"]: h["Labels"] for h in ssm.get_parameter_history(Name="test")["Parameters"]}
    assert labels == {1: ["l1"], 2: ["l2", "l3"], 3: []}


def test_label_defaults_to_the_latest_version(ssm):
    for i in range(3):
        ssm.put_parameter(Name="test", Value=f"value-{i}", Type="String", Overwrite=True)
    assert ssm.label_parameter_version(Name="test", Labels=["latest-ish"])["ParameterVersion"] == 3


def test_invalid_labels_are_reported_not_raised(ssm):
    ssm.put_parameter(Name="test", Value="v", Type="String")
    out = ssm.label_parameter_version(Name="test", ParameterVersion=1, Labels=["awsabc", "SSMx", "9abc", "abc/123", "good.one-_"])
    assert out["InvalidLabels"] == ["awsabc", "SSMx", "9abc", "abc/123"]
    assert ssm.get_parameter_history(Name="test")["Parameters"][0]["Labels"] == ["good.one-_"]
    with pytest.raises(secretkit.ClientError) as e:
        ssm.label_parameter_version(Name="test", ParameterVersion=1, Labels=["a" * 101])
    assert code_of(e) == "ValidationException"


def test_ten_labels_per_version_at_most(ssm):
    ssm.put_parameter(Name="test", Value="v", Type="String")
    ssm.label_parameter_version(Name="test", ParameterVersion=1, Labels=[f"l{i}" for i in range(5)])
    with pytest.raises(secretkit.ClientError) as e:
        ssm.label_parameter_version(Name="test", ParameterVersion=1, Labels=[f"m{i}" for i in range(6)])
    assert code_of(e) == "ParameterVersionLabelLimitExceeded"
    assert ssm.get_parameter_history(Name="test")["Parameters"][0]["Labels"] == [f"l{i}" for i in range(5)]


def test_label_errors_for_missing_parameter_and_version(ssm):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.label_parameter_version(Name="test", Labels=["x"])
    assert (code_of(e), message_of(e)) == ("ParameterNotFound", "Parameter test not found.")
    ssm.put_parameter(Name="test", Value="v", Type="String")
    with pytest.raises(secretkit.ClientError) as e:
        ssm.label_parameter_version(Name="test", Labels=["x"], ParameterVersion=5)
    assert message_of(e) == "Systems Manager could not find version 5 of test. Verify the version and try again."


def test_unlabel_reports_removed_and_invalid(ssm_client):
    ssm_client.put_parameter(Name="test", Value="v", Type="String")
    ssm_client.label_parameter_version(Name="test", ParameterVersion=1, Labels=["a", "b"])
    out = ssm_client.unlabel_parameter_version(Name="test", ParameterVersion=1, Labels=["a", "zzz"])
    assert (out["RemovedLabels"], out["InvalidLabels"]) == (["a"], ["zzz"])
    assert ssm_client.get_parameter_history(Name="test")["Parameters"][0]["Labels"] == ["b"]


# ------------------------------------------------------------------------ GetParameters, deletes
def test_get_parameters_sorts_dedups_and_reports_invalid(ssm_client):
    for name in ("b", "a", "/c/d"):
        ssm_client.put_parameter(Name=name, Value=name.upper(), Type="String")
    ssm_client.put_parameter(Name="a", Value="A2", Overwrite=True)
    out = ssm_client.get_parameters(Names=["b", "a", "a", "missing", "a:1", "a:9", "/c/d"])
    assert [(p["Name"], p["Value"]) for p in out["Parameters"]] == [("/c/d", "/C/D"), ("a", "A2"), ("a", "A"), ("b", "B")]
    assert out["InvalidParameters"] == ["missing", "a:9"]


def test_get_parameters_takes_at_most_ten_names(ssm):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.get_parameters(Names=list("abcdefghijk"))
    assert message_of(e) == (
        "1 validation error detected: Value '[a, b, c, d, e, f, g, h, i, j, k]' at 'names' failed to satisfy "
        "constraint: Member must have length less than or equal to 10."
    )


def test_delete_parameter_and_delete_parameters(ssm_client):
    with pytest.raises(ssm_client.exceptions.ParameterNotFound) as e:
        ssm_client.delete_parameter(Name="test_noexist")
    assert message_of(e) == "Parameter test_noexist not found."
    ssm_client.put_parameter(Name="test", Value="v", Type="String")
    ssm_client.put_parameter(Name="other", Value="v", Type="String")
    out = ssm_client.delete_parameters(Names=["test", "invalid"])
    assert (out["DeletedParameters"], out["InvalidParameters"]) == (["test"], ["invalid"])
    ssm_client.delete_parameter(Name="other")
    assert ssm_client.get_parameters(Names=["test", "other"])["InvalidParameters"] == ["test", "other"]
    # A deleted name can be created again from version 1.
    assert ssm_client.put_parameter(Name="test", Value="again", Type="String")["Version"] == 1


def test_read_by_arn(ssm):
    ssm.put_parameter(Name="/myparam", Value="v", Type="String")
    p = ssm.get_parameter(Name=f"{ARN}/myparam")["Parameter"]
    assert (p["Name"], p["Value"]) == ("/myparam", "v")


# ------------------------------------------------------------------------ tags
def test_tags_add_list_remove(ssm_client):
    with pytest.raises(ssm_client.exceptions.InvalidResourceId):
        ssm_client.add_tags_to_resource(ResourceType="Parameter", ResourceId="test", Tags=[{"Key": "k", "Value": "v"}])
    ssm_client.put_parameter(Name="test", Value="v", Type="String", Tags=[{"Key": "team", "Value": "a"}])
    ssm_client.add_tags_to_resource(ResourceType="Parameter", ResourceId="test", Tags=[{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "dev"}])
    tags = ssm_client.list_tags_for_resource(ResourceType="Parameter", ResourceId="test")["TagList"]
    assert tags == [{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "dev"}]
    ssm_client.remove_tags_from_resource(ResourceType="Parameter", ResourceId="test", TagKeys=["team"])
    assert ssm_client.list_tags_for_resource(ResourceType="Parameter", ResourceId="test")["TagList"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(ssm_client.exceptions.InvalidResourceType):
        ssm_client.list_tags_for_resource(ResourceType="Document", ResourceId="test")
    ssm_client.delete_parameter(Name="test")
    with pytest.raises(ssm_client.exceptions.InvalidResourceId):
        ssm_client.list_tags_for_resource(ResourceType="Parameter", ResourceId="test")


def test_at_most_fifty_tags(ssm):
    ssm.put_parameter(Name="test", Value="v", Type="String", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(secretkit.ClientError) as e:
        ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="test", Tags=[{"Key": "one-more", "Value": "v"}])
    assert code_of(e) == "TooManyTagsError"
    assert len(ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="test")["TagList"]) == 50


def test_errors_through_boto3_are_botocore_client_errors(ssm_client):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ssm_client.get_parameter(Name="nope")
    assert code_of(e) == "ParameterNotFound"
    assert e.value.operation_name == "GetParameter"


def test_calls_are_logged_with_the_tier(cloud, ssm):
    ssm.put_parameter(Name="std", Value="v", Type="String")
    ssm.put_parameter(Name="adv", Value="v", Type="String", Tier="Advanced")
    ssm.get_parameter(Name="adv")
    calls = [(e.operation, e.detail.get("tier")) for e in cloud.events.calls("ssm")]
    assert calls == [("PutParameter", "Standard"), ("PutParameter", "Advanced"), ("GetParameter", "Advanced")]


def test_a_bad_name_in_a_batch_deletes_nothing(ssm):
    ssm.put_parameter(Name="keep", Value="v", Type="String", Tags=[{"Key": "k", "Value": "v"}])
    with pytest.raises(secretkit.ClientError):
        ssm.delete_parameters(Names=["keep", "n" * 2049])
    assert ssm.get_parameter(Name="keep")["Parameter"]["Value"] == "v"
    with pytest.raises(secretkit.ClientError):
        ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="keep", TagKeys=["k", "x" * 129])
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="keep")["TagList"] == [{"Key": "k", "Value": "v"}]


def test_key_id_belongs_to_securestring_only(ssm):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.put_parameter(Name="p", Value="v", Type="String", KeyId="alias/aws/ssm")
    assert (code_of(e), message_of(e)) == ("ValidationException", "KeyId is required for SecureString type parameter only.")
    assert ssm.store.params == {}
