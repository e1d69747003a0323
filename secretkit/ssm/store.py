"""The parameters of one region: finding them by name, selector or ARN, how a read shows
them, and sealing and opening SecureString values.

:class:`Parameters` is what the :class:`~secretkit.ssm.service.ParameterStore` facade and
each of its parts (listing, labels and tags, policies) work on. It keeps every parameter by
its key (the ``/``-form of its name) and a sorted :class:`~secretkit.ssm.records.NameIndex`
for listing, and counts the parameters of each tier against AWS's quotas.

``String`` and ``StringList`` values are stored in the clear. A ``SecureString`` is
encrypted for real under a KMS key with the encryption context ``{"PARAMETER_ARN": <arn>}``:
a Standard one by KMS ``Encrypt`` directly (its value fits KMS's 4,096-byte limit), an
Advanced one by envelope encryption (a fresh data key from ``GenerateDataKey`` and AES-GCM
here). A KMS failure reaches the caller as Parameter Store's ``InvalidKeyId``.
"""

from __future__ import annotations

import base64
import struct
from functools import lru_cache
from typing import Any

from ..core import crypto
from ..core.checks import ascii_int, fail
from ..core.context import touch_one
from ..core.errors import ClientError
from ..core.service import Env, Service
from ..kms import Kms, KmsKey
from .names import key_of, not_found, split_selector
from .records import NameIndex, Parameter, ParamVersion

__all__ = ["Parameters", "Part"]

SERVICE = "ssm"


def kms_error(exc: ClientError) -> ClientError:
    """Parameter Store reports a KMS failure as InvalidKeyId, quoting what KMS said; KMS refusing
    the caller as AccessDeniedException, in the words KMS uses for a key one may not use."""
    if exc.code == "AccessDeniedException":
        return fail("AccessDeniedException", "The ciphertext refers to a customer master key that does not exist, does "
                    "not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; "
                    "Error Code: AccessDeniedException)")
    said = exc.message or "The ciphertext refers to a KMS key that no longer exists or cannot be used."
    return fail("InvalidKeyId", f"{said} (Service: AWSKMS; Status Code: 400; Error Code: {exc.code})")


class Parameters:
    """The parameters of one region, by key and in name order, with their tier counts."""

    service_name = SERVICE
    # AWS's quotas; instance attributes so a notebook can show a limit without 10,000 puts.
    standard_limit = 10_000
    advanced_limit = 100_000
    version_limit = 100

    def __init__(self, env: Env, kms: Kms) -> None:
        self.env = env
        self.region = env.region
        self.kms = kms
        self.params: dict[str, Parameter] = {}  # key ("/"-form of the name) -> parameter
        self.index = NameIndex()
        self.counts = {"Standard": 0, "Advanced": 0}
        self.arn_prefix = f"arn:aws:{SERVICE}:{env.region}:{env.account_id}:parameter/"

    # ------------------------------------------------------------------ finding
    @staticmethod
    def touch(param: Parameter) -> None:
        """The current call touched ``param``: its ARN and tier go to the log."""
        touch_one(param.arn, "tier", param.tier)

    def still_here(self, param: Parameter) -> bool:
        return self.params.get(param.key) is param

    def select(self, ref: str) -> tuple[Parameter, ParamVersion, str | None]:
        """Resolve ``name``, ``name:3``, ``name:label`` or an ARN to a parameter and one version."""
        if ":" in ref:
            base, selector = split_selector(ref, self.arn_prefix)
        else:
            base, selector = ref, None  # the common case: a plain name, no selector to split off
        param = self.params.get(base if base[:1] == "/" else key_of(base))
        if param is None:
            raise not_found(ref)
        touch_one(param.arn, "tier", param.tier)
        if selector is None:
            return param, param.latest, None
        number = ascii_int(selector) if selector[:1].isascii() and selector[:1].isdigit() else param.labels.get(selector)
        version = param.versions.get(number) if number is not None else None
        if version is None:
            raise fail(
                "ParameterVersionNotFound",
                f"Systems Manager could not find version {selector} of {base}. Verify the version and try again.",
            )
        return param, version, ":" + selector

    # ------------------------------------------------------------------ reading
    def value_of(self, param: Parameter, version: ParamVersion, decrypt: bool) -> str:
        """The ``Value`` a read returns: clear text, or a SecureString's ciphertext unless decrypting."""
        if version.type != "SecureString":
            return version.text  # type: ignore[return-value]
        if not decrypt:
            return base64.b64encode(version.sealed).decode()  # type: ignore[arg-type]
        return self.open(param, version)

    def parameter_out(self, param: Parameter, version: ParamVersion, decrypt: bool, selector: str | None = None) -> dict[str, Any]:
        """One ``Parameter`` of GetParameter's answer."""
        out: dict[str, Any] = {
            "Name": param.name,
            "Type": version.type,
            "Value": version.text if version.type != "SecureString" else self.value_of(param, version, decrypt),
            "Version": version.version,
        }
        if selector is not None:
            out["Selector"] = selector
        out["LastModifiedDate"] = version.modified
        out["ARN"] = param.arn
        out["DataType"] = version.data_type
        return out

    # ------------------------------------------------------------------ SecureString
    def resolve_key(self, key_id: str) -> KmsKey:
        try:
            return self.kms.resolve(key_id)
        except ClientError as exc:
            raise kms_error(exc) from None

    @staticmethod
    @lru_cache(maxsize=1 << 16)  # a pure function of the ARN, remembered for the read path (no part of the state)
    def aad(arn: str) -> bytes:
        """The encryption context of a parameter, ``{"PARAMETER_ARN": arn}``, in canonical form."""
        return crypto.canonical_context({"PARAMETER_ARN": arn})

    def seal(self, arn: str, value: bytes, key: KmsKey, tier: str, aad: bytes) -> tuple[bytes, bool]:
        """Encrypt a SecureString value: KMS Encrypt (Standard) or an envelope (Advanced).

        ``aad`` is the parameter's encryption context in canonical form (:meth:`aad`)."""
        context = {"PARAMETER_ARN": arn}
        try:
            if tier == "Advanced":
                data_key, wrapped = self.kms.internal_data_key(key, context, SERVICE, aad)
                sealed = crypto.seal(crypto.AESGCM(data_key), value, aad)
                return struct.pack(">H", len(wrapped)) + wrapped + sealed, True
            return self.kms.internal_encrypt(key, value, context, SERVICE, aad), False
        except ClientError as exc:
            raise kms_error(exc) from None

    def open(self, param: Parameter, version: ParamVersion) -> str:
        """Decrypt a SecureString version through KMS.

        What it is bound to is derived here from the parameter's ARN, the one thing AWS binds
        (``{"PARAMETER_ARN": arn}``): a blob moved to another parameter, altered or cut short
        reads as KMS's InvalidCiphertextException (as Parameter Store reports it), never as
        another value; one moved onto another version of the same parameter still opens, as
        on AWS."""
        blob = version.sealed
        assert blob is not None
        context = {"PARAMETER_ARN": param.arn}
        aad = self.aad(param.arn)
        try:
            if version.envelope:
                (n,) = struct.unpack_from(">H", blob)
                if len(blob) < 2 + n:
                    raise crypto.IntegrityError()
                data_key = self.kms.internal_decrypt(blob[2 : 2 + n], context, SERVICE, aad)
                plain = crypto.unseal(crypto.AESGCM(data_key), blob[2 + n :], aad)
            else:
                plain = self.kms.internal_decrypt(blob, context, SERVICE, aad)
            return plain.decode()
        except ClientError as exc:
            raise kms_error(exc) from None
        except (crypto.IntegrityError, struct.error, ValueError, TypeError):
            raise kms_error(fail("InvalidCiphertextException", "")) from None

    # ------------------------------------------------------------------ changes
    def add(self, param: Parameter) -> None:
        self.params[param.key] = param
        self.index.add(param.key)
        self.counts[param.tier] += 1

    def remove(self, param: Parameter) -> None:
        """Delete ``param`` with all its versions and labels; its policies go quiet."""
        del self.params[param.key]
        self.index.remove(param.key)
        self.counts[param.tier] -= 1
        param.policy_generation += 1  # silences any armed policy timer
        if param.tier == "Advanced":
            self.lifecycle("stop", param)

    def lifecycle(self, what: str, param: Parameter) -> None:
        """An Advanced parameter starts or stops costing money."""
        self.env.events.record(
            self.env.clock.now, "lifecycle", self.region, SERVICE, what, "OK", param.arn, {"type": "advanced-parameter"}
        )


class Part(Service):
    """A part of the facade: it serves some of Parameter Store's operations on the parameters it is handed."""

    service_name = SERVICE

    def __init__(self, store: Parameters) -> None:
        super().__init__(store.env)
        self.store = store
