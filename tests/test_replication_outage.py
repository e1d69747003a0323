"""Replication across regional outages: waits, catches up, and never loses what was synced."""

from __future__ import annotations

import pytest

from secretkit.core.errors import ClientError
from secretkit.core.service import RegionUnavailableError
from secretkit.secretsmanager.replication import REPLICATION_LAG

EAST, WEST, EU = "us-east-1", "us-west-2", "eu-west-1"


def settle(cloud) -> None:
    cloud.clock.advance(seconds=REPLICATION_LAG.total_seconds() + 1)


@pytest.fixture
def west(cloud):
    return cloud.secretsmanager(WEST)


@pytest.fixture
def replicated(cloud, sm, west):
    out = sm.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}])
    settle(cloud)
    return out


def status(sm) -> dict:
    return sm.describe_secret(SecretId="app/db")["ReplicationStatus"][0]


def test_every_call_to_a_down_region_fails_as_unreachable(cloud, west, replicated):
    cloud.outage(WEST)
    for call, kwargs in [
        (west.get_secret_value, {"SecretId": "app/db"}),
        (west.describe_secret, {"SecretId": "app/db"}),
        (west.stop_replication_to_replica, {"SecretId": "app/db"}),
        (west.list_secrets, {}),
    ]:
        with pytest.raises(RegionUnavailableError) as info:
            call(**kwargs)
        assert "secretsmanager.us-west-2.amazonaws.com" in str(info.value)
    cloud.recover(WEST)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v1"


def test_sync_into_a_down_region_waits_and_says_why_then_catches_up(cloud, sm, west, replicated):
    cloud.outage(WEST)
    put = sm.put_secret_value(SecretId="app/db", SecretString="v2")
    settle(cloud)
    entry = status(sm)
    assert entry["Status"] == "InProgress"
    assert WEST in entry["StatusMessage"] and "unreachable" in entry["StatusMessage"]
    cloud.clock.advance(hours=2)
    assert status(sm)["Status"] == "InProgress"  # still waiting, no matter how long
    backlog = sm.sync_backlog()
    assert [(b["Region"], b["WaitingFor"]) for b in backlog] == [(WEST, WEST)]
    cloud.recover(WEST)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v1"  # recovered, copy not landed yet
    settle(cloud)
    assert status(sm) == {"Region": WEST, "KmsKeyId": "alias/aws/secretsmanager", "Status": "InSync",
                          "StatusMessage": "Replication succeeded", "LastAccessedDate": status(sm)["LastAccessedDate"]}
    assert west.get_secret_value(SecretId="app/db")["VersionId"] == put["VersionId"]
    assert sm.sync_backlog() == []


def test_changes_during_the_outage_travel_together_when_it_ends(cloud, sm, west, replicated):
    cloud.outage(WEST)
    for i in range(2, 6):
        sm.put_secret_value(SecretId="app/db", SecretString=f"v{i}")
        settle(cloud)
    sm.update_secret(SecretId="app/db", Description="changed during the outage")
    settle(cloud)
    cloud.recover(WEST)
    settle(cloud)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v5"
    assert west.get_secret_value(SecretId="app/db", VersionStage="AWSPREVIOUS")["SecretString"] == "v4"
    assert west.describe_secret(SecretId="app/db")["Description"] == "changed during the outage"


def test_an_outage_of_one_replica_region_does_not_hold_back_the_others(cloud, sm, west):
    sm.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}, {"Region": EU}])
    cloud.outage(WEST)
    settle(cloud)
    by_region = {s["Region"]: s["Status"] for s in sm.describe_secret(SecretId="app/db")["ReplicationStatus"]}
    assert by_region == {WEST: "InProgress", EU: "InSync"}
    assert cloud.secretsmanager(EU).get_secret_value(SecretId="app/db")["SecretString"] == "v1"


def test_a_write_just_before_the_primary_goes_down_is_reported_not_dropped(cloud, sm, west, replicated):
    written_at = cloud.clock.now
    sm.put_secret_value(SecretId="app/db", SecretString="v2")
    cloud.outage(EAST)
    settle(cloud)
    with pytest.raises(RegionUnavailableError):
        sm.put_secret_value(SecretId="app/db", SecretString="v3")
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v1"  # v2 never left
    backlog = sm.sync_backlog()  # a plain method: usable while the region is down
    assert len(backlog) == 1
    assert backlog[0]["Region"] == WEST and backlog[0]["WaitingFor"] == EAST
    assert backlog[0]["UnsyncedSince"] == written_at
    notices = [e for e in cloud.events.select(kind="notice", operation="ReplicationStatus") if EAST in e.detail.get("message", "")]
    assert notices, "the wait must be visible in the event log"
    cloud.recover(EAST)
    settle(cloud)
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v2"
    assert sm.sync_backlog() == []


def test_no_synced_data_is_lost_across_outages_of_either_region(cloud, sm, west, replicated):
    written = {replicated["VersionId"]: "v1"}
    for i, down in enumerate([EAST, WEST, EAST], start=2):
        out = sm.put_secret_value(SecretId="app/db", SecretString=f"v{i}", VersionStages=[f"S{i}"])
        written[out["VersionId"]] = f"v{i}"
        settle(cloud)
        cloud.outage(down)
        cloud.clock.advance(hours=1)
        cloud.recover(down)
        settle(cloud)
    for vid, value in written.items():
        assert sm.get_secret_value(SecretId="app/db", VersionId=vid)["SecretString"] == value
        assert west.get_secret_value(SecretId="app/db", VersionId=vid)["SecretString"] == value
    assert status(sm)["Status"] == "InSync"


def test_promotion_during_a_primary_outage_lets_writes_resume(cloud, sm, west, replicated):
    sm.put_secret_value(SecretId="app/db", SecretString="v2")
    settle(cloud)
    cloud.outage(EAST)
    with pytest.raises(ClientError) as info:
        west.put_secret_value(SecretId="app/db", SecretString="v3")
    assert info.value.code == "InvalidParameterException"
    west.stop_replication_to_replica(SecretId="app/db")
    west.put_secret_value(SecretId="app/db", SecretString="v3")
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v3"
    cloud.recover(EAST)
    settle(cloud)
    # The old primary is back, unchanged and no longer replicating; the promoted copy keeps its write.
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "v2"
    assert "ReplicationStatus" not in sm.describe_secret(SecretId="app/db")
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "v3"


def test_removing_a_region_while_its_copy_waits_cancels_the_copy(cloud, sm, west, replicated):
    cloud.outage(WEST)
    sm.put_secret_value(SecretId="app/db", SecretString="v2")
    settle(cloud)
    sm.remove_regions_from_replication(SecretId="app/db", RemoveReplicaRegions=[WEST])
    cloud.recover(WEST)
    settle(cloud)
    with pytest.raises(ClientError) as info:
        west.get_secret_value(SecretId="app/db")
    assert info.value.code == "ResourceNotFoundException"
    assert sm.sync_backlog() == []
