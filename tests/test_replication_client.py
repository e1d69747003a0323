"""Replication through genuine boto3 clients: what a student's code sees against AWS."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from secretkit.secretsmanager.replication import REPLICATION_LAG

EAST, WEST = "us-east-1", "us-west-2"


def settle(cloud) -> None:
    cloud.clock.advance(seconds=REPLICATION_LAG.total_seconds() + 1)


@pytest.fixture
def west_client(cloud):
    return cloud.client("secretsmanager", region_name=WEST)


def test_create_with_replica_then_read_in_the_replica_region(cloud, client, west_client):
    out = client.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}])
    assert out["ReplicationStatus"] == [{"Region": WEST, "KmsKeyId": "alias/aws/secretsmanager", "Status": "InProgress"}]
    settle(cloud)
    got = west_client.get_secret_value(SecretId="app/db")
    assert got["SecretString"] == "v1"
    assert got["ARN"] == out["ARN"].replace(EAST, WEST)
    described = west_client.describe_secret(SecretId="app/db")
    assert described["PrimaryRegion"] == EAST
    assert client.describe_secret(SecretId="app/db")["ReplicationStatus"][0]["Status"] == "InSync"


def test_writes_on_the_replica_are_refused_through_boto3(cloud, client, west_client):
    client.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}])
    settle(cloud)
    with pytest.raises(west_client.exceptions.InvalidParameterException) as info:
        west_client.put_secret_value(SecretId="app/db", SecretString="v2")
    assert info.value.response["Error"]["Message"] == (
        "Operation not permitted on a replica secret. Call must be made in primary secret's region."
    )
    with pytest.raises(ClientError) as info:
        client.delete_secret(SecretId="app/db")
    assert info.value.response["Error"]["Code"] == "InvalidParameterException"


def test_invalid_region_through_boto3(client):
    with pytest.raises(client.exceptions.InvalidParameterException) as info:
        client.create_secret(Name="x", SecretString="v", AddReplicaRegions=[{"Region": EAST}])
    assert info.value.response["Error"]["Message"] == "Invalid replica region."


def test_replicate_remove_and_stop_through_boto3(cloud, client, west_client):
    arn = client.create_secret(Name="app/db", SecretString="v1")["ARN"]
    out = client.replicate_secret_to_regions(SecretId="app/db", AddReplicaRegions=[{"Region": WEST}])
    assert out["ARN"] == arn and out["ReplicationStatus"][0]["Region"] == WEST
    settle(cloud)
    with pytest.raises(client.exceptions.InvalidRequestException):
        client.stop_replication_to_replica(SecretId="app/db")
    assert west_client.stop_replication_to_replica(SecretId="app/db")["ARN"] == arn.replace(EAST, WEST)
    west_client.put_secret_value(SecretId="app/db", SecretString="promoted")
    assert west_client.get_secret_value(SecretId="app/db")["SecretString"] == "promoted"
    assert "ReplicationStatus" not in client.describe_secret(SecretId="app/db")
    # A second replica, then removed again.
    client.replicate_secret_to_regions(SecretId="app/db", AddReplicaRegions=[{"Region": "eu-west-1"}])
    removed = client.remove_regions_from_replication(SecretId="app/db", RemoveReplicaRegions=["eu-west-1"])
    assert removed["ReplicationStatus"] == []


def test_an_outage_surfaces_as_endpoint_connection_error(cloud, client, west_client):
    client.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}])
    settle(cloud)
    cloud.outage(EAST)
    with pytest.raises(EndpointConnectionError):
        client.get_secret_value(SecretId="app/db")
    with pytest.raises(EndpointConnectionError):
        client.put_secret_value(SecretId="app/db", SecretString="v2")
    assert west_client.get_secret_value(SecretId="app/db")["SecretString"] == "v1"  # fail over by hand
    cloud.recover(EAST)
    assert client.get_secret_value(SecretId="app/db")["SecretString"] == "v1"


def test_force_overwrite_through_boto3(cloud, client, west_client):
    west_client.create_secret(Name="app/db", SecretString="local")
    out = client.create_secret(Name="app/db", SecretString="v1", AddReplicaRegions=[{"Region": WEST}])
    assert out["ReplicationStatus"][0]["Status"] == "Failed"
    client.remove_regions_from_replication(SecretId="app/db", RemoveReplicaRegions=[WEST])
    assert west_client.get_secret_value(SecretId="app/db")["SecretString"] == "local"  # a failed replica deletes nothing
    client.replicate_secret_to_regions(
        SecretId="app/db", AddReplicaRegions=[{"Region": WEST}], ForceOverwriteReplicaSecret=True
    )
    settle(cloud)
    assert west_client.get_secret_value(SecretId="app/db")["SecretString"] == "v1"


BAD_CALLS = [
    ("create_secret", {"Name": "n", "AddReplicaRegions": [{"Region": EAST}]}, "InvalidParameterException"),
    ("create_secret", {"Name": "n", "AddReplicaRegions": [{"Region": WEST, "KmsKeyId": "k" * 2049}]}, "ValidationException"),
    ("replicate_secret_to_regions", {"SecretId": "missing", "AddReplicaRegions": [{"Region": WEST}]}, "ResourceNotFoundException"),
    ("replicate_secret_to_regions", {"SecretId": "exists", "AddReplicaRegions": [{"Region": "mars-north-1"}]}, "InvalidParameterException"),
    ("replicate_secret_to_regions", {"SecretId": "exists", "AddReplicaRegions": [{"Region": "x" * 129}]}, "ValidationException"),
    ("remove_regions_from_replication", {"SecretId": "missing", "RemoveReplicaRegions": [WEST]}, "ResourceNotFoundException"),
    ("stop_replication_to_replica", {"SecretId": "missing"}, "ResourceNotFoundException"),
    ("stop_replication_to_replica", {"SecretId": "exists"}, "InvalidRequestException"),
]


@pytest.mark.parametrize("method, kwargs, expected", BAD_CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_CALLS)])
@pytest.mark.parametrize("path", ["direct", "boto3"])
def test_bad_replication_input_gets_the_aws_error_on_both_paths(cloud, method, kwargs, expected, path):
    from secretkit.core.errors import ClientError as ModelError

    cloud.secretsmanager(EAST).create_secret(Name="exists", SecretString="v")
    if path == "direct":
        with pytest.raises(ModelError) as info:
            getattr(cloud.secretsmanager(EAST), method)(**kwargs)
        code = info.value.code
    else:
        with pytest.raises(ClientError) as info:
            getattr(cloud.client("secretsmanager", region_name=EAST), method)(**kwargs)
        code = info.value.response["Error"]["Code"]
    assert code == expected
    assert cloud.secretsmanager(EAST).get_secret_value(SecretId="exists")["SecretString"] == "v"
    assert "ReplicationStatus" not in cloud.secretsmanager(EAST).describe_secret(SecretId="exists")
