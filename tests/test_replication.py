"""Replica secrets through the direct model, from AWS's documented replication behaviour."""

from __future__ import annotations

from datetime import timedelta

import pytest

from secretkit.core.errors import ClientError
from secretkit.secretsmanager.replication import REPLICATION_LAG

ON_REPLICA = "Operation not permitted on a replica secret. Call must be made in primary secret's region."
EAST, WEST, EU = "us-east-1", "us-west-2", "eu-west-1"


def settle(cloud) -> None:
    cloud.clock.advance(seconds=REPLICATION_LAG.total_seconds() + 1)


def error(call, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value


@pytest.fixture
def west(cloud):
    return cloud.secretsmanager(WEST)


@pytest.fixture
def replicated(cloud, sm, west):
    """A secret in us-east-1 with one replica in us-west-2, in sync."""
    out = sm.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}])
    settle(cloud)
    return out


# ------------------------------------------------------------------- creating replicas
def test_create_reports_in_progress_then_in_sync_and_the_value_arrives(cloud, sm, west):
    out = sm.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}])
    assert out["ReplicationStatus"] == [{"Region": WEST, "KmsKeyId": "alias/aws/secretsmanager", "Status": "InProgress"}]
    assert error(west.get_secret_value, SecretId="app/db").code == "ResourceNotFoundException"
    settle(cloud)
    status = sm.describe_secret(SecretId="app/db")["ReplicationStatus"]
    assert [(s["Region"], s["Status"], s["StatusMessage"]) for s in status] == [(WEST, "InSync", "Replication succeeded")]
    got = west.get_secret_value(SecretId="app/db")
    assert got["SecretString"] == "v1"
    assert got["VersionId"] == out["VersionId"]
    assert got["VersionStages"] == ["AWSCURRENT"]


def test_replica_arn_is_the_primary_arn_with_the_region_swapped(cloud, sm, west, replicated):
    arn = replicated["ARN"]
    expected = arn.replace(":us-east-1:", ":us-west-2:")
    assert west.describe_secret(SecretId="app/db")["ARN"] == expected
    assert expected.rsplit("-", 1)[1] == arn.rsplit("-", 1)[1]  # the same 6-character suffix
    assert west.get_secret_value(SecretId=expected)["ARN"] == expected


def test_replica_is_encrypted_under_its_own_regions_default_key(cloud, sm, west, replicated):
    replica = west.find("app/db")
    primary = sm.find("app/db")
    vid = replicated["VersionId"]
    west_default = cloud.kms(WEST).resolve("alias/aws/secretsmanager")
    assert replica.versions[vid].sealed.key_arn == west_default.arn
    assert primary.versions[vid].sealed.key_arn.startswith("arn:aws:kms:us-east-1:")
    assert replica.versions[vid].sealed.ciphertext != primary.versions[vid].sealed.ciphertext


def test_replica_uses_the_named_key_in_its_region(cloud, sm, west):
    key = cloud.kms(WEST).create_key(Description="west key")["KeyMetadata"]
    out = sm.create_secret(Name="k", SecretString="v", AddReplicaRegions=[{"Region": WEST, "KmsKeyId": key["Arn"]}])
    assert out["ReplicationStatus"][0]["KmsKeyId"] == key["Arn"]
    settle(cloud)
    assert west.find("k").versions[out["VersionId"]].sealed.key_arn == key["Arn"]
    assert west.get_secret_value(SecretId="k")["SecretString"] == "v"
    # The replica depends on its own key only: disable it and only the replica stops reading.
    cloud.kms(WEST).disable_key(KeyId=key["KeyId"])
    assert error(west.get_secret_value, SecretId="k").code == "DecryptionFailure"
    assert sm.get_secret_value(SecretId="k")["SecretString"] == "v"


def test_a_replica_key_that_does_not_exist_fails_that_replica_only(cloud, sm, west):
    out = sm.create_secret(
        Name="k", SecretString="v", AddReplicaRegions=[{"Region": WEST, "KmsKeyId": "alias/missing"}, {"Region": EU}]
    )
    assert [s["Status"] for s in out["ReplicationStatus"]] == ["InProgress", "InProgress"]
    settle(cloud)
    status = {s["Region"]: s for s in sm.describe_secret(SecretId="k")["ReplicationStatus"]}
    assert status[WEST]["Status"] == "Failed"
    assert status[WEST]["StatusMessage"].startswith("Replication failed:")
    assert status[EU]["Status"] == "InSync"
    assert error(west.get_secret_value, SecretId="k").code == "ResourceNotFoundException"
    assert cloud.secretsmanager(EU).get_secret_value(SecretId="k")["SecretString"] == "v"


def test_describe_shows_primary_region_on_the_replica_and_status_on_the_primary(cloud, sm, west, replicated):
    assert west.describe_secret(SecretId="app/db")["PrimaryRegion"] == EAST
    assert "ReplicationStatus" not in west.describe_secret(SecretId="app/db")
    assert "PrimaryRegion" not in sm.describe_secret(SecretId="app/db")
    entry = sm.describe_secret(SecretId="app/db")["ReplicationStatus"][0]
    assert "LastAccessedDate" not in entry
    cloud.clock.advance(days=1)
    west.get_secret_value(SecretId="app/db")
    entry = sm.describe_secret(SecretId="app/db")["ReplicationStatus"][0]
    assert entry["LastAccessedDate"] == cloud.clock.now.replace(hour=0, minute=0, second=0, microsecond=0)


def test_list_secrets_primary_region_filter_finds_replicas_in_the_replica_region(west, replicated):
    found = west.list_secrets(Filters=[{"Key": "primary-region", "Values": [EAST]}])["SecretList"]
    assert [s["Name"] for s in found] == ["app/db"]


# ------------------------------------------------------------------- validation
@pytest.mark.parametrize("region", [EAST, "mars-north-1", "xx-fake-9"])
def test_an_invalid_replica_region_is_refused_and_nothing_is_created(sm, region):
    err = error(sm.create_secret, Name="x", SecretString="v", AddReplicaRegions=[{"Region": region}])
    assert (err.code, err.message) == ("InvalidParameterException", "Invalid replica region.")
    assert error(sm.describe_secret, SecretId="x").code == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "regions, code",
    [
        ([], "ValidationException"),
        ("us-west-2", "ValidationException"),
        ([{"KmsKeyId": "k"}], "ValidationException"),
        ([{"Region": WEST, "Color": "red"}], "ValidationException"),
        ([{"Region": 5}], "ValidationException"),
        ([{"Region": "not a region"}], "ValidationException"),
        ([{"Region": WEST}, {"Region": WEST}], "InvalidParameterException"),
    ],
)
def test_malformed_add_replica_regions(sm, regions, code):
    err = error(sm.create_secret, Name="x", SecretString="v", AddReplicaRegions=regions)
    assert err.code == code
    assert error(sm.describe_secret, SecretId="x").code == "ResourceNotFoundException"


def test_replicate_validates_everything_before_adding_anything(cloud, sm, west):
    sm.create_secret(Name="x", SecretString="v")
    err = error(sm.replicate_secret_to_regions, SecretId="x", AddReplicaRegions=[{"Region": WEST}, {"Region": EAST}])
    assert err.code == "InvalidParameterException"
    assert "ReplicationStatus" not in sm.describe_secret(SecretId="x")
    settle(cloud)
    assert error(west.describe_secret, SecretId="x").code == "ResourceNotFoundException"


def test_replicate_to_a_region_already_replicated_is_refused(sm, replicated):
    err = error(sm.replicate_secret_to_regions, SecretId="app/db", AddReplicaRegions=[{"Region": WEST}])
    assert err.code == "InvalidParameterException"
    assert len(sm.describe_secret(SecretId="app/db")["ReplicationStatus"]) == 1


def test_replicate_an_existing_secret(cloud, sm):
    sm.create_secret(Name="x", SecretString="v")
    out = sm.replicate_secret_to_regions(SecretId="x", AddReplicaRegions=[{"Region": EU}])
    assert out["ARN"] == sm.find("x").arn
    assert out["ReplicationStatus"][0]["Status"] == "InProgress"
    settle(cloud)
    assert cloud.secretsmanager(EU).get_secret_value(SecretId="x")["SecretString"] == "v"


def test_replicate_an_unknown_secret(sm):
    assert error(sm.replicate_secret_to_regions, SecretId="nope", AddReplicaRegions=[{"Region": WEST}]).code == "ResourceNotFoundException"


# ------------------------------------------------------------------- sync
def test_every_change_on_the_primary_reaches_the_replica_after_the_lag(cloud, sm, west, replicated):
    put = sm.put_secret_value(SecretId="app/db", SecretString="v2", VersionStages=["AWSCURRENT", "BLUE"])
    sm.update_secret(SecretId="app/db", Description="the database")
    sm.tag_resource(SecretId="app/db", Tags=[{"Key": "team", "Value": "data"}])
    assert sm.describe_secret(SecretId="app/db")["ReplicationStatus"][0]["Status"] == "InProgress"
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v1"  # not yet
    cloud.clock.advance(seconds=REPLICATION_LAG.total_seconds() - 5)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
    settle(cloud)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v2"
    p, r = sm.describe_secret(SecretId="app/db"), west.describe_secret(SecretId="app/db")
    assert r["VersionIdsToStages"] == p["VersionIdsToStages"]
    assert r["VersionIdsToStages"][put["VersionId"]] == ["AWSCURRENT", "BLUE"]
    assert r["Description"] == "the database"
    assert r["Tags"] == [{"Key": "team", "Value": "data"}]
    assert west.get_secret_value(SecretId="app/db", VersionStage="AWSPREVIOUS")["SecretString"] == "v1"
    assert p["ReplicationStatus"][0]["Status"] == "InSync"


def test_label_moves_and_removals_are_mirrored(cloud, sm, west, replicated):
    first = replicated["VersionId"]
    second = sm.put_secret_value(SecretId="app/db", SecretString="v2")["VersionId"]
    sm.update_secret_version_stage(SecretId="app/db", VersionStage="AWSCURRENT", MoveToVersionId=first, RemoveFromVersionId=second)
    sm.untag_resource(SecretId="app/db", TagKeys=["none"])
    settle(cloud)
    assert west.get_secret_value(SecretId="app/db")["VersionId"] == first
    assert west.describe_secret(SecretId="app/db")["VersionIdsToStages"] == sm.describe_secret(SecretId="app/db")["VersionIdsToStages"]


# ------------------------------------------------------------------- refusals
WRITES = [
    ("put_secret_value", {"SecretString": "x"}),
    ("update_secret", {"Description": "x"}),
    ("update_secret_version_stage", {"VersionStage": "X", "MoveToVersionId": "a" * 32}),
    ("tag_resource", {"Tags": [{"Key": "k", "Value": "v"}]}),
    ("untag_resource", {"TagKeys": ["k"]}),
    ("delete_secret", {}),
    ("restore_secret", {}),
    ("put_resource_policy", {"ResourcePolicy": '{"Version":"2012-10-17","Statement":[]}'}),
    ("replicate_secret_to_regions", {"AddReplicaRegions": [{"Region": EU}]}),
    ("remove_regions_from_replication", {"RemoveReplicaRegions": [EAST]}),
]


@pytest.mark.parametrize("method, kwargs", WRITES, ids=[w[0] for w in WRITES])
def test_writes_on_a_replica_are_refused_and_change_nothing(west, replicated, method, kwargs):
    before = west.describe_secret(SecretId="app/db")
    err = error(getattr(west, method), SecretId="app/db", **kwargs)
    assert (err.code, err.message) == ("InvalidParameterException", ON_REPLICA)
    assert west.describe_secret(SecretId="app/db") == before
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v1"


def test_a_primary_with_replicas_cannot_be_deleted_until_they_are_removed(cloud, sm, west, replicated):
    err = error(sm.delete_secret, SecretId="app/db")
    assert err.code == "InvalidParameterException"
    assert err.message == f"You can't delete secret {replicated['ARN']} that still has replica regions [{WEST}]."
    out = sm.remove_regions_from_replication(SecretId="app/db", RemoveReplicaRegions=[WEST])
    assert out == {"ARN": replicated["ARN"], "ReplicationStatus": []}
    assert error(west.describe_secret, SecretId="app/db").code == "ResourceNotFoundException"  # gone at once
    assert "ReplicationStatus" not in sm.describe_secret(SecretId="app/db")
    again = sm.remove_regions_from_replication(SecretId="app/db", RemoveReplicaRegions=[WEST])  # harmless
    assert again["ReplicationStatus"] == []
    sm.delete_secret(SecretId="app/db")
    assert sm.describe_secret(SecretId="app/db")["DeletedDate"] == cloud.clock.now


def test_remove_regions_validates_its_input(sm, replicated):
    assert error(sm.remove_regions_from_replication, SecretId="app/db", RemoveReplicaRegions=[]).code == "ValidationException"
    assert error(sm.remove_regions_from_replication, SecretId="app/db", RemoveReplicaRegions=[3]).code == "ValidationException"
    assert error(sm.remove_regions_from_replication, SecretId="app/db", RemoveReplicaRegions=["West"]).code == "ValidationException"
    assert len(sm.describe_secret(SecretId="app/db")["ReplicationStatus"]) == 1


# ------------------------------------------------------------------- name clashes
def test_a_name_taken_in_the_target_region_fails_that_replica(cloud, sm, west):
    west.create_secret(Name="app/db", SecretString="local")
    out = sm.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}])
    entry = out["ReplicationStatus"][0]
    assert entry["Status"] == "Failed"
    assert entry["StatusMessage"] == f"Replication failed: Secret name app/db already exists in region {WEST}."
    settle(cloud)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "local"
    assert "PrimaryRegion" not in west.describe_secret(SecretId="app/db")


def test_force_overwrite_replaces_the_secret_in_the_target_region(cloud, sm, west):
    west.create_secret(Name="app/db", SecretString="local")
    out = sm.create_secret(
        Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}], ForceOverwriteReplicaSecret=True
    )
    assert out["ReplicationStatus"][0]["Status"] == "InProgress"
    settle(cloud)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
    assert west.describe_secret(SecretId="app/db")["PrimaryRegion"] == EAST
    assert sm.describe_secret(SecretId="app/db")["ReplicationStatus"][0]["Status"] == "InSync"


# ------------------------------------------------------------------- promotion
def test_stop_replication_must_be_called_in_the_replica_region(sm, replicated):
    err = error(sm.stop_replication_to_replica, SecretId="app/db")
    assert err.code == "InvalidRequestException"
    assert error(sm.stop_replication_to_replica, SecretId="nope").code == "ResourceNotFoundException"


def test_promotion_makes_the_replica_writable_and_independent(cloud, sm, west, replicated):
    out = west.stop_replication_to_replica(SecretId="app/db")
    assert out == {"ARN": replicated["ARN"].replace(EAST, WEST)}
    assert "PrimaryRegion" not in west.describe_secret(SecretId="app/db")
    assert "ReplicationStatus" not in sm.describe_secret(SecretId="app/db")  # the primary forgot it
    west.put_secret_value(SecretId="app/db", SecretString="west-only")
    sm.put_secret_value(SecretId="app/db", SecretString="east-only")
    settle(cloud)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "west-only"
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "east-only"
    # Each is now a plain secret: both may be deleted.
    sm.delete_secret(SecretId="app/db", ForceDeleteWithoutRecovery=True)
    west.delete_secret(SecretId="app/db", ForceDeleteWithoutRecovery=True)
    assert error(west.describe_secret, SecretId="app/db").code == "ResourceNotFoundException"


def test_promotion_while_behind_is_reported(cloud, sm, west, replicated):
    sm.put_secret_value(SecretId="app/db", SecretString="v2")
    west.stop_replication_to_replica(SecretId="app/db")
    notices = cloud.events.select(kind="notice", operation="ReplicaPromotedBehind")
    assert len(notices) == 1 and notices[0].detail["primary_region"] == EAST
    settle(cloud)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v1"  # v2 never arrived ...
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v2"  # ... and is not lost


# ------------------------------------------------------------------- lifecycle events
def test_replicas_are_billed_in_their_region_from_landing_to_removal(cloud, sm, west, replicated):
    starts = cloud.events.select(kind="lifecycle", region=WEST, operation="start")
    assert [(e.detail["type"], e.resource) for e in starts] == [("replica-secret", west.find("app/db").arn)]
    assert starts[0].time == cloud.start + REPLICATION_LAG
    sm.remove_regions_from_replication(SecretId="app/db", RemoveReplicaRegions=[WEST])
    stops = cloud.events.select(kind="lifecycle", region=WEST, operation="stop")
    assert [e.detail["type"] for e in stops] == ["replica-secret"]


def test_promotion_turns_a_replica_secret_into_a_secret_for_the_meter(cloud, west, replicated):
    west.stop_replication_to_replica(SecretId="app/db")
    events = [(e.operation, e.detail["type"]) for e in cloud.events.select(kind="lifecycle", region=WEST)]
    assert events == [("start", "replica-secret"), ("stop", "replica-secret"), ("start", "secret")]


def test_sync_timing_is_on_the_simulated_clock(cloud, sm, west):
    sm.create_secret(Name="t", SecretString="v", AddReplicaRegions=[{"Region": WEST}])
    cloud.clock.advance(seconds=REPLICATION_LAG.total_seconds() - 1)
    assert sm.describe_secret(SecretId="t")["ReplicationStatus"][0]["Status"] == "InProgress"
    cloud.clock.advance(seconds=1)
    assert sm.describe_secret(SecretId="t")["ReplicationStatus"][0]["Status"] == "InSync"
    assert REPLICATION_LAG <= timedelta(minutes=1)


def test_replicating_again_onto_a_promoted_copy_clashes_and_removal_spares_it(cloud, sm, west, replicated):
    west.stop_replication_to_replica(SecretId="app/db")
    west.put_secret_value(SecretId="app/db", SecretString="west-only")
    out = sm.replicate_secret_to_regions(SecretId="app/db", AddReplicaRegions=[{"Region": WEST}])
    assert out["ReplicationStatus"][0]["Status"] == "Failed"
    sm.remove_regions_from_replication(SecretId="app/db", RemoveReplicaRegions=[WEST])
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "west-only"


def test_a_primary_key_that_cannot_decrypt_fails_the_copy_and_the_replica_keeps_its_value(cloud, sm, west):
    key = cloud.kms(EAST).create_key()["KeyMetadata"]
    sm.create_secret(Name="k", SecretString="v1", KmsKeyId=key["Arn"], AddReplicaRegions=[{"Region": WEST}])
    settle(cloud)
    sm.put_secret_value(SecretId="k", SecretString="v2")
    cloud.kms(EAST).disable_key(KeyId=key["KeyId"])
    settle(cloud)
    entry = sm.describe_secret(SecretId="k")["ReplicationStatus"][0]
    assert entry["Status"] == "Failed" and entry["StatusMessage"].startswith("Replication failed:")
    assert west.get_secret_value(SecretId="k")["SecretString"] == "v1"
    cloud.kms(EAST).enable_key(KeyId=key["KeyId"])
    sm.update_secret(SecretId="k", Description="retry")  # the next change retries the copy
    settle(cloud)
    assert sm.describe_secret(SecretId="k")["ReplicationStatus"][0]["Status"] == "InSync"
    assert west.get_secret_value(SecretId="k")["SecretString"] == "v2"


def test_replication_calls_and_status_changes_are_in_the_event_log(cloud, sm, west, replicated):
    sm.replicate_secret_to_regions(SecretId="app/db", AddReplicaRegions=[{"Region": EU}])
    sm.remove_regions_from_replication(SecretId="app/db", RemoveReplicaRegions=[EU])
    west.stop_replication_to_replica(SecretId="app/db")
    calls = [(e.region, e.operation) for e in cloud.events.select(kind="call", service="secretsmanager")]
    assert (EAST, "ReplicateSecretToRegions") in calls
    assert (EAST, "RemoveRegionsFromReplication") in calls
    assert (WEST, "StopReplicationToReplica") in calls
    statuses = [e.detail["status"] for e in cloud.events.select(kind="notice", operation="ReplicationStatus")]
    assert statuses[:1] == ["InSync"]
    assert all("v1" not in str(e.detail) for e in cloud.events)  # never a secret value


def test_operations_take_keyword_arguments_only(sm, replicated):
    with pytest.raises(TypeError):
        sm.replicate_secret_to_regions("app/db", [{"Region": EU}])


def test_resource_policy_changes_reach_the_replica(cloud, sm, west, replicated):
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},'
        '"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}'
    )
    sm.put_resource_policy(SecretId="app/db", ResourcePolicy=policy)
    assert "ResourcePolicy" not in west.get_resource_policy(SecretId="app/db")
    settle(cloud)
    assert west.get_resource_policy(SecretId="app/db")["ResourcePolicy"] == policy
    sm.delete_resource_policy(SecretId="app/db")
    settle(cloud)
    assert "ResourcePolicy" not in west.get_resource_policy(SecretId="app/db")


def test_a_sync_re_encrypts_only_what_changed(cloud, sm, west, replicated):
    first = replicated["VersionId"]
    sealed_before = west.find("app/db").versions[first].sealed
    kms_before = len(cloud.events.select(kind="call", service="kms"))
    sm.put_secret_value(SecretId="app/db", SecretString="v2")
    settle(cloud)
    assert west.find("app/db").versions[first].sealed is sealed_before
    kms = cloud.events.select(kind="call", service="kms")[kms_before:]
    # The put: one data key in us-east-1. The copy: one Decrypt there, one data key in us-west-2.
    assert sorted((e.region, e.operation) for e in kms) == [
        (EAST, "Decrypt"), (EAST, "GenerateDataKey"), (WEST, "GenerateDataKey"),
    ]
