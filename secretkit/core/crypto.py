"""Pure AES-256-GCM helpers: the one place that touches ``cryptography``.

Two blob formats are used:

* **KMS ciphertext blob** (what ``Encrypt`` / ``GenerateDataKey`` return)::

      0x01 | key id (36 ASCII bytes) | material index (2 bytes, big endian) | nonce (12) | ciphertext+tag

  It names its key, as AWS's does, so ``Decrypt`` needs no ``KeyId``; the material index
  lets rotated keys keep decrypting what older material encrypted.

* **Sealed value** (a secret version or SecureString under a data key)::

      nonce (12) | ciphertext+tag

The encryption context is bound as AES-GCM associated data in a canonical form (sorted
keys, JSON with fixed separators), so ``{"a": "bc"}`` and ``{"ab": "c"}`` can never
collide. Keys and nonces always come from ``os.urandom``: the crypto is real, never seeded.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "Material",
    "IntegrityError",
    "canonical_context",
    "new_key",
    "seal",
    "unseal",
    "pack_kms_blob",
    "unpack_kms_blob",
    "AESGCM",
]

NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID_BYTES = 36
_KMS_VERSION = 1
_KMS_HEADER = struct.Struct(f">B{KEY_ID_BYTES}sH")


class IntegrityError(Exception):
    """The ciphertext, key or associated data are wrong. Deliberately says nothing more."""


class Material:
    """Key material a KMS key keeps: the raw 256-bit key and its AES-GCM cipher.

    The raw key is kept (``AESGCM`` cannot give it back) because a saved Cloud has to carry
    it for the restored Cloud to decrypt anything (see :mod:`secretkit.saving`)."""

    __slots__ = ("key", "_aead")

    def __init__(self, key: bytes) -> None:
        if type(key) is not bytes or len(key) != 32:
            raise ValueError("key material is 32 bytes")
        self.key = key
        self._aead = AESGCM(key)

    def encrypt(self, nonce: bytes, data: bytes, aad: bytes | None) -> bytes:
        return self._aead.encrypt(nonce, data, aad)

    def decrypt(self, nonce: bytes, data: bytes, aad: bytes | None) -> bytes:
        return self._aead.decrypt(nonce, data, aad)

    def __reduce__(self) -> tuple[type, tuple[bytes]]:
        return (Material, (self.key,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Material) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return "Material(<256-bit key>)"


def new_key(nbytes: int = 32) -> bytes:
    """Fresh key material from the operating system's CSPRNG."""
    return os.urandom(nbytes)


def canonical_context(context: Mapping[str, str] | None) -> bytes:
    """The encryption context as unambiguous associated data (empty context -> ``b""``)."""
    if not context:
        return b""
    return json.dumps(dict(sorted(context.items())), separators=(",", ":"), ensure_ascii=False).encode()


def seal(cipher: AESGCM | Material, plaintext: bytes, aad: bytes, nonce: bytes | None = None) -> bytes:
    """Encrypt and authenticate. ``nonce`` is a test seam for known-answer vectors only."""
    nonce = nonce if nonce is not None else os.urandom(NONCE_BYTES)
    return nonce + cipher.encrypt(nonce, plaintext, aad or None)


def unseal(cipher: AESGCM | Material, sealed: bytes, aad: bytes) -> bytes:
    """Check and decrypt what :func:`seal` produced; any mismatch raises :class:`IntegrityError`."""
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise IntegrityError()
    try:
        return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad or None)
    except InvalidTag:
        raise IntegrityError() from None


def pack_kms_blob(key_id: str, material_index: int, sealed: bytes) -> bytes:
    return _KMS_HEADER.pack(_KMS_VERSION, key_id.encode("ascii"), material_index) + sealed


def unpack_kms_blob(blob: bytes) -> tuple[str, int, bytes]:
    """Split a KMS blob into ``(key id, material index, sealed)``; malformed -> IntegrityError."""
    if len(blob) < _KMS_HEADER.size + NONCE_BYTES + TAG_BYTES:
        raise IntegrityError()
    version, raw_id, index = _KMS_HEADER.unpack_from(blob)
    if version != _KMS_VERSION:
        raise IntegrityError()
    try:
        key_id = raw_id.decode("ascii")
    except UnicodeDecodeError:
        raise IntegrityError() from None
    return key_id, index, blob[_KMS_HEADER.size :]
