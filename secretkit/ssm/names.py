"""Parameter Store names, paths, selectors and labels: the rules AWS checks on the server.

A parameter name is either a single word (``db-password``) or a path (``/prod/db/password``)
whose segments are separated by ``/``. The rules, as AWS documents them:

* only ``a-zA-Z0-9_.-`` plus ``/`` between segments; no spaces inside (spaces at either end
  are trimmed); a hierarchy must start with ``/`` ("fully qualified");
* at most 15 levels;
* at most 1,011 characters *counting the ARN prefix* (``arn:aws:ssm:<region>:<account>:parameter/``);
* nothing may start with ``aws`` or ``ssm`` in any case: ``/aws/...`` is AWS's own namespace
  (public parameters, the Secrets Manager bridge), so writing there is *access denied*.

``/x`` and ``x`` name the same root parameter. Every name therefore has one *key*: its path
form, always with a leading ``/``. The key orders the index and builds the ARN
(``…:parameter/x`` for both spellings), while the name keeps the spelling it was created with.

A *selector* picks a version in a read: ``name:3`` (version 3) or ``name:prod`` (whatever
version carries the label ``prod``).
"""

from __future__ import annotations

import re

from ..core.checks import check_length, check_str, fail
from ..core.errors import ClientError

__all__ = [
    "INVALID_NAME",
    "MAX_LEVELS",
    "MAX_NAME_WITH_ARN",
    "check_new_name",
    "check_path",
    "clean_lookup_name",
    "is_valid_label",
    "key_of",
    "levels",
    "not_found",
    "parent_of",
    "split_selector",
]

MAX_LEVELS = 15
MAX_NAME_WITH_ARN = 1011
_SEGMENT = re.compile(r"[a-zA-Z0-9_.\-]+")
_PATH = re.compile(r"(?:/[a-zA-Z0-9_.\-]+)+")  # every segment of a path, checked in one match
_LABEL = re.compile(r"[a-zA-Z0-9_.\-]{1,100}")

INVALID_NAME = (
    "Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If formed as a path, it can consist of "
    "sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the "
    "following 3 symbols .-_"
)
RESERVED_ROOT = "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive)."
NOT_QUALIFIED = "Parameter name must be a fully qualified name."
HIERARCHY_TOO_DEEP = (
    "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints "
    "for parameter names in the Amazon Web Services Systems Manager User Guide."
)
INVALID_PATH = (
    "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a "
    "forward slash \"/\". It can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only "
    "letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters "
    "are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". "
    "Valid example: /get/parameters2-/by1./path0_."
)


def not_found(name: str) -> ClientError:
    """AWS's ``ParameterNotFound`` for ``name`` exactly as the caller spelled it."""
    return fail("ParameterNotFound", f"Parameter {name} not found.")


def key_of(name: str) -> str:
    """The path form of a name: ``x`` and ``/x`` share the key ``/x``."""
    return name if name.startswith("/") else "/" + name


def parent_of(key: str) -> str:
    """The path one level up: ``/a/b`` -> ``/a``; a root parameter's parent is ``/``."""
    cut = key.rfind("/")
    return key[:cut] if cut > 0 else "/"


def levels(key: str) -> int:
    return key.count("/")


def check_new_name(name: object, arn_prefix: str) -> str:
    """Validate a name for PutParameter and return it trimmed; raise AWS's error otherwise."""
    check_str(name, "Name")
    check_length(name, "name", 1, 2048)  # type: ignore[arg-type]
    trimmed = name.strip(" ")  # type: ignore[union-attr]
    if not trimmed:
        raise fail("ValidationException", "Parameter name must not be empty.")
    if not trimmed.startswith("/") and "/" in trimmed:
        raise fail("ValidationException", NOT_QUALIFIED)
    path = trimmed.startswith("/")
    if not (_PATH if path else _SEGMENT).fullmatch(trimmed):
        raise fail("ValidationException", INVALID_NAME)
    first = (trimmed[1:].split("/", 1)[0] if path else trimmed).lower()
    if path:
        if first.startswith("aws"):
            raise fail("AccessDeniedException", f"No access to reserved parameter name: {trimmed}.")
        if first.startswith("ssm"):
            raise fail("ValidationException", INVALID_NAME)
    elif first.startswith(("aws", "ssm")):
        raise fail("ValidationException", RESERVED_ROOT)
    if (trimmed.count("/") if path else 1) > MAX_LEVELS:
        raise fail("HierarchyLevelLimitExceededException", HIERARCHY_TOO_DEEP)
    limit = MAX_NAME_WITH_ARN - len(arn_prefix)
    if len(key_of(trimmed)) - 1 > limit:
        raise fail(
            "ValidationException",
            f"1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length "
            f"less than or equal to {limit} (1011 characters including the ARN prefix {arn_prefix}).",
        )
    return trimmed


def clean_lookup_name(name: object, field_name: str = "name") -> str:
    """Type and length checks for a name used in a read, delete or label call."""
    if type(name) is not str or not 0 < len(name) <= 2048:
        check_length(check_str(name, "Name"), field_name, 1, 2048)
    return name.strip(" ")  # type: ignore[union-attr]


def split_selector(ref: str, arn_prefix: str) -> tuple[str, str | None]:
    """Split ``name[:selector]`` (or an ARN with an optional selector) into ``(name, selector)``.

    More than one selector colon is not an error of its own: AWS simply finds no such
    parameter, so the caller raises ``ParameterNotFound`` with the whole string.
    """
    head = ""
    rest = ref
    if ref.startswith("arn:"):
        if not ref.startswith(arn_prefix):
            raise not_found(ref)
        head, rest = arn_prefix, "/" + ref[len(arn_prefix):]
    if ":" not in rest:
        return (rest if head else ref), None
    base, _, selector = rest.partition(":")
    if ":" in selector or not selector:
        raise not_found(ref)
    return base, selector


def is_valid_label(label: str) -> bool:
    """Labels: 1-100 of ``a-zA-Z0-9_.-``, not starting with a digit, ``aws`` or ``ssm``."""
    if not _LABEL.fullmatch(label):
        return False
    return not (label[0].isdigit() or label.lower().startswith(("aws", "ssm")))


def check_path(path: object, field_name: str = "path") -> str:
    """A hierarchy path for GetParametersByPath or a Path filter: ``/``, ``/a`` or ``/a/b/``."""
    check_str(path, "Path")
    check_length(path, field_name, 1, 2048)  # type: ignore[arg-type]
    p: str = path  # type: ignore[assignment]
    if not p.startswith("/"):
        raise fail("ValidationException", INVALID_PATH)
    body = p.strip("/")
    if body:
        segments = body.split("/")
        if not all(_SEGMENT.fullmatch(s) for s in segments):
            raise fail("ValidationException", INVALID_PATH)
        if len(segments) > MAX_LEVELS:
            raise fail("HierarchyLevelLimitExceededException", HIERARCHY_TOO_DEEP)
    elif p != "/":
        raise fail("ValidationException", INVALID_PATH)
    return "/" + body if body else "/"
