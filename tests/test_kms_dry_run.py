"""KMS's DryRun member and CreateKey's Origin, through a boto3 client.

With ``DryRun=True`` an operation makes every check it would make and answers
``DryRunOperationException`` when they all pass; a check that fails answers its own error,
as AWS does ("Testing your permissions" in the KMS developer guide).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def kms(cloud):
    return cloud.client("kms", region_name="us-east-1")


@pytest.fixture
def key_id(kms):
    return kms.create_key(Description="dry")["KeyMetadata"]["KeyId"]


def code(e) -> str:
    return e.value.response["Error"]["Code"]


def test_encrypt_dry_run_answers_dry_run_once_every_check_passes(kms, key_id):
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=key_id, Plaintext=b"hello", DryRun=True)
    assert code(e) == "DryRunOperationException"
    assert "would have succeeded" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:  # the checks still run first
        kms.encrypt(KeyId="alias/missing", Plaintext=b"hello", DryRun=True)
    assert code(e) == "NotFoundException"
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=key_id, Plaintext=b"hello", DryRun=True)
    assert code(e) == "DisabledException"


def test_decrypt_dry_run_checks_the_ciphertext_and_returns_no_plaintext(kms, key_id):
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"hello", EncryptionContext={"app": "a"})["CiphertextBlob"]
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "a"}, DryRun=True)
    assert code(e) == "DryRunOperationException"
    assert b"hello" not in repr(e.value.response).encode()
    with pytest.raises(ClientError) as e:  # the wrong context: it would not have succeeded
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "b"}, DryRun=True)
    assert code(e) == "InvalidCiphertextException"
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "a"}, DryRun=False)["Plaintext"] == b"hello"


def test_generate_data_key_dry_run(kms, key_id):
    with pytest.raises(ClientError) as e:
        kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", DryRun=True)
    assert code(e) == "DryRunOperationException"
    with pytest.raises(ClientError) as e:
        kms.generate_data_key(KeyId=key_id, NumberOfBytes=2048, DryRun=True)
    assert code(e) == "ValidationException"


def test_dry_runs_are_logged_with_their_outcome(cloud, kms, key_id):
    with pytest.raises(ClientError):
        kms.encrypt(KeyId=key_id, Plaintext=b"x", DryRun=True)
    last = cloud.events.calls()[-1]
    assert (last.operation, last.outcome) == ("Encrypt", "DryRunOperationException")


@pytest.mark.parametrize("origin", ["", "aws_kms", "KMS"])
def test_create_key_with_an_origin_outside_the_enum_is_a_validation_error(kms, origin):
    before = len(kms.list_keys()["Keys"])
    with pytest.raises(ClientError) as e:
        kms.create_key(Origin=origin)
    assert code(e) == "ValidationException"
    assert "'origin'" in e.value.response["Error"]["Message"]
    assert len(kms.list_keys()["Keys"]) == before


def test_create_key_with_an_origin_the_kit_does_not_model_is_refused_as_unsupported(kms):
    with pytest.raises(ClientError) as e:
        kms.create_key(Origin="EXTERNAL")
    assert code(e) == "UnsupportedOperationException"
