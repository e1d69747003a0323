"""Parameter Store (the parameter part of AWS Systems Manager), one per region.

Three types of parameter:

``String`` / ``StringList``
    Stored in the clear. Anyone allowed to read the parameter reads the value.
``SecureString``
    Encrypted for real under a KMS key (``alias/aws/ssm`` unless ``KeyId`` names another)
    with the encryption context ``{"PARAMETER_ARN": <arn>}``. A Standard parameter is
    encrypted by KMS ``Encrypt`` directly (its value fits KMS's 4,096-byte limit); an Advanced
    one by envelope encryption: a fresh data key from ``GenerateDataKey`` and AES-GCM here.
    Read it without ``WithDecryption=True`` and you get the ciphertext (base64), as on AWS.
    :meth:`ParameterStore.stored_bytes` shows what is actually kept for each type.

Two tiers: Standard (values up to 4 KB, 10,000 per region, free) and Advanced (8 KB,
100,000, billed per parameter-month and per API interaction, and the only tier that takes
policies). ``Intelligent-Tiering`` picks Advanced only when the request needs it. A parameter
can move up to Advanced but never back.

Every overwrite (``Overwrite=True``) makes version n+1; the last 100 versions are kept.
Labels name versions (``name:prod`` in a read), one version per label per parameter.
Names like ``/aws/reference/secretsmanager/<secret>`` read a Secrets Manager secret
through Parameter Store. Listing and history live in :mod:`.listing`, the
policies in :mod:`.policies`, and the naming rules in :mod:`.names`.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..core import crypto
from ..core.checks import check_bool, check_length, check_list, check_str, fail
from ..core.context import touch
from ..core.errors import ClientError
from ..core.service import Env, Service, operation
from ..kms import Kms, KmsKey
from .labels import MAX_TAGS, LabelTagOperations
from .listing import ListingOperations
from .names import check_new_name, clean_lookup_name, key_of, not_found, split_selector
from .policies import PolicyOperations, parse_policies
from .records import NameIndex, Parameter, ParamVersion
from .reference import SM_REFERENCE, ReferenceOperations
from .settings import DEFAULT_TIER, SettingsOperations

__all__ = ["ParameterStore"]

TYPES = ("String", "StringList", "SecureString")
TIERS = ("Standard", "Advanced", "Intelligent-Tiering")
DATA_TYPES = (
    "text", "aws:ec2:image", "aws:ssm:integration", "aws:region", "aws:account:id", "boolean", "integer",
    "float", "binary", "hostname", "email", "ipv4-address", "ipv6-address", "url", "json", "jsonc",
)
_ADVANCED_DATA_TYPES = ("url", "json", "jsonc")
_KEY_ID_RE = re.compile(r"^([a-zA-Z0-9:/_-]+)$")
STANDARD_MAX_BYTES = 4096
ADVANCED_MAX_BYTES = 8192
DEFAULT_KEY = "alias/aws/ssm"

ALREADY_EXISTS = "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
STANDARD_TOO_BIG = (
    "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger "
    "parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see "
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
)
ADVANCED_TOO_BIG = "Advanced tier parameters support a maximum parameter value of 8192 characters."
NO_DOWNGRADE = (
    "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter "
    "tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a "
    "standard parameter."
)
POLICIES_NEED_ADVANCED = "Parameter policies are supported only for advanced-tier parameters."
TOO_MANY_PARAMETERS = (
    "You have exceeded the number of parameters for this Amazon Web Services account. Delete one or more "
    "parameters and try again."
)


def _check_put_fields(
    Value: str,
    Description: str | None,
    Type: str | None,
    KeyId: str | None,
    Overwrite: bool,
    AllowedPattern: str | None,
    Tier: str | None,
    DataType: str | None,
) -> None:
    """The server-side checks of PutParameter's simple fields (botocore checks only types and minimums)."""
    check_str(Value, "Value")
    if Value == "":
        raise fail("ValidationException", "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1.")
    if "{{" in Value and "}}" in Value:
        raise fail("ValidationException", "Parameter value can't nest another parameter. Do not use \"{{}}\" in the value.")
    if Description is not None:
        check_length(check_str(Description, "Description"), "description", 0, 1024)
    if Type is not None and Type not in TYPES:
        raise fail("ValidationException", f"1 validation error detected: Value '{Type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]")
    if KeyId is not None:
        check_length(check_str(KeyId, "KeyId"), "keyId", 1, 256)
        if not _KEY_ID_RE.match(KeyId):
            raise fail("ValidationException", f"1 validation error detected: Value '{KeyId}' at 'keyId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([a-zA-Z0-9:/_-]+)$")
    check_bool(Overwrite, "Overwrite")
    if AllowedPattern is not None:
        check_length(check_str(AllowedPattern, "AllowedPattern"), "allowedPattern", 0, 1024)
        try:
            re.compile(AllowedPattern)
        except re.error:
            raise fail("InvalidAllowedPatternException", f"The allowed pattern {AllowedPattern} is not a valid regular expression.") from None
    if Tier is not None and Tier not in TIERS:
        raise fail("ValidationException", f"1 validation error detected: Value '{Tier}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]")
    if DataType is not None:
        check_length(check_str(DataType, "DataType"), "dataType", 0, 128)
        if DataType not in DATA_TYPES:
            raise fail("ValidationException", f"The following data type is not supported: {DataType} (Data type names are all lowercase.)")


class ParameterStore(
    PolicyOperations, ListingOperations, LabelTagOperations, SettingsOperations, ReferenceOperations, Service
):
    """The Parameter Store of one region. Methods mirror boto3's ``ssm`` client."""

    service_name = "ssm"
    # AWS's quotas; instance attributes so a notebook can show a limit without 10,000 puts.
    standard_limit = 10_000
    advanced_limit = 100_000
    version_limit = 100

    def __init__(self, env: Env, kms: Kms, secrets_manager: Callable[[], Any] | None = None) -> None:
        super().__init__(env)
        self.kms = kms
        self._secrets_manager = secrets_manager  # the same region's Secrets Manager, made on demand
        self.params: dict[str, Parameter] = {}  # key ("/"-form of the name) -> parameter
        self.index = NameIndex()
        self.counts = {"Standard": 0, "Advanced": 0}
        self._settings: dict[str, tuple[str, datetime]] = {}
        self.arn_prefix = self._arn("parameter/")

    # ================================================================ helpers
    def _touch(self, param: Parameter) -> None:
        touch(param.arn, tier=param.tier)

    def _still_here(self, param: Parameter) -> bool:
        return self.params.get(param.key) is param

    def _select(self, ref: str) -> tuple[Parameter, ParamVersion, str | None]:
        """Resolve ``name``, ``name:3`` or ``name:label`` to a parameter and one version."""
        base, selector = split_selector(ref, self.arn_prefix)
        param = self.params.get(key_of(base))
        if param is None:
            raise not_found(ref)
        self._touch(param)
        if selector is None:
            return param, param.latest, None
        number = int(selector) if selector.isdigit() else param.labels.get(selector)
        version = param.versions.get(number) if number is not None else None
        if version is None:
            raise fail(
                "ParameterVersionNotFound",
                f"Systems Manager could not find version {selector} of {base}. Verify the version and try again.",
            )
        return param, version, ":" + selector

    @staticmethod
    def _kms_error(exc: ClientError) -> ClientError:
        """Parameter Store reports a KMS failure as InvalidKeyId, quoting what KMS said."""
        said = exc.message or "The ciphertext refers to a KMS key that no longer exists or cannot be used."
        return fail("InvalidKeyId", f"{said} (Service: AWSKMS; Status Code: 400; Error Code: {exc.code})")

    def _resolve_key(self, key_id: str) -> KmsKey:
        try:
            return self.kms.resolve(key_id)
        except ClientError as exc:
            raise self._kms_error(exc) from None

    def _seal(self, arn: str, value: bytes, key: KmsKey, tier: str) -> tuple[bytes, bool]:
        """Encrypt a SecureString value: KMS Encrypt (Standard) or an envelope (Advanced)."""
        context = {"PARAMETER_ARN": arn}
        try:
            if tier == "Advanced":
                data_key, wrapped = self.kms.internal_data_key(key, context, "ssm")
                sealed = crypto.seal(crypto.AESGCM(data_key), value, crypto.canonical_context(context))
                return struct.pack(">H", len(wrapped)) + wrapped + sealed, True
            return self.kms.internal_encrypt(key, value, context, "ssm"), False
        except ClientError as exc:
            raise self._kms_error(exc) from None

    def _open(self, param: Parameter, version: ParamVersion) -> str:
        blob = version.sealed
        assert blob is not None
        context = {"PARAMETER_ARN": param.arn}
        try:
            if version.envelope:
                (n,) = struct.unpack_from(">H", blob)
                data_key = self.kms.internal_decrypt(blob[2 : 2 + n], context, "ssm")
                plain = crypto.unseal(crypto.AESGCM(data_key), blob[2 + n :], crypto.canonical_context(context))
            else:
                plain = self.kms.internal_decrypt(blob, context, "ssm")
        except ClientError as exc:
            raise self._kms_error(exc) from None
        except crypto.IntegrityError:
            raise fail("InvalidKeyId", "The ciphertext of this parameter could not be decrypted.") from None
        return plain.decode()

    def value_of(self, param: Parameter, version: ParamVersion, decrypt: bool) -> str:
        """The ``Value`` a read returns: clear text, or a SecureString's ciphertext unless decrypting."""
        if version.type != "SecureString":
            return version.text  # type: ignore[return-value]
        if not decrypt:
            return base64.b64encode(version.sealed).decode()  # type: ignore[arg-type]
        return self._open(param, version)

    def parameter_out(self, param: Parameter, version: ParamVersion, decrypt: bool, selector: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Name": param.name,
            "Type": version.type,
            "Value": self.value_of(param, version, decrypt),
            "Version": version.version,
        }
        if selector is not None:
            out["Selector"] = selector
        out["LastModifiedDate"] = version.modified
        out["ARN"] = param.arn
        out["DataType"] = version.data_type
        return out

    def stored_bytes(self, name: str) -> bytes:
        """What Parameter Store keeps for the newest version: clear text for String and
        StringList, the KMS blob or envelope for SecureString. Read-only, for notebooks."""
        param = self.params.get(key_of(name))
        if param is None:
            raise not_found(name)
        latest = param.latest
        return latest.sealed if latest.sealed is not None else latest.text.encode()  # type: ignore[union-attr]

    def _choose_tier(self, requested: str | None, existing: Parameter | None, size: int, policies: bool, data_type: str) -> str:
        """Standard or Advanced, by AWS's rules (Intelligent-Tiering decides per request)."""
        current = existing.tier if existing is not None else None
        wanted = requested
        if wanted is None:
            # No Tier in the request: the region's default-tier setting decides, but a
            # Standard default never asks an Advanced parameter to step down.
            default = self.setting(DEFAULT_TIER)
            keep = current == "Advanced" or (current is not None and default == "Standard")
            wanted = current if keep else default
        if wanted == "Intelligent-Tiering":
            needs = (
                size > STANDARD_MAX_BYTES
                or policies
                or data_type in _ADVANCED_DATA_TYPES
                or (existing is None and self.counts["Standard"] >= self.standard_limit)
            )
            wanted = "Advanced" if needs or current == "Advanced" else "Standard"
        if current == "Advanced" and wanted == "Standard":
            raise fail("ValidationException", NO_DOWNGRADE)
        if wanted == "Standard":
            if size > STANDARD_MAX_BYTES:
                raise fail("ValidationException", STANDARD_TOO_BIG)
            if policies:
                raise fail("ValidationException", POLICIES_NEED_ADVANCED)
        elif size > ADVANCED_MAX_BYTES:
            raise fail("ValidationException", ADVANCED_TOO_BIG)
        return wanted

    def _lifecycle(self, what: str, param: Parameter) -> None:
        self.env.events.record(
            self.env.clock.now, "lifecycle", self.region, "ssm", what, "OK", param.arn, {"type": "advanced-parameter"}
        )

    def _remove(self, param: Parameter) -> None:
        del self.params[param.key]
        self.index.remove(param.key)
        self.counts[param.tier] -= 1
        param.policy_generation += 1  # silences any armed policy timer
        if param.tier == "Advanced":
            self._lifecycle("stop", param)

    def _expire(self, param: Parameter) -> None:
        self._remove(param)

    @staticmethod
    def _check_overwrite(existing: Parameter, overwrite: bool, tags: object, new_type: str | None) -> None:
        """An existing name needs Overwrite, takes no Tags, and keeps its type."""
        if not overwrite:
            raise fail("ParameterAlreadyExists", ALREADY_EXISTS)
        if tags:
            raise fail(
                "ValidationException",
                "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please "
                "remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource API.",
            )
        if new_type is not None and new_type != existing.latest.type:
            raise fail(
                "HierarchyTypeMismatchException",
                f"Parameter Store doesn't support changing a parameter type in a hierarchy. You can't change a "
                f"parameter from a {existing.latest.type} type to a {new_type} type. You must create a new, unique parameter.",
            )

    def _check_version_room(self, existing: Parameter) -> None:
        """At the version quota the oldest version makes room, unless a label still points at it."""
        if len(existing.versions) < self.version_limit:
            return
        oldest = existing.oldest.version
        if existing.labels_of(oldest):
            raise fail(
                "ParameterMaxVersionLimitExceeded",
                f"You attempted to create a new version of {existing.name} by calling the PutParameter API with "
                f"the overwrite flag. Version {oldest}, the oldest version, can't be deleted because it has a label "
                "associated with it. Move the label to another version of the parameter, and try again.",
            )

    # ================================================================ writing
    @operation("PutParameter")
    def put_parameter(
        self,
        *,
        Name: str,
        Value: str,
        Description: str | None = None,
        Type: str | None = None,
        KeyId: str | None = None,
        Overwrite: bool = False,
        AllowedPattern: str | None = None,
        Tags: list[dict[str, str]] | None = None,
        Tier: str | None = None,
        Policies: str | None = None,
        DataType: str | None = None,
    ) -> dict[str, Any]:
        """Create a parameter (``Type`` required) or, with ``Overwrite=True``, add version n+1.

        On an overwrite, fields left out keep their previous values (description, allowed
        pattern, key, data type, tier, policies) and the type cannot change. The steps below
        check everything that can fail, encryption included, before anything is stored, so a
        refused write leaves the parameter exactly as it was.
        """
        name = check_new_name(Name, self.arn_prefix)
        _check_put_fields(Value, Description, Type, KeyId, Overwrite, AllowedPattern, Tier, DataType)
        tags = self._check_tags(Tags) if Tags is not None else None
        if tags is not None and len(tags) > MAX_TAGS:
            raise fail("TooManyTagsError", f"A parameter can have at most {MAX_TAGS} tags.")
        now = self.env.clock.now
        policies = parse_policies(Policies, now) if Policies is not None else None

        key = key_of(name)
        existing = self.params.get(key)
        previous = existing.latest if existing is not None else None
        if existing is not None:
            self._touch(existing)
            self._check_overwrite(existing, Overwrite, Tags, Type)
        elif Type is None:
            raise fail("ValidationException", "A parameter type is required when you create a parameter.")
        ptype = Type or previous.type  # type: ignore[union-attr]
        if KeyId is not None and ptype != "SecureString":
            raise fail("ValidationException", "KeyId is required for SecureString type parameter only.")
        description = Description if Description is not None else (previous.description if previous else None)
        pattern = AllowedPattern if AllowedPattern is not None else (previous.allowed_pattern if previous else None)
        data_type = DataType or (previous.data_type if previous else "text")
        if pattern and not re.search(pattern, Value):
            raise fail("ParameterPatternMismatchException", f"Parameter value, cannot be validated against allowedPattern: {pattern}")
        has_policies = bool(policies) if policies is not None else bool(existing and existing.policies)
        raw = Value.encode()
        tier = self._choose_tier(Tier, existing, len(raw), has_policies, data_type)
        upgrading = tier == "Advanced" and (existing is None or existing.tier == "Standard")
        if existing is None and tier == "Standard" and self.counts["Standard"] >= self.standard_limit:
            raise fail("ParameterLimitExceeded", TOO_MANY_PARAMETERS)
        if upgrading and self.counts["Advanced"] >= self.advanced_limit:
            raise fail("ParameterLimitExceeded", TOO_MANY_PARAMETERS)
        if existing is not None:
            self._check_version_room(existing)
        arn = existing.arn if existing is not None else self.arn_prefix + key[1:]
        number = existing.last_version + 1 if existing is not None else 1
        version = ParamVersion(number, ptype, now, tier, description=description, allowed_pattern=pattern, data_type=data_type)
        if ptype == "SecureString":
            kept = previous.key_id if previous is not None else None
            version.key_id = KeyId or kept or DEFAULT_KEY
            # Everything that can fail is checked above or here, before anything is stored.
            version.sealed, version.envelope = self._seal(arn, raw, self._resolve_key(version.key_id), tier)
        else:
            version.text = Value

        if existing is None:
            param = Parameter(name, key, arn, tier)
            param.tags = tags or {}
            self.params[key] = param
            self.index.add(key)
            self.counts[tier] += 1
        else:
            param = existing
            if len(param.versions) >= self.version_limit:
                del param.versions[param.oldest.version]
            if param.tier != tier:
                self.counts[param.tier] -= 1
                self.counts[tier] += 1
        param.tier = tier
        param.versions[number] = version
        param.last_version = number
        self._touch(param)
        if upgrading:
            self._lifecycle("start", param)
        if policies is not None:
            param.policies = policies
            self.arm_policies(param)
        elif param.policies:
            self.rearm_no_change(param)
        version.policies = tuple(p["text"] for p in param.policies)
        return {"Version": number, "Tier": tier}

    @operation("DeleteParameter")
    def delete_parameter(self, *, Name: str) -> dict[str, Any]:
        """Delete a parameter with all its versions and labels, at once (no recovery window)."""
        name = clean_lookup_name(Name)
        param = self.params.get(key_of(name))
        if param is None:
            raise not_found(name)
        self._touch(param)
        self._remove(param)
        return {}

    @operation("DeleteParameters")
    def delete_parameters(self, *, Names: list[str]) -> dict[str, Any]:
        """Delete up to 10 parameters; unknown names are listed in ``InvalidParameters``, not raised."""
        names = [clean_lookup_name(n, "names.member") for n in check_list(Names, "Names", 1, 10)]
        deleted: list[str] = []
        invalid: list[str] = []
        for name in names:  # every name was checked first, so a bad one deletes nothing
            param = self.params.get(key_of(name))
            if param is None:
                invalid.append(name)
            else:
                self._touch(param)
                self._remove(param)
                deleted.append(name)
        return {"DeletedParameters": deleted, "InvalidParameters": invalid}

    # ================================================================ reading
    @operation("GetParameter")
    def get_parameter(self, *, Name: str, WithDecryption: bool = False) -> dict[str, Any]:
        """Read one parameter: ``name``, ``name:<version>``, ``name:<label>`` or its ARN.

        A SecureString comes back as ciphertext unless ``WithDecryption=True``; String and
        StringList values ignore the flag.
        """
        name = clean_lookup_name(Name)
        decrypt = check_bool(WithDecryption, "WithDecryption")
        if name.startswith(SM_REFERENCE):
            return {"Parameter": self._from_secrets_manager(name, decrypt)}
        param, version, selector = self._select(name)
        return {"Parameter": self.parameter_out(param, version, decrypt, selector)}

    @operation("GetParameters")
    def get_parameters(self, *, Names: list[str], WithDecryption: bool = False) -> dict[str, Any]:
        """Read up to 10 parameters at once, sorted by name; misses go to ``InvalidParameters``."""
        names = check_list(Names, "Names", 1)
        if len(names) > 10:
            joined = ", ".join(str(n) for n in names)
            raise fail("ValidationException", f"1 validation error detected: Value '[{joined}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10.")
        decrypt = check_bool(WithDecryption, "WithDecryption")
        found: list[dict[str, Any]] = []
        invalid: list[str] = []
        for raw in dict.fromkeys(clean_lookup_name(n, "names.member") for n in names):
            try:
                if raw.startswith(SM_REFERENCE):
                    found.append(self._from_secrets_manager(raw, decrypt))
                else:
                    param, version, selector = self._select(raw)
                    found.append(self.parameter_out(param, version, decrypt, selector))
            except ClientError as exc:
                if exc.code not in ("ParameterNotFound", "ParameterVersionNotFound"):
                    raise
                invalid.append(raw)
        found.sort(key=lambda p: p["Name"])
        return {"Parameters": found, "InvalidParameters": invalid}
