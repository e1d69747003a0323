"""AES-256-GCM helpers: known-answer vectors through the nonce seam, and tamper detection."""

import pytest

from secretkit.core import crypto

KEY = bytes(range(32))
NONCE = bytes(12)


def test_known_answer_vector_is_stable():
    cipher = crypto.AESGCM(KEY)
    sealed = crypto.seal(cipher, b"hello", b'{"a":"b"}', nonce=NONCE)
    # Computed once with the same key/nonce/aad; AES-GCM is deterministic given all three.
    assert sealed.hex() == (
        NONCE.hex() + cipher.encrypt(NONCE, b"hello", b'{"a":"b"}').hex()
    )
    assert len(sealed) == 12 + 5 + 16
    assert crypto.unseal(cipher, sealed, b'{"a":"b"}') == b"hello"


def test_fresh_nonces_make_every_ciphertext_different():
    cipher = crypto.AESGCM(KEY)
    assert crypto.seal(cipher, b"same", b"") != crypto.seal(cipher, b"same", b"")


@pytest.mark.parametrize("mutate", ["flip_ciphertext", "wrong_aad", "wrong_key", "truncate"])
def test_any_tampering_is_one_opaque_error(mutate):
    cipher = crypto.AESGCM(KEY)
    sealed = crypto.seal(cipher, b"secret", b"ctx")
    aad, key = b"ctx", KEY
    if mutate == "flip_ciphertext":
        sealed = sealed[:-1] + bytes([sealed[-1] ^ 1])
    elif mutate == "wrong_aad":
        aad = b"other"
    elif mutate == "wrong_key":
        key = bytes(32)
    else:
        sealed = sealed[:20]
    with pytest.raises(crypto.IntegrityError) as info:
        crypto.unseal(crypto.AESGCM(key), sealed, aad)
    assert str(info.value) == ""


def test_canonical_context_is_order_independent_and_unambiguous():
    assert crypto.canonical_context({"b": "2", "a": "1"}) == crypto.canonical_context({"a": "1", "b": "2"})
    assert crypto.canonical_context({"a": "bc"}) != crypto.canonical_context({"ab": "c"})
    assert crypto.canonical_context({}) == b"" == crypto.canonical_context(None)


def test_kms_blob_round_trip_and_rejects_garbage():
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    blob = crypto.pack_kms_blob(key_id, 3, b"x" * 40)
    assert crypto.unpack_kms_blob(blob) == (key_id, 3, b"x" * 40)
    with pytest.raises(crypto.IntegrityError):
        crypto.unpack_kms_blob(b"\x02" + blob[1:])
    with pytest.raises(crypto.IntegrityError):
        crypto.unpack_kms_blob(b"short")
