"""Fidelity checks: AWS's own caching library runs unchanged, seeded runs reproduce exactly,
and bad input on every operation gets an AWS error, never a stray Python exception."""

from __future__ import annotations

import botocore.exceptions
import pytest
from aws_secretsmanager_caching import SecretCache, SecretCacheConfig

import secretkit


def test_aws_caching_library_works_over_the_client(cloud):
    client = cloud.client("secretsmanager")
    client.create_secret(Name="app/db", SecretString="v1")
    cache = SecretCache(SecretCacheConfig(secret_refresh_interval=3600), client=client)
    assert cache.get_secret_string("app/db") == "v1"
    client.put_secret_value(SecretId="app/db", SecretString="v2")
    # The library cached the version: it will not notice until its refresh interval passes.
    assert cache.get_secret_string("app/db") == "v1"
    fresh = SecretCache(SecretCacheConfig(), client=client)
    assert fresh.get_secret_string("app/db") == "v2"
    assert fresh.get_secret_string("app/db", "AWSPREVIOUS") == "v1"


def _script(cloud: secretkit.Cloud) -> list:
    sm = cloud.client("secretsmanager")
    kms = cloud.client("kms")
    out = []
    key = kms.create_key(Description="k")["KeyMetadata"]
    out.append(key["KeyId"])
    out.append(sm.create_secret(Name="a", SecretString="1", KmsKeyId=key["KeyId"]))
    out.append(sm.put_secret_value(SecretId="a", SecretString="2"))
    out.append(sm.get_random_password())
    cloud.clock.advance(days=3)
    out.append(sm.describe_secret(SecretId="a"))
    for item in out:
        if isinstance(item, dict):
            item.pop("ResponseMetadata", None)
    out.append([(e.time, e.region, e.service, e.operation, e.outcome, e.resource) for e in cloud.events])
    return out


def test_same_seed_same_calls_same_everything():
    assert _script(secretkit.Cloud(seed=42)) == _script(secretkit.Cloud(seed=42))
    assert _script(secretkit.Cloud(seed=42)) != _script(secretkit.Cloud(seed=43))


# Each operation with deliberately bad (but botocore-valid) input, and the code AWS returns.
BAD_SM_CALLS = [
    ("create_secret", {"Name": "bad name!"}, "ValidationException"),
    ("create_secret", {"Name": "s", "Description": "d" * 2049}, "ValidationException"),
    ("create_secret", {"Name": "s", "KmsKeyId": "k" * 2049}, "ValidationException"),
    ("create_secret", {"Name": "s", "Tags": [{"Key": "k" * 200, "Value": "v"}]}, "ValidationException"),
    ("get_secret_value", {"SecretId": "missing"}, "ResourceNotFoundException"),
    ("get_secret_value", {"SecretId": "exists", "VersionStage": "s" * 300}, "ValidationException"),
    ("put_secret_value", {"SecretId": "exists"}, "InvalidRequestException"),
    ("put_secret_value", {"SecretId": "exists", "SecretString": "x", "VersionStages": [f"L{i}" for i in range(21)]}, "ValidationException"),
    ("put_secret_value", {"SecretId": "exists", "SecretString": "x", "RotationToken": "r" * 300}, "ValidationException"),
    ("update_secret", {"SecretId": "missing"}, "ResourceNotFoundException"),
    ("update_secret_version_stage", {"SecretId": "exists", "VersionStage": "x"}, "InvalidParameterException"),
    ("update_secret_version_stage", {"SecretId": "exists", "VersionStage": "x", "MoveToVersionId": "z" * 32}, "InvalidParameterException"),
    ("describe_secret", {"SecretId": "s" * 2049}, "ValidationException"),
    ("list_secrets", {"SortOrder": "sideways"}, "ValidationException"),
    ("list_secrets", {"Filters": [{"Key": "nope", "Values": ["x"]}]}, "ValidationException"),
    ("list_secret_version_ids", {"SecretId": "exists", "MaxResults": 1000}, "ValidationException"),
    ("list_secret_version_ids", {"SecretId": "exists", "NextToken": "junk"}, "InvalidNextTokenException"),
    ("batch_get_secret_value", {}, "InvalidParameterException"),
    ("delete_secret", {"SecretId": "exists", "RecoveryWindowInDays": 3}, "InvalidParameterException"),
    ("restore_secret", {"SecretId": "missing"}, "ResourceNotFoundException"),
    ("tag_resource", {"SecretId": "exists", "Tags": [{"Key": "aws:reserved", "Value": "x"}]}, "InvalidParameterException"),
    ("untag_resource", {"SecretId": "exists", "TagKeys": ["k" * 200]}, "ValidationException"),
    ("get_random_password", {"PasswordLength": 5000}, "InvalidParameterException"),
    ("get_random_password", {"ExcludeCharacters": "x" * 5000}, "ValidationException"),
    ("put_resource_policy", {"SecretId": "exists", "ResourcePolicy": "{"}, "MalformedPolicyDocumentException"),
    ("put_resource_policy", {"SecretId": "exists", "ResourcePolicy": "{}", "PolicyName": "bad name"}, "MalformedPolicyDocumentException"),
    ("get_resource_policy", {"SecretId": "missing"}, "ResourceNotFoundException"),
    ("delete_resource_policy", {"SecretId": "missing"}, "ResourceNotFoundException"),
    ("validate_resource_policy", {"ResourcePolicy": "x" * 20481}, "ValidationException"),
]

BAD_KMS_CALLS = [
    ("describe_key", {"KeyId": "nope"}, "NotFoundException"),
    ("create_key", {"KeySpec": "RSA_2048"}, "UnsupportedOperationException"),
    ("encrypt", {"KeyId": "alias/aws/secretsmanager", "Plaintext": b"x", "EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}, "InvalidKeyUsageException"),
    ("decrypt", {"CiphertextBlob": b"garbage-garbage-garbage-garbage"}, "InvalidCiphertextException"),
    ("generate_data_key", {"KeyId": "alias/aws/secretsmanager"}, "ValidationException"),
    ("enable_key", {"KeyId": "arn:aws:kms:us-east-1:123456789012:key/missing"}, "NotFoundException"),
    ("disable_key", {"KeyId": "alias/missing"}, "NotFoundException"),
    ("schedule_key_deletion", {"KeyId": "alias/aws/secretsmanager", "PendingWindowInDays": 3}, "ValidationException"),
    ("cancel_key_deletion", {"KeyId": "alias/aws/secretsmanager"}, "KMSInvalidStateException"),
    ("enable_key_rotation", {"KeyId": "alias/aws/secretsmanager"}, "UnsupportedOperationException"),
    ("get_key_rotation_status", {"KeyId": "arn:aws:s3:::bucket"}, "InvalidArnException"),
    ("list_keys", {"Marker": "zzz"}, "InvalidMarkerException"),
    ("create_alias", {"AliasName": "alias/x", "TargetKeyId": "missing"}, "NotFoundException"),
    ("list_aliases", {"Limit": 500}, "ValidationException"),
]


@pytest.mark.parametrize("method, kwargs, expected", BAD_SM_CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_SM_CALLS)])
@pytest.mark.parametrize("path", ["direct", "boto3"])
def test_bad_secrets_manager_input_gets_the_aws_error(cloud, method, kwargs, expected, path):
    cloud.secretsmanager().create_secret(Name="exists", SecretString="v")
    target = cloud.secretsmanager() if path == "direct" else cloud.client("secretsmanager")
    error_type = secretkit.ClientError if path == "direct" else botocore.exceptions.ClientError
    with pytest.raises(error_type) as e:
        getattr(target, method)(**kwargs)
    assert e.value.response["Error"]["Code"] == expected
    assert e.value.response["Error"]["Message"]
    assert cloud.secretsmanager().get_secret_value(SecretId="exists")["SecretString"] == "v"


@pytest.mark.parametrize("method, kwargs, expected", BAD_KMS_CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_KMS_CALLS)])
@pytest.mark.parametrize("path", ["direct", "boto3"])
def test_bad_kms_input_gets_the_aws_error(cloud, method, kwargs, expected, path):
    target = cloud.kms() if path == "direct" else cloud.client("kms")
    error_type = secretkit.ClientError if path == "direct" else botocore.exceptions.ClientError
    with pytest.raises(error_type) as e:
        getattr(target, method)(**kwargs)
    assert e.value.response["Error"]["Code"] == expected


def test_direct_path_refuses_positional_arguments(sm):
    with pytest.raises(TypeError, match="keyword arguments only"):
        sm.get_secret_value("x")
