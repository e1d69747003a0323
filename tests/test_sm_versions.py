"""Secrets Manager versions and staging labels, as AWS documents them."""

import pytest

from secretkit.core.errors import ClientError

TOKEN_A = "a" * 32
TOKEN_B = "b" * 32


def code(e) -> str:
    return e.value.response["Error"]["Code"]


def msg(e) -> str:
    return e.value.response["Error"]["Message"]


def stages(sm, name="s"):
    return sm.describe_secret(SecretId=name)["VersionIdsToStages"]


def test_create_with_value_makes_awscurrent(sm):
    out = sm.create_secret(Name="s", SecretString="v1")
    assert stages(sm) == {out["VersionId"]: ["AWSCURRENT"]}
    got = sm.get_secret_value(SecretId="s")
    assert got["SecretString"] == "v1" and got["VersionStages"] == ["AWSCURRENT"]


def test_create_without_value_has_no_version(sm):
    out = sm.create_secret(Name="s")
    assert "VersionId" not in out
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s")
    assert code(e) == "ResourceNotFoundException"
    assert msg(e) == "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"
    first = sm.put_secret_value(SecretId="s", SecretString="v1")
    assert first["VersionStages"] == ["AWSCURRENT"]


def test_put_moves_current_and_previous(sm):
    v1 = sm.create_secret(Name="s", SecretString="v1")["VersionId"]
    v2 = sm.put_secret_value(SecretId="s", SecretString="v2")["VersionId"]
    v3 = sm.put_secret_value(SecretId="s", SecretString="v3")["VersionId"]
    assert stages(sm) == {v2: ["AWSPREVIOUS"], v3: ["AWSCURRENT"]}
    assert v1 not in stages(sm)
    # The deprecated v1 is still readable by id.
    assert sm.get_secret_value(SecretId="s", VersionId=v1)["SecretString"] == "v1"
    assert sm.get_secret_value(SecretId="s", VersionStage="AWSPREVIOUS")["SecretString"] == "v2"


def test_put_with_custom_stage_does_not_move_current(sm):
    v1 = sm.create_secret(Name="s", SecretString="v1")["VersionId"]
    v2 = sm.put_secret_value(SecretId="s", SecretString="v2", VersionStages=["AWSPENDING"])["VersionId"]
    assert stages(sm) == {v1: ["AWSCURRENT"], v2: ["AWSPENDING"]}
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "v1"
    v3 = sm.put_secret_value(SecretId="s", SecretString="v3", VersionStages=["AWSPENDING", "blue"])["VersionId"]
    assert stages(sm) == {v1: ["AWSCURRENT"], v3: ["AWSPENDING", "blue"]}


def test_update_secret_with_value_moves_current(sm):
    v1 = sm.create_secret(Name="s", SecretString="v1")["VersionId"]
    out = sm.update_secret(SecretId="s", SecretString="v2", Description="d")
    assert stages(sm) == {v1: ["AWSPREVIOUS"], out["VersionId"]: ["AWSCURRENT"]}
    only_desc = sm.update_secret(SecretId="s", Description="new")
    assert "VersionId" not in only_desc
    assert sm.describe_secret(SecretId="s")["Description"] == "new"


def test_update_version_stage_requires_remove_from_when_attached(sm):
    v1 = sm.create_secret(Name="s", SecretString="v1")["VersionId"]
    v2 = sm.put_secret_value(SecretId="s", SecretString="v2", VersionStages=["AWSPENDING"])["VersionId"]
    with pytest.raises(ClientError) as e:
        sm.update_secret_version_stage(SecretId="s", VersionStage="AWSCURRENT", MoveToVersionId=v2)
    assert code(e) == "InvalidParameterException"
    assert msg(e) == (
        "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to "
        f"version {v1}, so you must explicitly reference that version in RemoveFromVersionId."
    )
    sm.update_secret_version_stage(SecretId="s", VersionStage="AWSCURRENT", MoveToVersionId=v2, RemoveFromVersionId=v1)
    # AWS-verified: AWSPENDING stays where it was; the old current becomes AWSPREVIOUS only.
    assert stages(sm) == {v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT", "AWSPENDING"]}
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "v2"


def test_update_version_stage_removes_custom_label(sm):
    v1 = sm.create_secret(Name="s", SecretString="v1")["VersionId"]
    sm.update_secret_version_stage(SecretId="s", VersionStage="blue", MoveToVersionId=v1)
    assert stages(sm) == {v1: ["AWSCURRENT", "blue"]}
    sm.update_secret_version_stage(SecretId="s", VersionStage="blue", RemoveFromVersionId=v1)
    assert stages(sm) == {v1: ["AWSCURRENT"]}


def test_awscurrent_cannot_be_removed_without_moving(sm):
    v1 = sm.create_secret(Name="s", SecretString="v1")["VersionId"]
    with pytest.raises(ClientError) as e:
        sm.update_secret_version_stage(SecretId="s", VersionStage="AWSCURRENT", RemoveFromVersionId=v1)
    assert code(e) == "InvalidParameterException"
    assert stages(sm) == {v1: ["AWSCURRENT"]}


def test_remove_from_must_hold_the_label(sm):
    v1 = sm.create_secret(Name="s", SecretString="v1")["VersionId"]
    v2 = sm.put_secret_value(SecretId="s", SecretString="v2", VersionStages=["x"])["VersionId"]
    with pytest.raises(ClientError) as e:
        sm.update_secret_version_stage(SecretId="s", VersionStage="AWSCURRENT", MoveToVersionId=v2, RemoveFromVersionId=v2)
    assert code(e) == "InvalidParameterException"
    assert stages(sm) == {v1: ["AWSCURRENT"], v2: ["x"]}


def test_get_by_id_and_stage_must_agree(sm):
    v1 = sm.create_secret(Name="s", SecretString="v1")["VersionId"]
    sm.put_secret_value(SecretId="s", SecretString="v2")
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s", VersionId=v1, VersionStage="AWSCURRENT")
    assert code(e) == "InvalidRequestException"
    assert msg(e) == "You provided a VersionStage that is not associated to the provided VersionId."
    assert sm.get_secret_value(SecretId="s", VersionId=v1, VersionStage="AWSPREVIOUS")["SecretString"] == "v1"
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s", VersionId="f" * 32)
    assert code(e) == "ResourceNotFoundException"
    assert msg(e) == f"Secrets Manager can't find the specified secret value for VersionId: {'f' * 32}"


def test_binary_secrets_round_trip(sm):
    sm.create_secret(Name="b", SecretBinary=b"\x00\xffkey")
    got = sm.get_secret_value(SecretId="b")
    assert got["SecretBinary"] == b"\x00\xffkey" and "SecretString" not in got
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name="both", SecretString="x", SecretBinary=b"y")
    assert code(e) == "InvalidParameterException"


def test_list_secret_version_ids_hides_deprecated_unless_asked(sm):
    v1 = sm.create_secret(Name="s", SecretString="v1")["VersionId"]
    sm.put_secret_value(SecretId="s", SecretString="v2")
    v3 = sm.put_secret_value(SecretId="s", SecretString="v3")["VersionId"]
    listed = [v["VersionId"] for v in sm.list_secret_version_ids(SecretId="s")["Versions"]]
    assert v1 not in listed and v3 in listed and len(listed) == 2
    everything = sm.list_secret_version_ids(SecretId="s", IncludeDeprecated=True)["Versions"]
    assert len(everything) == 3
    entry = next(v for v in everything if v["VersionId"] == v1)
    assert "VersionStages" not in entry and entry["KmsKeyIds"][0].startswith("arn:aws:kms:us-east-1:")


def all_versions(sm, name="s"):
    out, token = [], None
    while True:
        page = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True, **({"NextToken": token} if token else {}))
        out += page["Versions"]
        token = page.get("NextToken")
        if not token:
            return out


def test_version_retention_keeps_young_versions_then_prunes_beyond_100(cloud, sm):
    first = sm.create_secret(Name="s", SecretString="v0")["VersionId"]
    for i in range(1, 106):
        sm.put_secret_value(SecretId="s", SecretString=f"v{i}")
    # Everything is younger than 24 hours: nothing may go yet.
    assert len(all_versions(sm)) == 106
    cloud.clock.advance(days=2)
    sm.put_secret_value(SecretId="s", SecretString="v106")
    kept = all_versions(sm)
    assert len(kept) == 102  # 100 deprecated + AWSPREVIOUS + AWSCURRENT
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s", VersionId=first)
    assert code(e) == "ResourceNotFoundException"


def test_at_most_20_labels_per_secret(sm):
    sm.create_secret(Name="s", SecretString="v")
    for i in range(18):
        sm.put_secret_value(SecretId="s", SecretString=f"x{i}", VersionStages=[f"L{i}"])
    with pytest.raises(ClientError) as e:
        sm.put_secret_value(SecretId="s", SecretString="y", VersionStages=["one-too-many", "and-another"])
    assert code(e) == "LimitExceededException"


def test_first_version_always_gets_awscurrent(sm):
    sm.create_secret(Name="s")
    out = sm.put_secret_value(SecretId="s", SecretString="v1", VersionStages=["AWSPENDING"])
    assert out["VersionStages"] == ["AWSPENDING", "AWSCURRENT"]
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "v1"
