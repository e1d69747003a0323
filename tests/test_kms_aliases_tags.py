"""KMS aliases re-pointed and deleted, key descriptions and tags: through the model and
through boto3, with KMS's codes, and every refused call changing nothing."""

from __future__ import annotations

import copy

import pytest

from _shapes import check_shape, code_of
from secretkit.core.errors import ClientError


@pytest.fixture(params=["model", "boto3"])
def any_kms(request, cloud):
    """The same region's KMS, called directly or through a genuine boto3 client."""
    return cloud.kms() if request.param == "model" else cloud.client("kms", region_name="us-east-1")


def _errors(target):
    return (ClientError,) if not hasattr(target, "meta") else (target.exceptions.ClientError,)


def _code(target, call) -> str:
    with pytest.raises(_errors(target)) as info:
        call()
    return code_of(info)


def _new_key(target, description="app") -> str:
    return target.create_key(Description=description)["KeyMetadata"]["KeyId"]


def _state(cloud):
    """Every key's description and tags and every alias, to prove a refusal changed nothing."""
    ring = cloud.kms().ring
    keys = {k: (key.description, copy.deepcopy(key.tags), key.state) for k, key in ring.keys.items()}
    aliases = {name: (a.key_id, a.created, a.updated) for name, a in ring.aliases.items()}
    return keys, aliases


def test_update_alias_points_an_alias_at_another_key_and_dates_the_change(cloud, any_kms):
    first, second = _new_key(any_kms), _new_key(any_kms)
    any_kms.create_alias(AliasName="alias/app", TargetKeyId=first)
    cloud.clock.advance(days=2)
    assert any_kms.update_alias(AliasName="alias/app", TargetKeyId=second) is not None
    assert any_kms.describe_key(KeyId="alias/app")["KeyMetadata"]["KeyId"] == second
    row = any_kms.list_aliases(KeyId=second)["Aliases"][0]
    assert row["AliasName"] == "alias/app"
    assert (row["LastUpdatedDate"] - row["CreationDate"]).days == 2
    assert any_kms.list_aliases(KeyId=first)["Aliases"] == []
    # What the alias sealed before still opens: the old key is untouched.
    assert any_kms.describe_key(KeyId=first)["KeyMetadata"]["KeyState"] == "Enabled"


def test_update_alias_refusals_change_nothing(cloud, any_kms):
    key, other = _new_key(any_kms), _new_key(any_kms)
    any_kms.create_alias(AliasName="alias/app", TargetKeyId=key)
    any_kms.schedule_key_deletion(KeyId=other, PendingWindowInDays=7)
    managed = any_kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["KeyId"]
    before = _state(cloud)
    refusals = {
        "NotFoundException": [
            lambda: any_kms.update_alias(AliasName="alias/missing", TargetKeyId=key),
            lambda: any_kms.update_alias(AliasName="alias/aws/secretsmanager", TargetKeyId=key),
            lambda: any_kms.update_alias(AliasName="alias/app", TargetKeyId="00000000-0000-4000-8000-000000000000"),
        ],
        "KMSInvalidStateException": [lambda: any_kms.update_alias(AliasName="alias/app", TargetKeyId=other)],
        "UnsupportedOperationException": [lambda: any_kms.update_alias(AliasName="alias/app", TargetKeyId=managed)],
        "ValidationException": [
            lambda: any_kms.update_alias(AliasName="alias/app", TargetKeyId="alias/app"),
            lambda: any_kms.update_alias(AliasName="no-prefix", TargetKeyId=key),
        ],
    }
    for code, calls in refusals.items():
        for call in calls:
            assert _code(any_kms, call) == code
    assert _state(cloud) == before


def test_delete_alias_leaves_the_key_and_frees_the_name(cloud, any_kms):
    key = _new_key(any_kms)
    any_kms.create_alias(AliasName="alias/app", TargetKeyId=key)
    blob = any_kms.encrypt(KeyId="alias/app", Plaintext=b"kept")["CiphertextBlob"]
    any_kms.delete_alias(AliasName="alias/app")
    assert _code(any_kms, lambda: any_kms.describe_key(KeyId="alias/app")) == "NotFoundException"
    assert any_kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
    any_kms.create_alias(AliasName="alias/app", TargetKeyId=key)  # the name may be used again
    assert [a["AliasName"] for a in any_kms.list_aliases(KeyId=key)["Aliases"]] == ["alias/app"]


def test_delete_alias_refusals_change_nothing(cloud, any_kms):
    any_kms.describe_key(KeyId="alias/aws/secretsmanager")
    before = _state(cloud)
    assert _code(any_kms, lambda: any_kms.delete_alias(AliasName="alias/missing")) == "NotFoundException"
    assert _code(any_kms, lambda: any_kms.delete_alias(AliasName="alias/aws/secretsmanager")) == "NotFoundException"
    assert _code(any_kms, lambda: any_kms.delete_alias(AliasName="bad name")) == "ValidationException"
    assert _state(cloud) == before


def test_a_pending_deletion_key_keeps_its_aliases_deletable(any_kms):
    key = _new_key(any_kms)
    any_kms.create_alias(AliasName="alias/doomed", TargetKeyId=key)
    any_kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    any_kms.delete_alias(AliasName="alias/doomed")
    assert any_kms.list_aliases(KeyId=key)["Aliases"] == []


def test_update_key_description(cloud, any_kms):
    key = _new_key(any_kms, "old words")
    any_kms.update_key_description(KeyId=key, Description="new words")
    assert any_kms.describe_key(KeyId=key)["KeyMetadata"]["Description"] == "new words"
    any_kms.disable_key(KeyId=key)  # a disabled key may still be described
    any_kms.update_key_description(KeyId=key, Description="")
    assert any_kms.describe_key(KeyId=key)["KeyMetadata"]["Description"] == ""
    managed = any_kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["KeyId"]
    any_kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    before = _state(cloud)
    assert _code(any_kms, lambda: any_kms.update_key_description(KeyId=key, Description="x")) == "KMSInvalidStateException"
    assert _code(any_kms, lambda: any_kms.update_key_description(KeyId=managed, Description="x")) == "UnsupportedOperationException"
    assert _state(cloud) == before
    other = _new_key(any_kms)
    before = _state(cloud)
    too_long = "d" * 8193
    assert _code(any_kms, lambda: any_kms.update_key_description(KeyId=other, Description=too_long)) == "ValidationException"
    assert _state(cloud) == before


def test_tags_are_added_replaced_removed_and_listed(any_kms):
    key = _new_key(any_kms)
    any_kms.tag_resource(KeyId=key, Tags=[{"TagKey": "team", "TagValue": "shop"}, {"TagKey": "env", "TagValue": ""}])
    any_kms.tag_resource(KeyId=key, Tags=[{"TagKey": "env", "TagValue": "prod"}])
    listed = any_kms.list_resource_tags(KeyId=key)
    assert listed["Tags"] == [{"TagKey": "team", "TagValue": "shop"}, {"TagKey": "env", "TagValue": "prod"}]
    assert listed["Truncated"] is False and "NextMarker" not in listed
    any_kms.untag_resource(KeyId=key, TagKeys=["team", "not-there"])  # a missing key is no error
    assert any_kms.list_resource_tags(KeyId=key)["Tags"] == [{"TagKey": "env", "TagValue": "prod"}]


def test_list_resource_tags_pages(any_kms):
    key = _new_key(any_kms)
    tags = [{"TagKey": f"k{i:02d}", "TagValue": str(i)} for i in range(5)]
    any_kms.tag_resource(KeyId=key, Tags=tags)
    first = any_kms.list_resource_tags(KeyId=key, Limit=2)
    assert first["Truncated"] is True and len(first["Tags"]) == 2
    seen, marker = list(first["Tags"]), first["NextMarker"]
    while marker:
        page = any_kms.list_resource_tags(KeyId=key, Limit=2, Marker=marker)
        seen += page["Tags"]
        marker = page.get("NextMarker")
    assert seen == tags
    assert _code(any_kms, lambda: any_kms.list_resource_tags(KeyId=key, Marker="nope")) == "InvalidMarkerException"
    assert _code(any_kms, lambda: any_kms.list_resource_tags(KeyId=key, Limit=51)) == "ValidationException"


def test_tag_refusals_change_nothing(cloud, any_kms):
    key = _new_key(any_kms)
    any_kms.tag_resource(KeyId=key, Tags=[{"TagKey": f"t{i}", "TagValue": "v"} for i in range(49)])
    doomed = _new_key(any_kms)
    any_kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    managed = any_kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["KeyId"]
    two_more = [{"TagKey": "x", "TagValue": "1"}, {"TagKey": "y", "TagValue": "2"}]
    before = _state(cloud)
    refusals = {
        "LimitExceededException": lambda: any_kms.tag_resource(KeyId=key, Tags=two_more),
        "TagException": lambda: any_kms.tag_resource(KeyId=key, Tags=[{"TagKey": "aws:owner", "TagValue": "me"}]),
        "ValidationException": lambda: any_kms.tag_resource(KeyId=key, Tags=[{"TagKey": "k" * 129, "TagValue": "v"}]),
        "KMSInvalidStateException": lambda: any_kms.untag_resource(KeyId=doomed, TagKeys=["t0"]),
        "UnsupportedOperationException": lambda: any_kms.tag_resource(KeyId=managed, Tags=two_more),
        "NotFoundException": lambda: any_kms.tag_resource(KeyId="alias/none", Tags=two_more),
    }
    for code, call in refusals.items():
        assert _code(any_kms, call) == code, code
    assert _state(cloud) == before
    # A pending-deletion key's tags stay readable.
    assert any_kms.list_resource_tags(KeyId=doomed)["Tags"] == []


def test_responses_match_botocore_shapes_and_are_logged(cloud):
    kms = cloud.client("kms", region_name="us-east-1")
    model = kms.meta.service_model
    key = _new_key(kms)
    other = _new_key(kms)
    kms.create_alias(AliasName="alias/shaped", TargetKeyId=key)
    calls = {
        "UpdateAlias": kms.update_alias(AliasName="alias/shaped", TargetKeyId=other),
        "TagResource": kms.tag_resource(KeyId=key, Tags=[{"TagKey": "a", "TagValue": "b"}]),
        "ListResourceTags": kms.list_resource_tags(KeyId=key),
        "UntagResource": kms.untag_resource(KeyId=key, TagKeys=["a"]),
        "UpdateKeyDescription": kms.update_key_description(KeyId=key, Description="shaped"),
        "ListAliases": kms.list_aliases(),
        "DeleteAlias": kms.delete_alias(AliasName="alias/shaped"),
    }
    for name, response in calls.items():
        output = model.operation_model(name).output_shape
        if output is not None:
            check_shape(response, output, name)
    logged = {e.operation: e.resource for e in cloud.events.calls("kms") if e.operation in calls}
    assert logged["TagResource"].endswith(key) and logged["UpdateAlias"].endswith(other)
