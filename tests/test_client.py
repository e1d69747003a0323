"""The genuine boto3 client served in process: what botocore does still happens."""

from datetime import datetime

import botocore.exceptions
import pytest

import secretkit
from _shapes import check_shape


def test_it_is_a_real_botocore_client(client):
    assert isinstance(client, botocore.client.BaseClient)
    assert client.meta.region_name == "us-east-1"


def test_responses_carry_boto3_types_and_metadata(client):
    client.create_secret(Name="s", SecretString="v")
    out = client.get_secret_value(SecretId="s")
    assert isinstance(out["CreatedDate"], datetime) and out["CreatedDate"].tzinfo is not None
    meta = out["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 200 and meta["RequestId"] and meta["RetryAttempts"] == 0
    client.create_secret(Name="b", SecretBinary=b"\x00\x01")
    assert client.get_secret_value(SecretId="b")["SecretBinary"] == b"\x00\x01"


def test_errors_are_botocore_exception_classes(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException) as e:
        client.get_secret_value(SecretId="missing")
    assert isinstance(e.value, botocore.exceptions.ClientError)
    assert e.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "Secrets Manager can't find the specified secret.",
    }
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert str(e.value) == (
        "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: "
        "Secrets Manager can't find the specified secret."
    )


def test_same_str_through_both_paths(cloud, client):
    with pytest.raises(secretkit.ClientError) as direct:
        cloud.secretsmanager().get_secret_value(SecretId="missing")
    with pytest.raises(botocore.exceptions.ClientError) as via_boto:
        client.get_secret_value(SecretId="missing")
    assert str(direct.value) == str(via_boto.value)


def test_botocore_still_validates_required_params_and_types(client):
    with pytest.raises(botocore.exceptions.ParamValidationError):
        client.get_secret_value()
    with pytest.raises(botocore.exceptions.ParamValidationError):
        client.create_secret(Name=123)


def test_server_side_checks_botocore_skips(client):
    with pytest.raises(client.exceptions.ClientError) as e:
        client.create_secret(Name="x" * 600, SecretString="v")
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_client_request_token_is_filled_from_the_seed():
    ids = []
    for _ in range(2):
        cloud = secretkit.Cloud(seed=7)
        c = cloud.client("secretsmanager")
        ids.append(c.create_secret(Name="s", SecretString="v")["VersionId"])
        ids.append(c.put_secret_value(SecretId="s", SecretString="w")["VersionId"])
    assert ids[:2] == ids[2:]
    assert len(set(ids[:2])) == 2


def test_different_seeds_differ():
    a = secretkit.Cloud(seed=1).client("secretsmanager").create_secret(Name="s", SecretString="v")
    b = secretkit.Cloud(seed=2).client("secretsmanager").create_secret(Name="s", SecretString="v")
    assert a["ARN"] != b["ARN"] and a["VersionId"] != b["VersionId"]


def test_paginator_walks_every_page(client):
    for i in range(7):
        client.create_secret(Name=f"s{i}", SecretString="v")
    pages = list(client.get_paginator("list_secrets").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["SecretList"]) for p in pages] == [3, 3, 1]


def test_outage_looks_like_an_unreachable_endpoint(cloud, client):
    client.create_secret(Name="s", SecretString="v")
    cloud.outage("us-east-1")
    with pytest.raises(botocore.exceptions.EndpointConnectionError) as e:
        client.get_secret_value(SecretId="s")
    assert "secretsmanager.us-east-1.amazonaws.com" in str(e.value)
    with pytest.raises(secretkit.RegionUnavailableError):
        cloud.secretsmanager().get_secret_value(SecretId="s")
    cloud.recover("us-east-1")
    assert client.get_secret_value(SecretId="s")["SecretString"] == "v"


def test_environment_settings_are_ignored(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "does-not-exist")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:9")
    import secretkit.doors.inprocess as skclient

    monkeypatch.setattr(skclient, "_botocore_session", None)
    c = secretkit.Cloud().client("secretsmanager", region_name="eu-west-1")
    assert c.create_secret(Name="s", SecretString="v")["ARN"].startswith("arn:aws:secretsmanager:eu-west-1:")


def test_unknown_region_and_service_are_clear(cloud):
    with pytest.raises(ValueError, match="unknown region"):
        cloud.client("secretsmanager", region_name="mars-north-1")
    with pytest.raises(ValueError, match="serves clients for"):
        cloud.client("s3")


def test_kms_client_blobs(kms_client):
    key = kms_client.create_key()["KeyMetadata"]["KeyId"]
    blob = kms_client.encrypt(KeyId=key, Plaintext=b"hi", EncryptionContext={"a": "b"})["CiphertextBlob"]
    assert isinstance(blob, bytes)
    assert kms_client.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"hi"
    with pytest.raises(kms_client.exceptions.InvalidCiphertextException):
        kms_client.decrypt(CiphertextBlob=blob)


def test_every_response_matches_botocore_output_shapes(cloud, client, kms_client):
    model = client.meta.service_model
    calls = {
        "CreateSecret": client.create_secret(Name="s", SecretString="v", Tags=[{"Key": "k", "Value": "v"}]),
        "PutSecretValue": client.put_secret_value(SecretId="s", SecretString="w", VersionStages=["AWSPENDING"]),
        "GetSecretValue": client.get_secret_value(SecretId="s"),
        "DescribeSecret": client.describe_secret(SecretId="s"),
        "ListSecrets": client.list_secrets(),
        "ListSecretVersionIds": client.list_secret_version_ids(SecretId="s", IncludeDeprecated=True),
        "BatchGetSecretValue": client.batch_get_secret_value(SecretIdList=["s", "missing"]),
        "UpdateSecret": client.update_secret(SecretId="s", Description="d"),
        "GetRandomPassword": client.get_random_password(),
        "DeleteSecret": client.delete_secret(SecretId="s"),
        "RestoreSecret": client.restore_secret(SecretId="s"),
    }
    for op, out in calls.items():
        check_shape(out, model.operation_model(op).output_shape, op)
    kmodel = kms_client.meta.service_model
    key = kms_client.create_key()
    check_shape(key, kmodel.operation_model("CreateKey").output_shape, "CreateKey")
    check_shape(kms_client.list_keys(), kmodel.operation_model("ListKeys").output_shape, "ListKeys")
    check_shape(
        kms_client.generate_data_key(KeyId=key["KeyMetadata"]["KeyId"], KeySpec="AES_256"),
        kmodel.operation_model("GenerateDataKey").output_shape,
        "GenerateDataKey",
    )
