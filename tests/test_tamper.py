"""Tamper-proof records: whatever is done to a stored record, a read answers with the value
that was written there or with AWS's decryption failure, never with another value.

Each case alters the model's own records (what a corrupted or hand-edited saved file could
hold), then reads through a genuine boto3 client."""

from __future__ import annotations

import dataclasses

import pytest
from botocore.exceptions import ClientError

import secretkit


@pytest.fixture
def cloud():
    return secretkit.Cloud(seed=7, start="2026-01-01")


def _error(excinfo) -> tuple[str, str]:
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


CANT_DECRYPT = ("DecryptionFailure", "Secrets Manager can't decrypt the protected secret text using the provided KMS key.")


def _secrets(cloud):
    return cloud.secretsmanager("us-east-1").store


def test_flipped_binary_flag_is_a_decryption_failure(cloud):
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="text", SecretString="plain words")
    sm.create_secret(Name="bytes", SecretBinary=b"\x00\x01raw")
    for name in ("text", "bytes"):
        version = _secrets(cloud).by_name[name].current()
        version.sealed = dataclasses.replace(version.sealed, binary=not version.sealed.binary)
        with pytest.raises(ClientError) as e:
            sm.get_secret_value(SecretId=name)
        assert _error(e) == CANT_DECRYPT


def test_version_moved_to_another_secret_does_not_read_as_its_value(cloud):
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="a", SecretString="value of a")
    sm.create_secret(Name="b", SecretString="value of b")
    store = _secrets(cloud)
    a, b = store.by_name["a"], store.by_name["b"]
    # b's current version now holds a's sealed value, under b's own version id...
    b.current().sealed = a.current().sealed
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="b")
    assert _error(e) == CANT_DECRYPT
    # ... and a's whole version record, id included, put into b and labelled there.
    moved = a.current()
    b.versions[moved.version_id] = moved
    b.labels["AWSCURRENT"] = moved.version_id
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="b")
    assert _error(e) == CANT_DECRYPT
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "value of a"


def test_version_moved_to_another_version_of_the_same_secret_fails(cloud):
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="s", SecretString="first")
    second = sm.put_secret_value(SecretId="s", SecretString="second")["VersionId"]
    secret = _secrets(cloud).by_name["s"]
    previous = secret.versions[secret.labels["AWSPREVIOUS"]]
    secret.versions[second].sealed = previous.sealed
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s")
    assert _error(e) == CANT_DECRYPT
    assert sm.get_secret_value(SecretId="s", VersionStage="AWSPREVIOUS")["SecretString"] == "first"


@pytest.mark.parametrize("field", ["ciphertext", "wrapped_key"])
@pytest.mark.parametrize("cut", [0, 1, 5, 30, -1])
def test_cut_short_or_altered_secret_blobs_are_decryption_failures(cloud, field, cut):
    sm = cloud.client("secretsmanager")
    sm.create_secret(Name="s", SecretString="some value")
    version = _secrets(cloud).by_name["s"].current()
    blob = getattr(version.sealed, field)
    bad = blob[:cut] if cut >= 0 else blob[:-1] + bytes([blob[-1] ^ 0x40])
    version.sealed = dataclasses.replace(version.sealed, **{field: bad})
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s")
    assert _error(e) == CANT_DECRYPT


# ------------------------------------------------------------------ Parameter Store

KMS_CANT = (
    "InvalidKeyId",
    "The ciphertext refers to a KMS key that no longer exists or cannot be used. "
    "(Service: AWSKMS; Status Code: 400; Error Code: InvalidCiphertextException)",
)


def _params(cloud):
    return cloud.ssm("us-east-1").store.params


@pytest.mark.parametrize("tier", ["Standard", "Advanced"])
@pytest.mark.parametrize("cut", [0, 1, 2, 3, 40, -1])
def test_cut_short_or_altered_securestrings_read_as_kms_failures(cloud, tier, cut):
    ssm = cloud.client("ssm")
    ssm.put_parameter(Name="/app/key", Value="hunter2", Type="SecureString", Tier=tier)
    version = _params(cloud)["/app/key"].latest
    blob = version.sealed
    version.sealed = blob[:cut] if cut >= 0 else blob[:-1] + bytes([blob[-1] ^ 0x40])
    with pytest.raises(ClientError) as e:
        ssm.get_parameter(Name="/app/key", WithDecryption=True)
    assert _error(e) == KMS_CANT
    # Without decryption the (altered) ciphertext is all that is asked for: no error.
    assert ssm.get_parameter(Name="/app/key")["Parameter"]["Type"] == "SecureString"


@pytest.mark.parametrize("tier", ["Standard", "Advanced"])
def test_flipped_envelope_flag_reads_as_a_kms_failure(cloud, tier):
    ssm = cloud.client("ssm")
    ssm.put_parameter(Name="/p", Value="v", Type="SecureString", Tier=tier)
    version = _params(cloud)["/p"].latest
    version.envelope = not version.envelope
    with pytest.raises(ClientError) as e:
        ssm.get_parameter(Name="/p", WithDecryption=True)
    assert _error(e) == KMS_CANT


@pytest.mark.parametrize("tier", ["Standard", "Advanced"])
def test_securestring_moved_to_another_parameter_fails(cloud, tier):
    ssm = cloud.client("ssm")
    ssm.put_parameter(Name="/a", Value="value of a", Type="SecureString", Tier=tier)
    ssm.put_parameter(Name="/b", Value="value of b", Type="SecureString", Tier=tier)
    params = _params(cloud)
    params["/b"].latest.sealed = params["/a"].latest.sealed
    with pytest.raises(ClientError) as e:
        ssm.get_parameter(Name="/b", WithDecryption=True)
    assert _error(e) == KMS_CANT


@pytest.mark.parametrize("tier", ["Standard", "Advanced"])
def test_securestring_moved_between_versions_of_one_parameter_opens_as_on_aws(cloud, tier):
    # AWS binds a SecureString only to {"PARAMETER_ARN": arn}: a blob from version 1 put on
    # version 2 of the same parameter decrypts (to version 1's value).
    ssm = cloud.client("ssm")
    ssm.put_parameter(Name="/p", Value="one", Type="SecureString", Tier=tier)
    ssm.put_parameter(Name="/p", Value="two", Type="SecureString", Tier=tier, Overwrite=True)
    param = _params(cloud)["/p"]
    param.versions[2].sealed = param.versions[1].sealed
    assert ssm.get_parameter(Name="/p", WithDecryption=True)["Parameter"]["Value"] == "one"
    assert ssm.get_parameter(Name="/p:2", WithDecryption=True)["Parameter"]["Version"] == 2
