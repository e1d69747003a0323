"""Stored values are ciphertext for real, and the KMS key's state governs reads and writes."""

import pytest

from secretkit.core.errors import ClientError

PLAINTEXT = "correct-horse-battery-staple-0042"


def code(e) -> str:
    return e.value.response["Error"]["Code"]


def stored_bytes(sm, name):
    secret = sm.find(name)
    out = []
    for version in secret.versions.values():
        out += [version.sealed.wrapped_key, version.sealed.ciphertext]
    return b"".join(out)


def test_stored_bytes_hold_no_plaintext(sm):
    sm.create_secret(Name="s", SecretString=PLAINTEXT)
    sm.put_secret_value(SecretId="s", SecretString=PLAINTEXT + "-v2")
    blob = stored_bytes(sm, "s")
    assert PLAINTEXT.encode() not in blob and b"horse" not in blob
    assert len(blob) > 2 * len(PLAINTEXT)


def test_each_version_has_its_own_data_key(sm):
    sm.create_secret(Name="s", SecretString="a")
    sm.put_secret_value(SecretId="s", SecretString="a")
    wrapped = [v.sealed.wrapped_key for v in sm.find("s").versions.values()]
    assert len(set(wrapped)) == 2


def test_default_key_is_aws_managed_and_made_on_first_use(cloud, sm):
    sm.create_secret(Name="s", SecretString="v")
    meta = cloud.kms().describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"
    version = next(iter(sm.find("s").versions.values()))
    assert version.sealed.key_arn == meta["Arn"]
    internal = [e for e in cloud.events.calls("kms") if e.detail.get("via") == "secretsmanager"]
    assert [e.operation for e in internal] == ["GenerateDataKey"]


def test_the_envelope_is_bound_to_the_secret_and_version(cloud, sm):
    sm.create_secret(Name="a", SecretString="value-a")
    sm.create_secret(Name="b", SecretString="value-b")
    va = next(iter(sm.find("a").versions.values()))
    vb = next(iter(sm.find("b").versions.values()))
    # Swap the stored envelopes: the encryption context no longer matches, so reads fail.
    va.sealed, vb.sealed = vb.sealed, va.sealed
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="a")
    assert code(e) == "DecryptionFailure"


def test_disabled_customer_key_fails_reads_and_writes_then_recovers(cloud, sm):
    kms = cloud.kms()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    sm.create_secret(Name="s", SecretString="v1", KmsKeyId=key)
    assert sm.describe_secret(SecretId="s")["KmsKeyId"] == key
    kms.disable_key(KeyId=key)
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s")
    assert code(e) == "DecryptionFailure"
    assert e.value.response["Error"]["Message"] == (
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key."
    )
    with pytest.raises(ClientError) as e:
        sm.put_secret_value(SecretId="s", SecretString="v2")
    assert code(e) == "EncryptionFailure"
    kms.enable_key(KeyId=key)
    # Nothing was lost or half-written by the failed put.
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "v1"
    assert len(sm.list_secret_version_ids(SecretId="s", IncludeDeprecated=True)["Versions"]) == 1


def test_deleted_key_makes_the_secret_unreadable_for_good(cloud, sm):
    kms = cloud.kms()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    sm.create_secret(Name="s", SecretString="v1", KmsKeyId=key)
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s")
    assert code(e) == "DecryptionFailure"
    cloud.clock.advance(days=8)
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s")
    assert code(e) == "DecryptionFailure"


def test_create_with_unknown_key_stores_nothing(sm):
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name="s", SecretString="v", KmsKeyId="alias/missing")
    assert code(e) == "EncryptionFailure"
    with pytest.raises(ClientError) as e:
        sm.describe_secret(SecretId="s")
    assert code(e) == "ResourceNotFoundException"


def test_changing_the_key_reencrypts_labelled_versions(cloud, sm):
    kms = cloud.kms()
    key = kms.create_key()["Key" + "Metadata"]
    sm.create_secret(Name="s", SecretString="v1")
    sm.put_secret_value(SecretId="s", SecretString="v2")
    sm.update_secret(SecretId="s", KmsKeyId=key["Arn"])
    secret = sm.find("s")
    labelled = {secret.labels["AWSCURRENT"], secret.labels["AWSPREVIOUS"]}
    assert {secret.versions[v].sealed.key_arn for v in labelled} == {key["Arn"]}
    assert sm.get_secret_value(SecretId="s", VersionStage="AWSPREVIOUS")["SecretString"] == "v1"
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="s")
    assert code(e) == "DecryptionFailure"


def test_failed_rekey_changes_nothing(cloud, sm):
    kms = cloud.kms()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=key)
    sm.create_secret(Name="s", SecretString="v1")
    with pytest.raises(ClientError) as e:
        sm.update_secret(SecretId="s", KmsKeyId=key, Description="changed")
    assert code(e) == "EncryptionFailure"
    described = sm.describe_secret(SecretId="s")
    assert "KmsKeyId" not in described and "Description" not in described
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "v1"


def test_event_log_never_holds_secret_values(cloud, sm):
    sm.create_secret(Name="s", SecretString=PLAINTEXT)
    sm.get_secret_value(SecretId="s")
    sm.put_secret_value(SecretId="s", SecretString=PLAINTEXT + "2")
    text = repr([(e.operation, e.resource, dict(e.detail)) for e in cloud.events])
    assert "horse" not in text
    ops = [e.operation for e in cloud.events.calls("secretsmanager")]
    assert ops == ["CreateSecret", "GetSecretValue", "PutSecretValue"]
