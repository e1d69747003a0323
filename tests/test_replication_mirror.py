"""After sync, a replica mirrors its primary exactly, whatever sequence of changes came first."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import secretkit
from secretkit.core.errors import ClientError
from secretkit.secretsmanager.replication import REPLICATION_LAG

EAST, WEST = "us-east-1", "us-west-2"

step = st.one_of(
    st.tuples(st.just("put"), st.sampled_from([None, ["AWSCURRENT"], ["BLUE"], ["GREEN", "AWSCURRENT"]])),
    st.tuples(st.just("move"), st.sampled_from(["BLUE", "GREEN", "AWSCURRENT"])),
    st.tuples(st.just("drop"), st.sampled_from(["BLUE", "GREEN"])),
    st.tuples(st.just("tag"), st.sampled_from(["a", "b"])),
    st.tuples(st.just("describe"), st.text("abc ", max_size=5)),
    st.tuples(st.just("wait"), st.sampled_from([1, 10, 40])),
    st.tuples(st.just("outage"), st.sampled_from([EAST, WEST])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=12))
def test_replica_mirrors_versions_labels_values_and_metadata(steps):
    cloud = secretkit.Cloud(seed=1)
    sm, west = cloud.secretsmanager(EAST), cloud.secretsmanager(WEST)
    sm.create_secret(Name="m", SecretString="v0", AddReplicaRegions=[{"Region": WEST}])
    values: dict[str, str] = {}
    for n, (kind, arg) in enumerate(steps):
        try:
            if kind == "put":
                kwargs = {"VersionStages": arg} if arg else {}
                vid = sm.put_secret_value(SecretId="m", SecretString=f"v{n}", **kwargs)["VersionId"]
                values[vid] = f"v{n}"
            elif kind == "move" and values:
                target = sorted(values)[n % len(values)]
                holder = sm.find("m").labels.get(arg)
                sm.update_secret_version_stage(SecretId="m", VersionStage=arg, MoveToVersionId=target, RemoveFromVersionId=holder)
            elif kind == "drop":
                holder = sm.find("m").labels.get(arg)
                if holder:
                    sm.update_secret_version_stage(SecretId="m", VersionStage=arg, RemoveFromVersionId=holder)
            elif kind == "tag":
                sm.tag_resource(SecretId="m", Tags=[{"Key": arg, "Value": str(n)}])
            elif kind == "describe":
                sm.update_secret(SecretId="m", Description=arg)
            elif kind == "wait":
                cloud.clock.advance(seconds=arg)
            elif kind == "outage":
                cloud.outage(arg)
                cloud.clock.advance(seconds=45)
                cloud.recover(arg)
        except secretkit.RegionUnavailableError:
            raise AssertionError("no step runs while a region is down")
        except ClientError:
            pass  # a refused step changes nothing; the mirror must still hold
    cloud.clock.advance(seconds=REPLICATION_LAG.total_seconds() + 1)
    primary, replica = sm.find("m"), west.find("m")
    assert list(replica.versions) == list(primary.versions)
    assert replica.labels == primary.labels
    assert replica.description == primary.description and replica.tags == primary.tags
    for vid, version in primary.versions.items():
        if version.has_value:
            assert west.open_value(replica, replica.versions[vid]) == sm.open_value(primary, version)
            assert replica.versions[vid].sealed.key_arn.startswith("arn:aws:kms:us-west-2:")
    assert sm.describe_secret(SecretId="m")["ReplicationStatus"][0]["Status"] == "InSync"
    assert sm.sync_backlog() == []
