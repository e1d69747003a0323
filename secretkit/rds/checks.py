"""RDS's argument rules and errors, with RDS's codes and, where they are known, its messages.

RDS answers bad input mostly with two codes: ``InvalidParameterValue`` (one value breaks a
rule) and ``InvalidParameterCombination`` (values that cannot go together), plus the
faults botocore's model names (``DBInstanceNotFound`` with HTTP 404,
``DBInstanceAlreadyExists``, ``DBClusterNotFoundFault``, ...). The messages below that AWS
is known to send are AWS's; the others are the kit's, written in the same style. Every
operation checks all of its arguments before it changes anything.

Like every query-protocol service, an RDS error carries ``Type: Sender`` beside its code and
message, and the direct model's errors carry it too.
"""

from __future__ import annotations

import re
from ..core.checks import check_bool, check_int, check_list, check_str
from ..core.checks import fail as _fail
from ..core.errors import ClientError, error_class
from .engines import ENGINES, RdsEngine

__all__ = [
    "check_class",
    "check_dbname",
    "check_engine",
    "check_groups",
    "check_identifier",
    "check_opt_bool",
    "check_opt_strs",
    "check_password",
    "check_port",
    "check_storage",
    "check_tags",
    "check_username",
    "combination",
    "fail",
    "invalid",
    "not_found",
]

# botocore's model gives these faults their HTTP status; the rest are 400.
for _code, _status in (("DBInstanceNotFound", 404), ("DBClusterNotFoundFault", 404)):
    error_class(_code).status = _status

_IDENTIFIER = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_DBNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_CLASS = re.compile(r"db\.[a-z0-9]+\.[a-z0-9-]+")
_PASSWORD_FORBIDDEN = set('/@" ')
_RESERVED_USERNAMES = {"rdsadmin"}


def fail(code: str, message: str) -> ClientError:
    """An RDS error (the caller raises it)."""
    return _fail(code, message, Type="Sender")


def invalid(message: str) -> ClientError:
    return fail("InvalidParameterValue", message)


def combination(message: str) -> ClientError:
    return fail("InvalidParameterCombination", message)


def not_found(kind: str, identifier: str) -> ClientError:
    """``DBInstance mydb not found.`` / ``DBCluster mycluster not found.``"""
    code = "DBInstanceNotFound" if kind == "DBInstance" else "DBClusterNotFoundFault"
    return fail(code, f"{kind} {identifier} not found.")


def check_identifier(value: object, field_name: str) -> str:
    """An instance or cluster identifier: 1-63 letters, digits or hyphens, a letter first, no
    trailing or doubled hyphen. RDS stores it lower-cased."""
    check_str(value, field_name)
    assert isinstance(value, str)
    if not _IDENTIFIER.fullmatch(value) or value.endswith("-"):
        raise invalid(
            f"The parameter {field_name} is not a valid identifier. Identifiers must begin with a letter; "
            "must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain "
            "two consecutive hyphens."
        )
    return value.lower()


def check_engine(value: object) -> RdsEngine:
    """An engine this RDS runs (see :mod:`.engines`)."""
    check_str(value, "Engine")
    engine = ENGINES.get(value)  # type: ignore[arg-type]
    if engine is None:
        raise invalid(f"Invalid DB engine: {value}")
    return engine


def check_class(value: object, field_name: str = "DBInstanceClass") -> str:
    check_str(value, field_name)
    assert isinstance(value, str)
    if not _CLASS.fullmatch(value):
        raise invalid(f"Invalid DB Instance class: {value}")
    return value


def check_username(value: object, engine: RdsEngine) -> str:
    """MasterUsername: a letter, then letters, digits or underscores, up to the engine's limit."""
    if value is None or value == "":
        raise invalid("The parameter MasterUsername must be provided and must not be blank.")
    check_str(value, "MasterUsername")
    assert isinstance(value, str)
    if not _USERNAME.fullmatch(value) or len(value) > engine.username_max:
        raise invalid(
            f"MasterUsername {value} is not valid: it must begin with a letter and contain 1 to "
            f"{engine.username_max} letters, digits or underscores."
        )
    if value.lower() in _RESERVED_USERNAMES:
        raise invalid(f"MasterUsername {value} cannot be used as it is a reserved word used by the engine")
    return value


def check_password(value: object, engine: RdsEngine) -> str:
    """MasterUserPassword: printable ASCII except ``/``, ``"``, ``@`` and space; 8 to the engine's maximum."""
    check_str(value, "MasterUserPassword")
    assert isinstance(value, str)
    if any(not (" " <= c <= "~") or c in _PASSWORD_FORBIDDEN for c in value):
        raise invalid(
            "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters "
            "besides '/', '@', '\"', ' ' may be used."
        )
    if len(value) < 8:
        raise invalid("The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.")
    if len(value) > engine.password_max:
        raise invalid(
            f"The parameter MasterUserPassword is not a valid password because it is longer than "
            f"{engine.password_max} characters."
        )
    return value


def check_dbname(value: object, engine: RdsEngine, field_name: str = "DBName") -> str:
    check_str(value, field_name)
    assert isinstance(value, str)
    if not _DBNAME.fullmatch(value) or len(value) > engine.dbname_max:
        raise invalid(
            f"The parameter {field_name} is not a valid identifier. It must begin with a letter and contain "
            f"1 to {engine.dbname_max} letters, digits or underscores."
        )
    return value


def check_port(value: object) -> int:
    port = check_int(value, "Port")
    if not 1150 <= port <= 65535:
        raise invalid(f"Invalid port {port}: the port must be from 1150 to 65535.")
    return port


def check_storage(value: object, engine: RdsEngine) -> int:
    """AllocatedStorage in GiB: 20 to 65536 on General Purpose storage."""
    if value is None:
        value = 0
    size = check_int(value, "AllocatedStorage")
    if not 20 <= size <= 65536:
        raise invalid(f"Invalid storage size for engine name {engine.name} and storage type gp2: {size}")
    return size


def check_opt_bool(value: object, field_name: str) -> bool | None:
    return None if value is None else check_bool(value, field_name)


def check_opt_strs(**values: object) -> None:
    """Each given (not None) value must be a string: ``check_opt_strs(EngineVersion=v, KmsKeyId=k)``."""
    for name, value in values.items():
        if value is not None:
            check_str(value, name)


def check_groups(value: object) -> list[str]:
    """``VpcSecurityGroupIds``: a list of strings (kept and shown; the kit has no VPCs)."""
    return [check_str(v, "VpcSecurityGroupIds") for v in check_list(value, "VpcSecurityGroupIds")] if value else []


def check_tags(tags: object) -> list[dict[str, str]]:
    """Tags: at most 50, keys 1-128 characters, values 0-256, no ``aws:`` or ``rds:`` prefix."""
    if tags is None:
        return []
    rows = check_list(tags, "Tags")
    out: dict[str, str] = {}
    for row in rows:
        if not isinstance(row, dict) or "Key" not in row:
            raise invalid("Each tag must have a Key.")
        key, value = row["Key"], row.get("Value", "")
        check_str(key, "Key")
        check_str(value, "Value")
        if not 1 <= len(key) <= 128 or len(value) > 256:
            raise invalid("A tag key must have 1 to 128 characters and a tag value at most 256.")
        if key.lower().startswith(("aws:", "rds:")):
            raise invalid(f"Tag keys can't begin with aws: or rds: ({key}).")
        out[key] = value
    if len(out) > 50:
        raise fail("TagQuotaPerResourceExceeded", "A resource can have at most 50 tags.")
    return [{"Key": k, "Value": v} for k, v in out.items()]
