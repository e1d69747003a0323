"""How a policy's patterns meet a request: actions, resource ARNs, wildcards and variables.

IAM's patterns know two wildcards: ``*`` (any run of characters, also none) and ``?``
(exactly one character). They are matched three ways:

* **actions** (``secretsmanager:Get*``) against the whole action name, ignoring case:
  ``SecretsManager:GetSecretValue`` and ``secretsmanager:getsecretvalue`` are one action;
* **resources** and the ``Arn*`` condition operators field by field: an ARN has six
  colon-separated fields (``arn:partition:service:region:account:resource``) and a
  wildcard in one of the first five never swallows a colon, so
  ``arn:aws:secretsmanager:*:111122223333:secret:*`` cannot match an ARN of another
  account. A pattern with fewer than six fields is padded with ``*`` fields, as IAM reads
  ``arn:aws:secretsmanager`` as ``arn:aws:secretsmanager:*:*:*``;
* ``StringLike`` against the whole string, case-sensitively (a ``*`` crosses colons).

**Policy variables** (``${aws:username}``, ``${aws:PrincipalTag/team}``, ``${aws:userid}``)
are placeholders filled from the request context when the request is evaluated, in
policies of version ``2012-10-17`` only; in ``2008-10-17`` they are plain text. ``${*}``,
``${?}`` and ``${$}`` stand for the literal characters, and ``${key, 'default'}`` gives a
value for a key the request lacks. A substituted value is taken literally, never as a
wildcard. A variable whose key is missing (and has no default) makes that pattern match
nothing.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, Sequence

__all__ = [
    "ActionMatcher",
    "PatternMatcher",
    "Template",
    "compile_arn",
    "compile_glob",
    "parse_template",
]

# Literal wildcard characters coming from a substituted value travel as these two.
_STAR, _QMARK = "\x00", "\x01"
_VAR_RE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT_RE = re.compile(r"^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$")
_CACHE_LIMIT = 2048

Lookup = Callable[[str], "tuple[str, ...] | None"]


def _glob_body(text: str, wild: str) -> str:
    """Regex source for ``text`` where ``*``/``?`` are wildcards (``wild`` is what ``*`` may span)."""
    out = []
    for ch in text:
        if ch == "*":
            out.append(wild + "*")
        elif ch == "?":
            out.append(wild)
        elif ch == _STAR:
            out.append(r"\*")
        elif ch == _QMARK:
            out.append(r"\?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def compile_glob(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    """A regex matching whole strings against an IAM wildcard pattern."""
    return re.compile(_glob_body(pattern, "(?s:.)") + r"\Z", re.IGNORECASE if ignore_case else 0)


@functools.lru_cache(maxsize=4096)
def compile_arn(pattern: str) -> re.Pattern[str]:
    """A regex matching ARNs field by field (see the module docstring)."""
    fields = pattern.split(":", 5)
    fields += ["*"] * (6 - len(fields))
    head = ":".join(_glob_body(f, "[^:]") for f in fields[:5])
    return re.compile(head + ":" + _glob_body(fields[5], "(?s:.)") + r"\Z")


class Template:
    """A pattern that may hold policy variables, kept split for fast substitution."""

    __slots__ = ("text", "parts", "keys")

    def __init__(self, text: str, parts: tuple[str | tuple[str, str | None], ...]) -> None:
        self.text = text
        self.parts = parts  # literal text, or (lower-cased key, default)
        self.keys = tuple(p[0] for p in parts if isinstance(p, tuple))

    def fill(self, lookup: Lookup) -> str | None:
        """The pattern with every variable replaced (values made literal), or ``None``."""
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            key, default = part
            if key in ("*", "?", "$"):
                out.append({"*": _STAR, "?": _QMARK, "$": "$"}[key])
                continue
            values = lookup(key)
            if values:
                value = values[0]
            elif default is not None:
                value = default
            else:
                return None
            out.append(value.replace("*", _STAR).replace("?", _QMARK))
        return "".join(out)


def parse_template(text: str, variables: bool) -> str | Template:
    """``text`` itself when it holds no variable (or ``variables`` is off), else a Template."""
    if not variables or "${" not in text:
        return text
    parts: list[str | tuple[str, str | None]] = []
    pos = 0
    for m in _VAR_RE.finditer(text):
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        body = m.group(1)
        dm = _DEFAULT_RE.match(body)
        if dm:
            parts.append((dm.group(1).lower(), dm.group(2)))
        else:
            parts.append((body.strip().lower(), None))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return Template(text, tuple(parts))


def _drop_seen(matcher: ActionMatcher | PatternMatcher) -> tuple[None, dict[str, object]]:
    """A matcher's state for pickling and for ``kit_snapshot``: its slots, with the memo of
    answers (``_seen``) empty, so a saved Cloud and its snapshot do not depend on which
    actions or ARNs happened to be asked about before."""
    slots = {name: getattr(matcher, name) for name in type(matcher).__slots__}
    slots["_seen"] = {}
    return None, slots


class ActionMatcher:
    """The ``Action``/``NotAction`` list of one statement, matched case-insensitively."""

    __slots__ = ("patterns", "exact", "regexes", "everything", "_seen")

    def __getstate__(self) -> tuple[None, dict[str, object]]:
        # what was matched before is a cache, no part of the state (see _drop_seen)
        return _drop_seen(self)

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        lowered = [p.lower() for p in self.patterns]
        self.everything = "*" in lowered
        self.exact = frozenset(p for p in lowered if "*" not in p and "?" not in p)
        self.regexes = tuple(compile_glob(p, True) for p in lowered if ("*" in p or "?" in p) and p != "*")
        self._seen: dict[str, bool] = {}

    def matches(self, action_lower: str) -> bool:
        """Whether the lower-cased action name is in the list."""
        hit = self._seen.get(action_lower)
        if hit is None:
            hit = self.everything or action_lower in self.exact or any(r.match(action_lower) for r in self.regexes)
            if len(self._seen) > _CACHE_LIMIT:
                self._seen.clear()
            self._seen[action_lower] = hit
        return hit


class PatternMatcher:
    """A ``Resource``/``NotResource`` list (ARN matching), variables included."""

    __slots__ = ("patterns", "everything", "fixed", "templates", "_seen")

    def __getstate__(self) -> tuple[None, dict[str, object]]:
        # what was matched before is a cache, no part of the state (see _drop_seen)
        return _drop_seen(self)

    def __init__(self, patterns: Sequence[str], variables: bool) -> None:
        self.patterns = tuple(patterns)
        self.everything = "*" in self.patterns
        parsed = [parse_template(p, variables) for p in self.patterns]
        self.fixed = tuple(compile_arn(p) for p in parsed if isinstance(p, str) and p != "*")
        self.templates = tuple(p for p in parsed if isinstance(p, Template))
        self._seen: dict[str, bool] = {}

    def matches(self, value: str, lookup: Lookup) -> bool:
        """Whether ``value`` (an ARN) matches one of the patterns."""
        if self.everything:
            return True
        hit = self._seen.get(value)
        if hit is None:
            hit = any(r.match(value) for r in self.fixed)
            if len(self._seen) > _CACHE_LIMIT:
                self._seen.clear()
            self._seen[value] = hit
        if hit or not self.templates:
            return hit
        for template in self.templates:
            filled = template.fill(lookup)
            if filled is not None and compile_arn(filled).match(value):
                return True
        return False
