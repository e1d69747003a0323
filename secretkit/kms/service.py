"""KMS, one per region: the operations on keys and aliases, and envelope encryption.

``Encrypt`` seals up to 4,096 bytes directly; ``GenerateDataKey`` hands out a fresh data key
together with that key sealed under the KMS key (the "envelope"). The encryption context is
bound as associated data: decrypting with a different context fails with
``InvalidCiphertextException``, as on AWS. With ``DryRun=True`` a call makes every check it
would make (the key, its state, the ciphertext and its context) and then answers
``DryRunOperationException`` instead of its result. Key records, their states and their material are
in :mod:`.keys`; the region's keys and aliases, and how a reference finds a key, in
:mod:`.keyring`; the operations that change a key's state or rotation in :mod:`.lifecycle`,
those on aliases in :mod:`.aliases`, and those on descriptions and tags in :mod:`.metadata`.

Secrets Manager and Parameter Store call KMS on their callers' behalf through the
``internal_*`` methods: each is logged as the KMS call it stands for, with the service it
was made ``via``.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..core import crypto
from ..core.checks import ascii_int, check_bool, check_enum, check_int, check_length, check_list, check_text, fail
from ..core.context import current as _current, on_behalf, on_behalf_principal
from ..core.errors import ClientError
from ..core.service import Env, Service, operation, served_by
from .access import RULES
from .aliases import Aliases
from .keyring import KeyRing, touch_key
from .keys import KmsKey
from .lifecycle import KeyLifecycle
from .metadata import KeyMetadata

__all__ = ["Kms"]

_MAX_PLAINTEXT = 4096
_ORIGINS = ("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE")  # botocore's OriginType


_OWNERS = ("SELF", "OTHER_ACCOUNTS_VIA_RAM")


def _check_recipient(recipient: object) -> None:
    """``Recipient`` (a Nitro enclave's or NitroTPM's signed attestation document): checked as
    AWS checks its form, then refused: the kit has no attested environment to answer to."""
    if recipient is None:
        return
    if not isinstance(recipient, dict):
        raise fail("ValidationException", "Recipient must be a structure.")
    algorithm = recipient.get("KeyEncryptionAlgorithm")
    if algorithm is not None:
        check_enum(algorithm, "recipient.keyEncryptionAlgorithm", ("RSAES_OAEP_SHA_256",))
    raise fail("UnsupportedOperationException",
               "secretkit does not model attested calls (Recipient): there is no Nitro enclave or NitroTPM here.")


def _dry_run() -> ClientError:
    """What a DryRun call answers once every check has passed: it would have succeeded."""
    return fail("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")


class Kms(Service):
    """The KMS of one region: its keys and aliases (a :class:`~secretkit.kms.keyring.KeyRing`),
    the operations that use them, and those its parts serve: key states and rotation
    (lifecycle), aliases (naming), descriptions and tags (metadata)."""

    service_name = "kms"
    access = RULES  # what each operation is about, for access control (see .access)

    def __init__(self, env: Env) -> None:
        super().__init__(env)
        self.ring = ring = KeyRing(env)
        self.keys = ring.keys  # key id -> key
        self.aliases = ring.aliases  # alias name -> alias
        self.lifecycle = KeyLifecycle(ring)
        self.naming = Aliases(ring)
        self.metadata = KeyMetadata(ring)

    # ------------------------------------------------------- served by the lifecycle part
    enable_key = served_by("lifecycle", KeyLifecycle)
    disable_key = served_by("lifecycle", KeyLifecycle)
    schedule_key_deletion = served_by("lifecycle", KeyLifecycle)
    cancel_key_deletion = served_by("lifecycle", KeyLifecycle)
    enable_key_rotation = served_by("lifecycle", KeyLifecycle)
    disable_key_rotation = served_by("lifecycle", KeyLifecycle)
    get_key_rotation_status = served_by("lifecycle", KeyLifecycle)

    # ---------------------------------------------------- served by the alias and metadata parts
    create_alias = served_by("naming", Aliases)
    list_aliases = served_by("naming", Aliases)
    update_alias = served_by("naming", Aliases)
    delete_alias = served_by("naming", Aliases)
    update_key_description = served_by("metadata", KeyMetadata)
    tag_resource = served_by("metadata", KeyMetadata)
    untag_resource = served_by("metadata", KeyMetadata)
    list_resource_tags = served_by("metadata", KeyMetadata)

    # ------------------------------------------------------- for the services and notebooks
    def resolve(self, key_ref: str, *, field_name: str = "KeyId") -> KmsKey:
        """Find a key by id, key ARN, alias name or alias ARN; raise ``NotFoundException``."""
        return self.ring.resolve(key_ref, field_name=field_name)

    def rotate_material(self, key: KmsKey) -> None:
        """Add new key material now: it encrypts from now on, and older material still decrypts."""
        self.ring.rotate_material(key)

    # ----------------------------------------------------------- envelope primitives
    @staticmethod
    def _seal(key: KmsKey, plaintext: bytes, context: Mapping[str, str] | None, aad: bytes | None = None) -> bytes:
        return key.seal(plaintext, crypto.canonical_context(_checked_context(context)) if aad is None else aad)

    def _open(
        self, blob: bytes, context: Mapping[str, str] | None, key_ref: str | None, aad: bytes | None = None
    ) -> tuple[KmsKey, bytes]:
        try:
            key_id, index, sealed = crypto.unpack_kms_blob(bytes(blob))
        except crypto.IntegrityError:
            raise fail("InvalidCiphertextException", "") from None
        key = self.keys.get(key_id)
        if key is None:
            # The key was deleted (or the blob belongs to another region).
            raise fail("InvalidCiphertextException", "")
        if key_ref is not None and self.ring.resolve(key_ref).key_id != key.key_id:
            raise fail(
                "IncorrectKeyException",
                "The key ID in the request does not identify a CMK that can perform this operation.",
            )
        key.check_usable()
        return key, key.unseal(index, sealed, crypto.canonical_context(_checked_context(context)) if aad is None else aad)

    # Used by Secrets Manager and Parameter Store: KMS calls made on their callers' behalf,
    # each logged in a request context of its own (see core.context.on_behalf).
    def internal_data_key(
        self, key: KmsKey, context: Mapping[str, str], via: str, aad: bytes | None = None
    ) -> tuple[bytes, bytes]:
        """GenerateDataKey on behalf of a service: ``(plaintext data key, wrapped blob)``.

        ``aad`` may carry the context already in canonical form (a cache, for speed)."""
        key.check_usable()
        self._authorise("GenerateDataKey", key, context, via)
        data_key = crypto.new_key()
        blob = self._seal(key, data_key, context, aad)
        self._log_internal("GenerateDataKey", key, via)
        return data_key, blob

    def internal_encrypt(
        self, key: KmsKey, plaintext: bytes, context: Mapping[str, str], via: str, aad: bytes | None = None
    ) -> bytes:
        """Encrypt on behalf of a service (Parameter Store's Standard SecureStrings)."""
        key.check_usable()
        self._authorise("Encrypt", key, context, via)
        blob = self._seal(key, plaintext, context, aad)
        self._log_internal("Encrypt", key, via)
        return blob

    def internal_decrypt(self, blob: bytes, context: Mapping[str, str], via: str, aad: bytes | None = None) -> bytes:
        """Decrypt on behalf of a service; raises the KMS error (the caller maps it)."""
        env = self.env
        try:
            key, plaintext = self._open(blob, context, None, aad)
            self._authorise("Decrypt", key, context, via)
        except ClientError as exc:
            on_behalf("kms", "Decrypt", env.region, env.account_id, via).record(env.events, env.clock.now, exc.code)
            raise
        self._log_internal("Decrypt", key, via)
        return plaintext

    def _authorise(self, operation_name: str, key: KmsKey, context: Mapping[str, str], via: str) -> None:
        """Access control for a call ``via`` makes for its caller (the Cloud's guard decides,
        with ``kms:ViaService`` and the encryption context; raises AccessDeniedException)."""
        env = self.env
        guard = env.guard
        if guard is None:
            return
        ctx = _current()
        if ctx is None or (key.policy is None and ctx.who is None and ctx.principal == env.root):
            return  # the clock's own work; the root user through the default or AWS managed key policy
        guard.on_behalf(self, operation_name, key, context, via, ctx)

    def _log_internal(self, operation_name: str, key: KmsKey, via: str) -> None:
        # The record on_behalf's context would write, written directly: this runs on every
        # read and write of a secret, and the context would be thrown away at once.
        env = self.env
        env.events.record(
            env.clock.now, "call", env.region, "kms", operation_name, "OK", key.arn,
            {"via": via, "key_manager": key.manager}, on_behalf_principal(via),
        )

    # --------------------------------------------------------------------- operations
    @operation("CreateKey")
    def create_key(
        self,
        *,
        Description: str = "",
        KeyUsage: str = "ENCRYPT_DECRYPT",
        KeySpec: str = "SYMMETRIC_DEFAULT",
        CustomerMasterKeySpec: str | None = None,
        Tags: list[dict[str, str]] | None = None,
        Policy: str | None = None,
        MultiRegion: bool = False,
        Origin: str = "AWS_KMS",
        BypassPolicyLockoutSafetyCheck: bool = False,
        CustomKeyStoreId: str | None = None,
        XksKeyId: str | None = None,
    ) -> dict[str, Any]:
        check_length(Description, "description", 0, 8192)
        if CustomKeyStoreId is not None:  # the kit has no CreateCustomKeyStore: no store can exist
            check_length(CustomKeyStoreId, "customKeyStoreId", 1, 64)
            raise fail("CustomKeyStoreNotFoundException", f"Custom key store {CustomKeyStoreId} does not exist.")
        if XksKeyId is not None:
            check_length(XksKeyId, "xksKeyId", 1, 128)
            if Origin != "EXTERNAL_KEY_STORE":
                raise fail("ValidationException", "XksKeyId is valid only for a KMS key with Origin EXTERNAL_KEY_STORE.")
        if KeyUsage != "ENCRYPT_DECRYPT" or KeySpec != "SYMMETRIC_DEFAULT" or CustomerMasterKeySpec not in (None, "SYMMETRIC_DEFAULT"):
            raise fail("UnsupportedOperationException", "secretkit models symmetric ENCRYPT_DECRYPT keys only (KeySpec SYMMETRIC_DEFAULT).")
        check_enum(Origin, "origin", _ORIGINS)  # "" too: AWS answers ValidationException
        if Origin != "AWS_KMS" or MultiRegion:
            raise fail("UnsupportedOperationException", "secretkit models single-Region keys with Origin AWS_KMS only.")
        if Policy is not None:
            self._check_policy(Policy)
        tags = check_list(Tags or [], "tags", 0, 50)
        key = self.ring.new_key("CUSTOMER", Description)
        key.tags = [dict(t) for t in tags]
        key.policy = Policy
        touch_key(key)
        self.env.events.record(
            self.env.clock.now, "lifecycle", self.region, "kms", "start", "OK", key.arn, {"type": "kms-key"}
        )
        return {"KeyMetadata": key.metadata(self.env.account_id)}

    def _check_policy(self, policy: object) -> None:
        """Refuse a key policy KMS would refuse (``MalformedPolicyDocumentException``)."""
        check_length(policy, "policy", 1, 32768)
        guard = self.env.guard
        if guard is not None:
            guard.written_policy(policy, "key")  # parsed as IAM parses a key policy, principals that exist

    @operation("GetKeyPolicy")
    def get_key_policy(self, *, KeyId: str, PolicyName: str | None = None) -> dict[str, Any]:
        if PolicyName is not None and PolicyName != "default":
            check_length(PolicyName, "policyName", 1, 128)
            raise fail("NotFoundException", "No such policy exists")
        key = self.ring.resolve(KeyId)
        touch_key(key)
        guard = self.env.guard
        text = key.policy
        if text is None and guard is not None:
            text = guard.key_policy(key, self.env.account_id, self.region).text
        return {"Policy": text or "", "PolicyName": "default"}

    @operation("PutKeyPolicy")
    def put_key_policy(self, *, KeyId: str, Policy: str, PolicyName: str | None = None,
                       BypassPolicyLockoutSafetyCheck: bool = False) -> dict[str, Any]:
        if PolicyName is not None and PolicyName != "default":
            check_length(PolicyName, "policyName", 1, 128)
            raise fail("NotFoundException", "No such policy exists")
        self._check_policy(Policy)
        key = self.ring.resolve(KeyId)
        touch_key(key)
        if key.manager == "AWS":
            raise fail("AccessDeniedException", f"You cannot change the key policy of the AWS managed key {key.arn}.")
        key.policy = Policy
        return {}

    @operation("DescribeKey")
    def describe_key(self, *, KeyId: str, GrantTokens: list[str] | None = None) -> dict[str, Any]:
        key = self.ring.resolve(KeyId)
        touch_key(key)
        return {"KeyMetadata": key.metadata(self.env.account_id)}

    @operation("ListKeys")
    def list_keys(self, *, Limit: int = 100, Marker: str | None = None,
                  ResourceOwners: list[str] | None = None) -> dict[str, Any]:
        check_int(Limit, "limit", 1, 1000)
        owners = ["SELF"]
        if ResourceOwners is not None:
            owners = check_list(ResourceOwners, "resourceOwners", 1, 2)
            for owner in owners:
                check_enum(owner, "resourceOwners.member", _OWNERS)
        # The account's own keys; no other account shares keys through RAM in the kit.
        ids = list(self.keys) if "SELF" in owners else []
        start = 0
        if Marker is not None:
            start = ascii_int(Marker)
            if start is None or start > len(ids):
                raise fail("InvalidMarkerException", "Invalid marker.")
        page = ids[start : start + Limit]
        out: dict[str, Any] = {
            "Keys": [{"KeyId": k, "KeyArn": self.keys[k].arn} for k in page],
            "Truncated": start + Limit < len(ids),
        }
        if out["Truncated"]:
            out["NextMarker"] = str(start + Limit)
        return out

    @operation("Encrypt")
    def encrypt(
        self,
        *,
        KeyId: str,
        Plaintext: bytes,
        EncryptionContext: dict[str, str] | None = None,
        GrantTokens: list[str] | None = None,
        EncryptionAlgorithm: str = "SYMMETRIC_DEFAULT",
        DryRun: bool = False,
    ) -> dict[str, Any]:
        if isinstance(Plaintext, str):
            Plaintext = Plaintext.encode()
        check_length(Plaintext, "plaintext", 1, _MAX_PLAINTEXT)
        self._check_algorithm(EncryptionAlgorithm)
        if DryRun is not False:  # checked only when given: a call per request costs
            check_bool(DryRun, "dryRun")
        key = self.ring.resolve(KeyId)
        touch_key(key)
        key.check_usable()
        if DryRun:
            raise _dry_run()
        blob = self._seal(key, bytes(Plaintext), EncryptionContext)
        return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    @operation("Decrypt")
    def decrypt(
        self,
        *,
        CiphertextBlob: bytes,
        EncryptionContext: dict[str, str] | None = None,
        GrantTokens: list[str] | None = None,
        KeyId: str | None = None,
        EncryptionAlgorithm: str = "SYMMETRIC_DEFAULT",
        DryRun: bool = False,
        Recipient: dict[str, Any] | None = None,
        DryRunModifiers: list[str] | None = None,
    ) -> dict[str, Any]:
        check_length(CiphertextBlob, "ciphertextBlob", 1, 6144)
        self._check_algorithm(EncryptionAlgorithm)
        if DryRun is not False:  # checked only when given: a call per request costs
            check_bool(DryRun, "dryRun")
        if Recipient is not None:
            _check_recipient(Recipient)
        if DryRunModifiers is not None:
            self._dry_run_modifiers(DryRunModifiers, DryRun, KeyId)
        key, plaintext = self._open(CiphertextBlob, EncryptionContext, KeyId)
        touch_key(key)
        if DryRun:  # the ciphertext, its context and the key were all checked: it would succeed
            raise _dry_run()
        return {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    def _dry_run_modifiers(self, modifiers: object, dry_run: object, key_ref: str | None) -> None:
        """Decrypt's DryRunModifiers: with IGNORE_CIPHERTEXT a dry run checks the key named, not
        the ciphertext, and answers DryRunOperationException (raised here)."""
        for modifier in check_list(modifiers, "dryRunModifiers"):
            check_enum(modifier, "dryRunModifiers.member", ("IGNORE_CIPHERTEXT",))
        if dry_run and modifiers:
            if key_ref is None:
                raise fail("ValidationException", "KeyId is required when DryRunModifiers includes IGNORE_CIPHERTEXT.")
            key = self.ring.resolve(key_ref)
            touch_key(key)
            key.check_usable()
            raise _dry_run()

    @operation("GenerateDataKey")
    def generate_data_key(
        self,
        *,
        KeyId: str,
        EncryptionContext: dict[str, str] | None = None,
        NumberOfBytes: int | None = None,
        KeySpec: str | None = None,
        GrantTokens: list[str] | None = None,
        DryRun: bool = False,
        Recipient: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if Recipient is not None:
            _check_recipient(Recipient)
        if NumberOfBytes is not None and KeySpec is not None:
            raise fail("ValidationException", "Please specify either number of bytes or key spec.")
        if NumberOfBytes is None and KeySpec is None:
            raise fail("ValidationException", "Please specify either number of bytes or key spec.")
        if KeySpec is not None and KeySpec not in ("AES_256", "AES_128"):
            raise fail("ValidationException", "1 validation error detected: Value at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]")
        size = NumberOfBytes if NumberOfBytes is not None else (32 if KeySpec == "AES_256" else 16)
        check_int(size, "numberOfBytes", 1, 1024)
        if DryRun is not False:  # checked only when given: a call per request costs
            check_bool(DryRun, "dryRun")
        key = self.ring.resolve(KeyId)
        touch_key(key)
        key.check_usable()
        if DryRun:
            raise _dry_run()
        data_key = crypto.new_key(size)
        return {"CiphertextBlob": self._seal(key, data_key, EncryptionContext), "Plaintext": data_key, "KeyId": key.arn}

    @staticmethod
    def _check_algorithm(algorithm: str) -> None:
        if algorithm != "SYMMETRIC_DEFAULT":
            raise fail("InvalidKeyUsageException", f"The encryption algorithm {algorithm} is not supported by this key.")


def _checked_context(context: object) -> Mapping[str, str] | None:
    """An encryption context as KMS takes it: a map of strings to strings, UTF-8 text."""
    if context is None:
        return None
    if not isinstance(context, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in context.items()):
        raise fail("ValidationException", "1 validation error detected: Value at 'encryptionContext' failed to satisfy constraint: Member must be a map of strings to strings")
    for k, v in context.items():
        check_text(k, "encryptionContext")
        check_text(v, "encryptionContext")
    return context
