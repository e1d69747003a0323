"""Parameter Store (the parameter part of AWS Systems Manager), one per region: the facade
whose methods are the service's operations.

Three types of parameter:

``String`` / ``StringList``
    Stored in the clear. Anyone allowed to read the parameter reads the value.
``SecureString``
    Encrypted for real under a KMS key (``alias/aws/ssm`` unless ``KeyId`` names another);
    read it without ``WithDecryption=True`` and you get the ciphertext (base64), as on AWS.
    :meth:`ParameterStore.stored_bytes` shows what is actually kept for each type.

Every overwrite (``Overwrite=True``) makes version n+1; the last 100 versions are kept.
Labels name versions (``name:prod`` in a read), one version per label per parameter.

:class:`ParameterStore` owns the parameters of its region (a
:class:`~secretkit.ssm.store.Parameters`, which also seals and opens SecureString values)
and the parts that work on them, each handed that store: :mod:`.listing` (paths, describe,
history), :mod:`.labels` (labels and tags), :mod:`.policies` (parameter policies on the
clock) and :mod:`.settings` (the service settings). Writing, reading and deleting are here;
the naming rules are in :mod:`.names`, the tier rules in :mod:`.tiers`, and names like
``/aws/reference/secretsmanager/<secret>`` read a Secrets Manager secret through
:mod:`.reference`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..core.checks import check_bool, check_length, check_list, check_str, fail
from ..core.errors import ClientError
from ..core.patterns import PatternError, PatternTimeout, compile_pattern, matches
from ..core.service import Env, Service, operation, served_by
from ..kms import Kms
from .access import RULES
from .labels import MAX_TAGS, Labels, check_tags
from .listing import Listing
from .names import check_new_name, clean_lookup_name, key_of, not_found
from .policies import Policies, parse_policies
from .records import Parameter, ParamVersion
from .reference import SM_REFERENCE, Reference
from .settings import DEFAULT_TIER, Settings
from .store import Parameters
from .tiers import TIERS, choose_tier

__all__ = ["ParameterStore"]

TYPES = ("String", "StringList", "SecureString")
DATA_TYPES = (
    "text", "aws:ec2:image", "aws:ssm:integration", "aws:region", "aws:account:id", "boolean", "integer",
    "float", "binary", "hostname", "email", "ipv4-address", "ipv6-address", "url", "json", "jsonc",
)
_KEY_ID_RE = re.compile(r"^([a-zA-Z0-9:/_-]+)$")
DEFAULT_KEY = "alias/aws/ssm"

ALREADY_EXISTS = "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
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
            compile_pattern(AllowedPattern)
        except PatternError:
            raise fail("InvalidAllowedPatternException", f"The allowed pattern {AllowedPattern} is not a valid regular expression.") from None
    if Tier is not None and Tier not in TIERS:
        raise fail("ValidationException", f"1 validation error detected: Value '{Tier}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]")
    if DataType is not None:
        check_length(check_str(DataType, "DataType"), "dataType", 0, 128)
        if DataType not in DATA_TYPES:
            raise fail("ValidationException", f"The following data type is not supported: {DataType} (Data type names are all lowercase.)")


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


def _check_version_room(existing: Parameter, limit: int) -> None:
    """At the version quota the oldest version makes room, unless a label still points at it."""
    if len(existing.versions) < limit:
        return
    oldest = existing.oldest.version
    if existing.labels_of(oldest):
        raise fail(
            "ParameterMaxVersionLimitExceeded",
            f"You attempted to create a new version of {existing.name} by calling the PutParameter API with "
            f"the overwrite flag. Version {oldest}, the oldest version, can't be deleted because it has a label "
            "associated with it. Move the label to another version of the parameter, and try again.",
        )


class ParameterStore(Service):
    """The Parameter Store of one region. Methods mirror boto3's ``ssm`` client.

    The Cloud builds it with ``secrets_manager()``, the same region's Secrets Manager made
    on demand, for the ``/aws/reference/secretsmanager/`` names.
    """

    service_name = "ssm"
    access = RULES  # what each operation is about, for access control (see .access)

    def __init__(self, env: Env, kms: Kms, secrets_manager: Callable[[], Any] | None = None) -> None:
        super().__init__(env)
        self.kms = kms
        self.store = store = Parameters(env, kms)
        self.listing = Listing(store)
        self.labels = Labels(store)
        self.policies = Policies(store)
        self.settings = Settings(store)
        self.reference = Reference(secrets_manager)

    # ------------------------------------------------------- served by the parts
    get_parameters_by_path = served_by("listing", Listing)
    describe_parameters = served_by("listing", Listing)
    get_parameter_history = served_by("listing", Listing)
    label_parameter_version = served_by("labels", Labels)
    unlabel_parameter_version = served_by("labels", Labels)
    add_tags_to_resource = served_by("labels", Labels)
    remove_tags_from_resource = served_by("labels", Labels)
    list_tags_for_resource = served_by("labels", Labels)
    get_service_setting = served_by("settings", Settings)
    update_service_setting = served_by("settings", Settings)
    reset_service_setting = served_by("settings", Settings)

    # ------------------------------------------------------- for notebooks
    def stored_bytes(self, name: str) -> bytes:
        """What Parameter Store keeps for the newest version: clear text for String and
        StringList, the KMS blob or envelope for SecureString. Read-only, for notebooks."""
        param = self.store.params.get(key_of(name))
        if param is None:
            raise not_found(name)
        latest = param.latest
        return latest.sealed if latest.sealed is not None else latest.text.encode()  # type: ignore[union-attr]

    # ------------------------------------------------------- writing, reading, deleting
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
        store = self.store
        name = check_new_name(Name, store.arn_prefix)
        _check_put_fields(Value, Description, Type, KeyId, Overwrite, AllowedPattern, Tier, DataType)
        tags = check_tags(Tags) if Tags is not None else None
        if tags is not None and len(tags) > MAX_TAGS:
            raise fail("TooManyTagsError", f"A parameter can have at most {MAX_TAGS} tags.")
        now = self.env.clock.now
        policies = parse_policies(Policies, now) if Policies is not None else None

        key = key_of(name)
        existing = store.params.get(key)
        previous = existing.latest if existing is not None else None
        if existing is not None:
            store.touch(existing)
            _check_overwrite(existing, Overwrite, Tags, Type)
        elif Type is None:
            raise fail("ValidationException", "A parameter type is required when you create a parameter.")
        ptype = Type or previous.type  # type: ignore[union-attr]
        if KeyId is not None and ptype != "SecureString":
            raise fail("ValidationException", "KeyId is required for SecureString type parameter only.")
        description = Description if Description is not None else (previous.description if previous else None)
        pattern = AllowedPattern if AllowedPattern is not None else (previous.allowed_pattern if previous else None)
        data_type = DataType or (previous.data_type if previous else "text")
        if pattern and not _value_matches(pattern, Value):
            raise fail("ParameterPatternMismatchException", f"Parameter value, cannot be validated against allowedPattern: {pattern}")
        has_policies = bool(policies) if policies is not None else bool(existing and existing.policies)
        raw = Value.encode()
        tier = choose_tier(
            Tier,
            existing.tier if existing is not None else None,
            len(raw),
            has_policies,
            data_type,
            default=self.settings.setting(DEFAULT_TIER),
            standard_full=existing is None and store.counts["Standard"] >= store.standard_limit,
        )
        upgrading = tier == "Advanced" and (existing is None or existing.tier == "Standard")
        if existing is None and tier == "Standard" and store.counts["Standard"] >= store.standard_limit:
            raise fail("ParameterLimitExceeded", TOO_MANY_PARAMETERS)
        if upgrading and store.counts["Advanced"] >= store.advanced_limit:
            raise fail("ParameterLimitExceeded", TOO_MANY_PARAMETERS)
        if existing is not None:
            _check_version_room(existing, store.version_limit)
        arn = existing.arn if existing is not None else store.arn_prefix + key[1:]
        number = existing.last_version + 1 if existing is not None else 1
        version = ParamVersion(number, ptype, now, tier, description=description, allowed_pattern=pattern, data_type=data_type)
        if ptype == "SecureString":
            kept = previous.key_id if previous is not None else None
            version.key_id = KeyId or kept or DEFAULT_KEY
            # Everything that can fail is checked above or here, before anything is stored.
            version.sealed, version.envelope = store.seal(arn, raw, store.resolve_key(version.key_id), tier, store.aad(arn))
        else:
            version.text = Value

        if existing is None:
            param = Parameter(name, key, arn, tier)
            param.tags = tags or {}
            store.add(param)
        else:
            param = existing
            if len(param.versions) >= store.version_limit:
                del param.versions[param.oldest.version]
            if param.tier != tier:
                store.counts[param.tier] -= 1
                store.counts[tier] += 1
        param.tier = tier
        param.versions[number] = version
        param.last_version = number
        store.touch(param)
        if upgrading:
            store.lifecycle("start", param)
        if policies is not None:
            param.policies = policies
            self.policies.arm_policies(param)
        elif param.policies:
            self.policies.rearm_no_change(param)
        version.policies = tuple(p["text"] for p in param.policies) if param.policies else ()
        return {"Version": number, "Tier": tier}

    @operation("DeleteParameter")
    def delete_parameter(self, *, Name: str) -> dict[str, Any]:
        """Delete a parameter with all its versions and labels, at once (no recovery window)."""
        name = clean_lookup_name(Name)
        param = self.store.params.get(key_of(name))
        if param is None:
            raise not_found(name)
        self.store.touch(param)
        self.store.remove(param)
        return {}

    @operation("DeleteParameters")
    def delete_parameters(self, *, Names: list[str]) -> dict[str, Any]:
        """Delete up to 10 parameters; unknown names are listed in ``InvalidParameters``, not raised."""
        names = [clean_lookup_name(n, "names.member") for n in check_list(Names, "Names", 1, 10)]
        deleted: list[str] = []
        invalid: list[str] = []
        for name in names:  # every name was checked first, so a bad one deletes nothing
            param = self.store.params.get(key_of(name))
            if param is None:
                invalid.append(name)
            else:
                self.store.touch(param)
                self.store.remove(param)
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
        decrypt = WithDecryption
        if decrypt is not False and decrypt is not True:
            check_bool(decrypt, "WithDecryption")  # raises AWS's type error
        if name.startswith(SM_REFERENCE):
            return {"Parameter": self.reference.read(name, decrypt)}
        store = self.store
        param, version, selector = store.select(name)
        return {"Parameter": store.parameter_out(param, version, decrypt, selector)}

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
                    found.append(self.reference.read(raw, decrypt))
                else:
                    param, version, selector = self.store.select(raw)
                    found.append(self.store.parameter_out(param, version, decrypt, selector))
            except ClientError as exc:
                if exc.code not in ("ParameterNotFound", "ParameterVersionNotFound"):
                    raise
                invalid.append(raw)
        found.sort(key=lambda p: p["Name"])
        return {"Parameters": found, "InvalidParameters": invalid}


def _value_matches(pattern: str, value: str) -> bool:
    """Whether ``value`` satisfies AllowedPattern ``pattern``; a match that runs too long is refused."""
    try:
        return matches(pattern, value)
    except PatternError:  # a stored pattern from an older version of the kit's own rules
        raise fail("InvalidAllowedPatternException", f"The allowed pattern {pattern} is not a valid regular expression.") from None
    except PatternTimeout:
        raise fail(
            "ValidationException",
            f"1 validation error detected: Value at 'value' could not be checked against allowedPattern {pattern}: "
            "the match takes too long",
        ) from None
