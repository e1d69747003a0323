"""Parameter Store listing: GetParametersByPath (levels, filters, best-effort paging),
DescribeParameters (filters, paging), history paging, boto3 paginators, output shapes, and
bad input on every operation through both the model and boto3."""

from __future__ import annotations

from datetime import datetime

import botocore.exceptions
import pytest

import secretkit
from _shapes import check_shape, code_of, message_of


@pytest.fixture
def tree(ssm_client):
    """The hierarchy of AWS's own GetParametersByPath examples."""
    put = ssm_client.put_parameter
    put(Name="/foo/name1", Value="value1", Type="String")
    put(Name="/foo/name2", Value="value2", Type="String")
    put(Name="/bar/name3", Value="value3", Type="String")
    put(Name="/bar/name3/name4", Value="value4", Type="String")
    put(Name="/baz/name1", Value="value1,value2,value3", Type="StringList")
    put(Name="/baz/name2", Value="value1", Type="String")
    put(Name="/baz/pwd", Value="my_secret", Type="SecureString", KeyId="alias/aws/ssm")
    put(Name="foo", Value="bar", Type="String")
    put(Name="baz", Value="qux", Type="String")
    return ssm_client


def names(response) -> set[str]:
    return {p["Name"] for p in response["Parameters"]}


def test_one_level_and_recursive(tree):
    root = tree.get_parameters_by_path(Path="/", Recursive=False)
    assert {p["Value"] for p in root["Parameters"]} == {"bar", "qux"}
    assert len(tree.get_parameters_by_path(Path="/", Recursive=True, MaxResults=10)["Parameters"]) == 9
    assert names(tree.get_parameters_by_path(Path="/foo")) == {"/foo/name1", "/foo/name2"}
    assert names(tree.get_parameters_by_path(Path="/bar", Recursive=False)) == {"/bar/name3"}
    assert names(tree.get_parameters_by_path(Path="/bar", Recursive=True)) == {"/bar/name3", "/bar/name3/name4"}
    assert names(tree.get_parameters_by_path(Path="/bar/")) == {"/bar/name3"}
    assert tree.get_parameters_by_path(Path="/fo")["Parameters"] == []


def test_securestring_in_a_path_needs_decryption(tree):
    hidden = {p["Name"]: p["Value"] for p in tree.get_parameters_by_path(Path="/baz")["Parameters"]}
    assert hidden["/baz/pwd"] != "my_secret"
    shown = {p["Name"]: p["Value"] for p in tree.get_parameters_by_path(Path="/baz", WithDecryption=True)["Parameters"]}
    assert shown["/baz/pwd"] == "my_secret"


def test_path_filters(tree):
    def by(filters):
        return names(tree.get_parameters_by_path(Path="/baz", ParameterFilters=filters))

    assert by([{"Key": "Type", "Option": "Equals", "Values": ["StringList"]}]) == {"/baz/name1"}
    assert by([{"Key": "Type", "Values": ["StringList"]}]) == {"/baz/name1"}
    assert by([{"Key": "Type", "Values": ["String", "SecureString"]}]) == {"/baz/name2", "/baz/pwd"}
    assert by([{"Key": "Type", "Option": "BeginsWith", "Values": ["String"]}]) == {"/baz/name1", "/baz/name2"}
    assert by([{"Key": "KeyId", "Values": ["alias/aws/ssm"]}]) == {"/baz/pwd"}
    with pytest.raises(tree.exceptions.InvalidFilterKey) as e:
        by([{"Key": "Name", "Values": ["x"]}])
    assert message_of(e) == "The following filter key is not valid: Name. Valid filter keys include: [Type, KeyId, Label]."
    with pytest.raises(tree.exceptions.InvalidFilterKey):
        by([{"Key": "Tier", "Values": ["Standard"]}])


def test_label_filter_returns_the_labelled_version(tree):
    tree.put_parameter(Name="/foo/name2", Value="newer", Overwrite=True)
    tree.label_parameter_version(Name="/foo/name2", ParameterVersion=1, Labels=["Label1"])
    out = tree.get_parameters_by_path(Path="/foo", ParameterFilters=[{"Key": "Label", "Values": ["Label1"]}])
    assert [(p["Name"], p["Value"], p["Version"]) for p in out["Parameters"]] == [("/foo/name2", "value2", 1)]


def test_paging_by_next_token(tree):
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"Path": "/", "Recursive": True, "MaxResults": 4}
        if token:
            kwargs["NextToken"] = token
        page = tree.get_parameters_by_path(**kwargs)
        assert len(page["Parameters"]) <= 4
        seen += [p["Name"] for p in page["Parameters"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 3
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 9


def test_filtered_pages_are_best_effort_but_complete(ssm_client):
    for i in range(30):
        ssm_client.put_parameter(Name=f"/mix/p{i:02d}", Value="v", Type="SecureString" if i % 7 == 0 else "String")
    pages = list(
        ssm_client.get_paginator("get_parameters_by_path").paginate(
            Path="/mix", ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}], PaginationConfig={"PageSize": 5}
        )
    )
    found = [p["Name"] for page in pages for p in page["Parameters"]]
    assert found == ["/mix/p00", "/mix/p07", "/mix/p14", "/mix/p21", "/mix/p28"]
    # Some pages come back short, even empty, while more remain: the client must keep going.
    assert any(len(page["Parameters"]) < 5 and "NextToken" in page for page in pages)


def test_parameters_created_between_pages_are_not_skipped_or_repeated(ssm):
    for i in range(0, 20, 2):
        ssm.put_parameter(Name=f"/p/k{i:02d}", Value="v", Type="String")
    first = ssm.get_parameters_by_path(Path="/p", MaxResults=5)
    ssm.put_parameter(Name="/p/k01", Value="v", Type="String")  # sorts before the token: not shown
    ssm.put_parameter(Name="/p/k19", Value="v", Type="String")  # sorts after it: shown
    rest = ssm.get_parameters_by_path(Path="/p", MaxResults=10, NextToken=first["NextToken"])
    got = [p["Name"] for p in first["Parameters"] + rest["Parameters"]]
    assert len(got) == len(set(got)) and "/p/k19" in got and "/p/k01" not in got


def test_bad_path_and_token(ssm_client):
    with pytest.raises(ssm_client.exceptions.ClientError) as e:
        ssm_client.get_parameters_by_path(Path="noslash")
    assert code_of(e) == "ValidationException"
    assert "The parameter name must begin with a forward slash" in message_of(e)
    with pytest.raises(ssm_client.exceptions.InvalidNextToken):
        ssm_client.get_parameters_by_path(Path="/", NextToken="garbage")
    with pytest.raises(ssm_client.exceptions.ClientError) as e:
        ssm_client.get_parameters_by_path(Path="/", MaxResults=11)
    assert code_of(e) == "ValidationException"


# ------------------------------------------------------------------------ DescribeParameters
def test_describe_pages_of_ten_by_default(ssm_client):
    for i in range(50):
        ssm_client.put_parameter(Name=f"param-{i:02d}", Value=f"value-{i}", Type="String")
    first = ssm_client.describe_parameters()
    assert len(first["Parameters"]) == 10 and "NextToken" in first
    all_pages = list(ssm_client.get_paginator("describe_parameters").paginate())
    assert [len(p["Parameters"]) for p in all_pages] == [10, 10, 10, 10, 10]
    meta = first["Parameters"][0]
    assert (meta["Name"], meta["Type"], meta["Version"], meta["Tier"], meta["DataType"]) == ("param-00", "String", 1, "Standard", "text")
    assert isinstance(meta["LastModifiedDate"], datetime)


def test_describe_name_filters(ssm):
    for name in ("param", "/param-2", "/tangent-3", "tangram-4", "standby-5"):
        ssm.put_parameter(Name=name, Value="v", Type="String")

    def by(option, value):
        f = {"Key": "Name", "Values": [value]}
        if option:
            f["Option"] = option
        return {p["Name"] for p in ssm.describe_parameters(ParameterFilters=[f])["Parameters"]}

    assert by(None, "param") == {"param"}
    assert by(None, "/param") == {"param"}
    assert by(None, "param-2") == {"/param-2"}
    assert by("BeginsWith", "param") == {"param", "/param-2"}
    assert by("Contains", "ram") == {"param", "/param-2", "tangram-4"}
    assert by("Contains", "/tan") == {"/tangent-3", "tangram-4"}


def test_describe_path_filters(ssm):
    for name in ("/foo/name1", "/foo/name2", "/bar/name3", "/bar/name3/name4", "foo"):
        ssm.put_parameter(Name=name, Value="v", Type="String")

    def by(option, *values):
        f = {"Key": "Path", "Values": list(values)}
        if option:
            f["Option"] = option
        return {p["Name"] for p in ssm.describe_parameters(ParameterFilters=[f])["Parameters"]}

    assert by(None, "/fo") == set()
    assert by(None, "/") == {"foo"}
    assert by(None, "/", "/foo") == {"/foo/name1", "/foo/name2", "foo"}
    assert by(None, "/foo/") == {"/foo/name1", "/foo/name2"}
    assert by("OneLevel", "/bar/name3") == {"/bar/name3/name4"}
    assert by("Recursive", "/") == {"/foo/name1", "/foo/name2", "/bar/name3", "/bar/name3/name4", "foo"}
    assert by("Recursive", "/foo", "/bar") == {"/foo/name1", "/foo/name2", "/bar/name3", "/bar/name3/name4"}


def test_describe_type_keyid_tier_and_tag_filters(cloud, ssm):
    ssm.put_parameter(Name="secure-param", Value="v", Type="SecureString")
    key = cloud.kms().create_key()["KeyMetadata"]["KeyId"]
    cloud.kms().create_alias(AliasName="alias/custom", TargetKeyId=key)
    ssm.put_parameter(Name="custom-secure-param", Value="v", Type="SecureString", KeyId="alias/custom")
    ssm.put_parameter(Name="plain", Value="v", Type="String", Tier="Advanced", Tags=[{"Key": "team", "Value": "blue"}])

    def by(*filters):
        return {p["Name"] for p in ssm.describe_parameters(ParameterFilters=list(filters))["Parameters"]}

    assert by({"Key": "KeyId", "Values": ["alias/aws/ssm"]}) == {"secure-param"}
    assert by({"Key": "KeyId", "Option": "BeginsWith", "Values": ["alias"]}) == {"secure-param", "custom-secure-param"}
    assert by({"Key": "Type", "Values": ["String"]}) == {"plain"}
    assert by({"Key": "Tier", "Values": ["Advanced"]}) == {"plain"}
    assert by({"Key": "tag:team", "Values": ["blue"]}) == {"plain"}
    assert by({"Key": "tag:team"}) == {"plain"}
    assert by({"Key": "tag:team", "Values": ["red"]}) == set()
    legacy = ssm.describe_parameters(Filters=[{"Key": "Type", "Values": ["SecureString"]}])
    assert {p["Name"] for p in legacy["Parameters"]} == {"secure-param", "custom-secure-param"}


@pytest.mark.parametrize(
    "filters, code, text",
    [
        ([{"Key": "key", "Values": ["x"]}], "ValidationException", "Member must satisfy regular expression pattern"),
        ([{"Key": "Label", "Values": ["x"]}], "InvalidFilterKey", "The following filter key is not valid: Label."),
        ([{"Key": "Name"}], "InvalidFilterValue", "The following filter values are missing : null for filter key Name"),
        ([{"Key": "Name", "Values": ["a"]}, {"Key": "Name", "Values": ["b"]}], "ValidationException", "The following filter is duplicated in the request: Name."),
        ([{"Key": "Path", "Values": ["/aws", "/ssm"]}], "ValidationException", "Filters for common parameters can't be prefixed with \"aws\" or \"ssm\""),
        ([{"Key": "Path", "Option": "Equals", "Values": ["/x"]}], "InvalidFilterOption", "Valid options include: [Recursive, OneLevel]"),
        ([{"Key": "Tier", "Values": ["test"]}], "InvalidFilterValue", "Valid values include: [Standard, Advanced, Intelligent-Tiering]"),
        ([{"Key": "Type", "Values": ["test"]}], "InvalidFilterValue", "Valid values include: [String, StringList, SecureString]"),
        ([{"Key": "Name", "Option": "option", "Values": ["x"]}], "InvalidFilterOption", "The following filter option is not valid: option."),
        ([{"Key": "Path", "Values": ["/###"]}], "ValidationException", "The parameter doesn't meet the parameter name requirements"),
        ([{"Key": "Name", "Values": ["t"] * 51}], "ValidationException", "Member must have length less than or equal to 50"),
    ],
)
def test_describe_filter_errors(ssm, filters, code, text):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.describe_parameters(ParameterFilters=filters)
    assert code_of(e) == code
    assert text in message_of(e)


def test_describe_filters_and_parameter_filters_are_exclusive(ssm):
    with pytest.raises(secretkit.ClientError) as e:
        ssm.describe_parameters(Filters=[{"Key": "Name", "Values": ["a"]}], ParameterFilters=[{"Key": "Name", "Values": ["a"]}])
    assert message_of(e) == "You can use either Filters or ParameterFilters in a single request."


def test_describe_scans_a_bounded_window_per_page(ssm):
    for i in range(1200):
        ssm.put_parameter(Name=f"/n/p{i:04d}", Value="v", Type="String")
    ssm.put_parameter(Name="/n/zzz", Value="v", Type="SecureString")
    f = [{"Key": "Type", "Values": ["SecureString"]}]
    first = ssm.describe_parameters(ParameterFilters=f)
    assert first["Parameters"] == [] and "NextToken" in first
    found, token = [], first["NextToken"]
    while token:
        page = ssm.describe_parameters(ParameterFilters=f, NextToken=token)
        found += [p["Name"] for p in page["Parameters"]]
        token = page.get("NextToken")
    assert found == ["/n/zzz"]


# ------------------------------------------------------------------------ history
def test_history_pages_and_paginator(ssm_client):
    for i in range(100):
        ssm_client.put_parameter(Name="test-param", Value=f"v{i}", Type="String", Overwrite=True)
    first = ssm_client.get_parameter_history(Name="test-param")
    assert len(first["Parameters"]) == 50
    history = [p for page in ssm_client.get_paginator("get_parameter_history").paginate(Name="test-param", PaginationConfig={"PageSize": 7}) for p in page["Parameters"]]
    assert [h["Version"] for h in history] == list(range(1, 101))
    with pytest.raises(ssm_client.exceptions.ClientError) as e:
        ssm_client.get_parameter_history(Name="test-param", MaxResults=51)
    assert message_of(e) == (
        "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 50."
    )
    with pytest.raises(ssm_client.exceptions.ParameterNotFound) as e:
        ssm_client.get_parameter_history(Name="invalid_parameter_name")
    assert message_of(e) == "Parameter invalid_parameter_name not found."


def test_history_of_securestring_hides_values_without_decryption(ssm):
    for i in range(3):
        ssm.put_parameter(Name="s", Value=f"value-{i}", Type="SecureString", Overwrite=True)
    plain = [h["Value"] for h in ssm.get_parameter_history(Name="s", WithDecryption=True)["Parameters"]]
    hidden = [h["Value"] for h in ssm.get_parameter_history(Name="s")["Parameters"]]
    assert plain == ["value-0", "value-1", "value-2"]
    assert not set(plain) & set(hidden)
    assert all(h["KeyId"] == "alias/aws/ssm" for h in ssm.get_parameter_history(Name="s")["Parameters"])


# ------------------------------------------------------------------------ shapes and bad input
def test_every_response_matches_botocore_output_shapes(cloud, ssm_client):
    cloud.secretsmanager().create_secret(Name="s", SecretString="v")
    exp = '[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2026-05-01T00:00:00Z"}}]'
    model = ssm_client.meta.service_model
    calls = {
        "PutParameter": ssm_client.put_parameter(Name="/a/b", Value="v", Type="SecureString", Tier="Advanced", Policies=exp, Description="d", AllowedPattern=".*", Tags=[{"Key": "k", "Value": "v"}]),
        "GetParameter": ssm_client.get_parameter(Name="/a/b:1", WithDecryption=True),
        "GetParameters": ssm_client.get_parameters(Names=["/a/b", "/nope", "/aws/reference/secretsmanager/s"], WithDecryption=True),
        "GetParametersByPath": ssm_client.get_parameters_by_path(Path="/a", Recursive=True),
        "DescribeParameters": ssm_client.describe_parameters(),
        "GetParameterHistory": ssm_client.get_parameter_history(Name="/a/b"),
        "LabelParameterVersion": ssm_client.label_parameter_version(Name="/a/b", Labels=["x", "9bad"]),
        "UnlabelParameterVersion": ssm_client.unlabel_parameter_version(Name="/a/b", ParameterVersion=1, Labels=["x"]),
        "ListTagsForResource": ssm_client.list_tags_for_resource(ResourceType="Parameter", ResourceId="/a/b"),
        "AddTagsToResource": ssm_client.add_tags_to_resource(ResourceType="Parameter", ResourceId="/a/b", Tags=[{"Key": "a", "Value": "b"}]),
        "RemoveTagsFromResource": ssm_client.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/a/b", TagKeys=["a"]),
        "DeleteParameters": ssm_client.delete_parameters(Names=["/a/b", "/nope"]),
        "UpdateServiceSetting": ssm_client.update_service_setting(SettingId="/ssm/parameter-store/default-parameter-tier", SettingValue="Advanced"),
        "GetServiceSetting": ssm_client.get_service_setting(SettingId="/ssm/parameter-store/default-parameter-tier"),
        "ResetServiceSetting": ssm_client.reset_service_setting(SettingId="/ssm/parameter-store/default-parameter-tier"),
    }
    for op, out in calls.items():
        check_shape(out, model.operation_model(op).output_shape, op)


BAD_SSM_CALLS = [
    ("put_parameter", {"Name": "/x", "Value": "v", "Type": "String", "Tier": "Premium"}, "ValidationException"),
    ("put_parameter", {"Name": "/x", "Value": "v", "Type": "String", "Description": "d" * 1025}, "ValidationException"),
    ("put_parameter", {"Name": "/x", "Value": "v", "Type": "SecureString", "KeyId": "bad key!"}, "ValidationException"),
    ("put_parameter", {"Name": "/x", "Value": "v", "Type": "String", "AllowedPattern": "a" * 1025}, "ValidationException"),
    ("put_parameter", {"Name": "/x", "Value": "v", "Type": "String", "Tags": [{"Key": "k" * 129, "Value": "v"}]}, "ValidationException"),
    ("put_parameter", {"Name": "/x", "Value": "v", "Type": "String", "Tier": "Advanced", "Policies": "p" * 4097}, "ValidationException"),
    ("put_parameter", {"Name": "exists", "Value": "v", "Type": "String"}, "ParameterAlreadyExists"),
    ("get_parameter", {"Name": "n" * 2049}, "ValidationException"),
    ("get_parameter", {"Name": "missing"}, "ParameterNotFound"),
    ("get_parameters", {"Names": ["n" * 2049]}, "ValidationException"),
    ("get_parameters_by_path", {"Path": "/", "ParameterFilters": [{"Key": "Type", "Option": "Contains", "Values": ["String"]}]}, "InvalidFilterOption"),
    ("get_parameters_by_path", {"Path": "/" + "/".join(["l"] * 16)}, "HierarchyLevelLimitExceededException"),
    ("delete_parameter", {"Name": "missing"}, "ParameterNotFound"),
    ("delete_parameters", {"Names": ["a"] * 11}, "ValidationException"),
    ("describe_parameters", {"MaxResults": 51}, "ValidationException"),
    ("describe_parameters", {"NextToken": "junk"}, "InvalidNextToken"),
    ("get_parameter_history", {"Name": "exists", "NextToken": "junk"}, "InvalidNextToken"),
    ("label_parameter_version", {"Name": "exists", "Labels": ["l"] * 11}, "ValidationException"),
    ("label_parameter_version", {"Name": "exists", "Labels": ["l"], "ParameterVersion": 9}, "ParameterVersionNotFound"),
    ("unlabel_parameter_version", {"Name": "missing", "ParameterVersion": 1, "Labels": ["l"]}, "ParameterNotFound"),
    ("add_tags_to_resource", {"ResourceType": "Bucket", "ResourceId": "exists", "Tags": [{"Key": "k", "Value": "v"}]}, "ValidationException"),
    ("add_tags_to_resource", {"ResourceType": "Parameter", "ResourceId": "exists", "Tags": [{"Key": "aws:x", "Value": "v"}]}, "ValidationException"),
    ("list_tags_for_resource", {"ResourceType": "Parameter", "ResourceId": "missing"}, "InvalidResourceId"),
    ("remove_tags_from_resource", {"ResourceType": "Document", "ResourceId": "exists", "TagKeys": ["k"]}, "InvalidResourceType"),
    ("get_service_setting", {"SettingId": "/ssm/unknown"}, "ServiceSettingNotFound"),
    ("update_service_setting", {"SettingId": "/ssm/parameter-store/default-parameter-tier", "SettingValue": "Gold"}, "ValidationException"),
    ("reset_service_setting", {"SettingId": "s" * 1001}, "ValidationException"),
]


@pytest.mark.parametrize("method, kwargs, expected", BAD_SSM_CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_SSM_CALLS)])
@pytest.mark.parametrize("path", ["direct", "boto3"])
def test_bad_input_gets_the_aws_error(cloud, method, kwargs, expected, path):
    cloud.ssm().put_parameter(Name="exists", Value="keep", Type="SecureString")
    target = cloud.ssm() if path == "direct" else cloud.client("ssm")
    error_type = secretkit.ClientError if path == "direct" else botocore.exceptions.ClientError
    with pytest.raises(error_type) as e:
        getattr(target, method)(**kwargs)
    assert code_of(e) == expected
    assert message_of(e)
    # Nothing is lost: the stored parameter still reads back.
    assert cloud.ssm().get_parameter(Name="exists", WithDecryption=True)["Parameter"]["Value"] == "keep"
    assert list(cloud.ssm().store.params) == ["/exists"]
