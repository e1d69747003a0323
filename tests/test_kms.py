"""KMS: keys, aliases, states, rotation, envelope encryption, with AWS's codes."""

import pytest

from secretkit.core.errors import ClientError


def code_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def make_key(kms, description="app key"):
    return kms.create_key(Description=description)["KeyMetadata"]


def test_create_and_describe_customer_key(kms):
    meta = make_key(kms)
    assert meta["KeyManager"] == "CUSTOMER"
    assert meta["KeyState"] == "Enabled" and meta["Enabled"] is True
    assert meta["Arn"] == f"arn:aws:kms:us-east-1:123456789012:key/{meta['KeyId']}"
    assert kms.describe_key(KeyId=meta["Arn"])["KeyMetadata"]["KeyId"] == meta["KeyId"]


def test_managed_aliases_are_made_on_first_use(kms):
    assert kms.list_aliases()["Aliases"] == []
    meta = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"
    names = [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
    assert names == ["alias/aws/secretsmanager"]
    # The same key every time, not a new one.
    assert kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["KeyId"] == meta["KeyId"]


def test_unknown_key_and_alias_are_not_found(kms):
    with pytest.raises(ClientError) as e:
        kms.describe_key(KeyId="00000000-0000-4000-8000-000000000000")
    assert code_of(e) == "NotFoundException"
    assert "does not exist" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId="alias/nope", Plaintext=b"x")
    assert code_of(e) == "NotFoundException"
    assert e.value.response["Error"]["Message"].endswith("alias/nope is not found.")


def test_encrypt_decrypt_round_trip_with_context(kms):
    key = make_key(kms)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hello", EncryptionContext={"app": "shop"})["CiphertextBlob"]
    assert b"hello" not in blob
    out = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "shop"})
    assert out["Plaintext"] == b"hello" and out["KeyId"] == key["Arn"]


@pytest.mark.parametrize("context", [None, {"app": "other"}, {"app": "shop", "x": "y"}])
def test_wrong_context_is_invalid_ciphertext(kms, context):
    key = make_key(kms)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hello", EncryptionContext={"app": "shop"})["CiphertextBlob"]
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)
    assert code_of(e) == "InvalidCiphertextException"


def test_tampered_blob_and_wrong_key_id(kms):
    a, b = make_key(kms), make_key(kms)
    blob = kms.encrypt(KeyId=a["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob[:-1] + bytes([blob[-1] ^ 1]))
    assert code_of(e) == "InvalidCiphertextException"
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob, KeyId=b["KeyId"])
    assert code_of(e) == "IncorrectKeyException"


def test_plaintext_limit_is_4096_bytes(kms):
    key = make_key(kms)
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * 4096)
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * 4097)
    assert code_of(e) == "ValidationException"


def test_generate_data_key_sizes_and_envelope(kms):
    key = make_key(kms)
    out = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext={"k": "v"})
    assert len(out["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"k": "v"})["Plaintext"] == out["Plaintext"]
    assert len(kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=64)["Plaintext"]) == 64
    for bad in ({}, {"KeySpec": "AES_256", "NumberOfBytes": 32}, {"NumberOfBytes": 0}, {"KeySpec": "AES_512"}):
        with pytest.raises(ClientError) as e:
            kms.generate_data_key(KeyId=key["KeyId"], **bad)
        assert code_of(e) == "ValidationException"


def test_disabled_key_refuses_use_until_enabled(kms):
    key = make_key(kms)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    for call in (lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), lambda: kms.decrypt(CiphertextBlob=blob)):
        with pytest.raises(ClientError) as e:
            call()
        assert code_of(e) == "DisabledException"
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


def test_schedule_deletion_window_then_gone_for_good(cloud, kms):
    key = make_key(kms)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    for bad in (6, 31):
        with pytest.raises(ClientError) as e:
            kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=bad)
        assert code_of(e) == "ValidationException"
    out = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert out["KeyState"] == "PendingDeletion"
    assert (out["DeletionDate"] - cloud.clock.now).days == 7
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob)
    assert code_of(e) == "KMSInvalidStateException"
    cloud.clock.advance(days=7)
    with pytest.raises(ClientError) as e:
        kms.describe_key(KeyId=key["KeyId"])
    assert code_of(e) == "NotFoundException"
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob)
    assert code_of(e) == "InvalidCiphertextException"


def test_cancel_deletion_leaves_key_disabled(cloud, kms):
    key = make_key(kms)
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    cloud.clock.advance(days=31)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(ClientError) as e:
        kms.cancel_key_deletion(KeyId=key["KeyId"])
    assert code_of(e) == "KMSInvalidStateException"


def test_key_rotation_new_material_encrypts_old_still_decrypts(cloud, kms):
    key = make_key(kms)
    old_blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"before")["CiphertextBlob"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is False
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status["KeyRotationEnabled"] and status["RotationPeriodInDays"] == 90
    cloud.clock.advance(days=91)
    new_blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"after")["CiphertextBlob"]
    assert old_blob[37:39] != new_blob[37:39]  # a different material index in the header
    assert kms.decrypt(CiphertextBlob=old_blob)["Plaintext"] == b"before"
    assert kms.decrypt(CiphertextBlob=new_blob)["Plaintext"] == b"after"
    with pytest.raises(ClientError) as e:
        kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=30)
    assert code_of(e) == "ValidationException"


def test_managed_keys_cannot_be_disabled_deleted_or_aliased(kms):
    managed = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]
    for call in (
        lambda: kms.disable_key(KeyId=managed["KeyId"]),
        lambda: kms.schedule_key_deletion(KeyId=managed["KeyId"]),
        lambda: kms.create_alias(AliasName="alias/mine", TargetKeyId=managed["KeyId"]),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert code_of(e) == "UnsupportedOperationException"


def test_aliases(kms):
    key = make_key(kms)
    kms.create_alias(AliasName="alias/shop", TargetKeyId=key["KeyId"])
    assert kms.describe_key(KeyId="alias/shop")["KeyMetadata"]["KeyId"] == key["KeyId"]
    assert kms.describe_key(KeyId="arn:aws:kms:us-east-1:123456789012:alias/shop")["KeyMetadata"]["KeyId"] == key["KeyId"]
    with pytest.raises(ClientError) as e:
        kms.create_alias(AliasName="alias/shop", TargetKeyId=key["KeyId"])
    assert code_of(e) == "AlreadyExistsException"
    with pytest.raises(ClientError) as e:
        kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=key["KeyId"])
    assert code_of(e) == "InvalidAliasNameException"
    with pytest.raises(ClientError) as e:
        kms.create_alias(AliasName="shop", TargetKeyId=key["KeyId"])
    assert code_of(e) == "ValidationException"
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key["KeyId"])["Aliases"]] == ["alias/shop"]


def test_list_keys_pages_with_marker(kms):
    ids = {make_key(kms)["KeyId"] for _ in range(5)}
    first = kms.list_keys(Limit=2)
    assert first["Truncated"] is True and len(first["Keys"]) == 2
    seen = [k["KeyId"] for k in first["Keys"]]
    marker = first["NextMarker"]
    while marker:
        page = kms.list_keys(Limit=2, Marker=marker)
        seen += [k["KeyId"] for k in page["Keys"]]
        marker = page.get("NextMarker")
    assert set(seen) == ids and len(seen) == 5
    with pytest.raises(ClientError) as e:
        kms.list_keys(Marker="garbage")
    assert code_of(e) == "InvalidMarkerException"


def test_keys_are_per_region(cloud):
    east = cloud.kms("us-east-1").create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as e:
        cloud.kms("us-west-2").describe_key(KeyId=east["KeyId"])
    assert code_of(e) == "NotFoundException"


def test_every_call_is_logged_without_plaintext(cloud, kms):
    key = make_key(kms)
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"TOPSECRETVALUE")
    with pytest.raises(ClientError):
        kms.describe_key(KeyId="alias/missing")
    ops = [(e.operation, e.outcome) for e in cloud.events.calls("kms")]
    assert ops == [("CreateKey", "OK"), ("Encrypt", "OK"), ("DescribeKey", "NotFoundException")]
    assert "TOPSECRETVALUE" not in repr(list(cloud.events))
