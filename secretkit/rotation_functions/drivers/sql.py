"""Reading the few SQL statements a rotation function sends, for the simulated servers.

A real driver sends SQL text to a real server. The simulated servers of
:mod:`secretkit.databases` understand no SQL, so the kit's stand-in drivers read each
statement here and turn it into the server's operations. Only what rotation needs is
understood (changing a password, creating a user, granting, the test query); anything else
gets the driver's own "syntax error" naming the statements it knows.

Parameters are bound the way PyGreSQL and PyMySQL bind them, on the client: each ``%s`` (or
``%(name)s``) becomes a quoted literal and ``%%`` a ``%``. The bound text is then cut into
tokens and reduced to a *shape*: identifiers and keywords upper-cased, every literal ``L``
and every quoted identifier ``I``, with their values kept in order::

    >>> shape('ALTER USER "app" WITH PASSWORD \\'s3cr3t\\'')
    ('ALTER USER I WITH PASSWORD L', ['app', 's3cr3t'])

A dialect matches shapes with regular expressions whose groups capture the operands it
needs (:func:`statement`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Statement", "bind", "quote_literal", "shape", "statement"]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lit>'(?:[^'\\]|''|\\.)*')           # a string literal
      | (?P<qid>"(?:[^"]|"")*")                 # a "quoted" identifier
      | (?P<bid>`(?:[^`]|``)*`)                 # a `backtick` identifier (MySQL)
      | (?P<num>\d+(?:\.\d+)?)                  # a number
      | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)       # a keyword or a bare identifier
      | (?P<punct>[(),.=*@;:+\-])               # punctuation
    )""",
    re.VERBOSE,
)


def quote_literal(value: Any, *, backslashes: bool = False) -> str:
    """``value`` as a SQL literal: ``'it''s'`` (PostgreSQL), ``'it\\'s'`` (MySQL, ``backslashes``)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if backslashes:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + text.replace("'", "''") + "'"


def bind(sql: str, params: Sequence[Any] | Mapping[str, Any] | None, *, backslashes: bool = False) -> str:
    """Put ``params`` into ``sql`` as pyformat placeholders say, as the real drivers do."""
    if params is None:
        return sql
    if isinstance(params, Mapping):
        named = {k: quote_literal(v, backslashes=backslashes) for k, v in params.items()}
        try:
            return sql % named
        except (KeyError, ValueError, TypeError) as exc:
            raise TypeError(f"the parameters do not fit the statement's placeholders: {exc}") from None
    values = tuple(quote_literal(v, backslashes=backslashes) for v in params)
    try:
        return sql % values
    except (ValueError, TypeError) as exc:
        raise TypeError(f"the parameters do not fit the statement's placeholders: {exc}") from None


def _unquote(kind: str, text: str) -> str:
    if kind == "lit":
        body = text[1:-1]
        return re.sub(r"\\(.)", r"\1", body.replace("''", "'")) if "\\" in body else body.replace("''", "'")
    if kind == "qid":
        return text[1:-1].replace('""', '"')
    return text[1:-1].replace("``", "`")


def _tokens(sql: str) -> list[tuple[str, str]]:
    """``(shape token, value)`` for each token: a literal's or quoted name's value unquoted, a
    bare word as written."""
    out: list[tuple[str, str]] = []
    position, text = 0, sql.strip().rstrip(";").strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise SyntaxError(f"cannot read the statement near {text[position:position + 20]!r}")
        position = match.end()
        kind = match.lastgroup or ""
        token = match.group(kind)
        if kind == "lit":
            out.append(("L", _unquote(kind, token)))
        elif kind in ("qid", "bid"):
            out.append(("I", _unquote(kind, token)))
        elif kind == "word":
            out.append((token.upper(), token))
        else:
            out.append((token, token))
    return out


def shape(sql: str) -> tuple[str, list[str]]:
    """The statement's shape and its literal and quoted values, in order (see the module)."""
    tokens = _tokens(sql)
    return " ".join(t for t, _ in tokens), [v for t, v in tokens if t in ("L", "I")]


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement read: which rule matched, and the operands its groups captured.

    An operand is a literal's value, a quoted identifier's name, or a bare word as written
    (a dialect folds bare names as its server does: PostgreSQL to lower case).
    """

    rule: str
    operands: tuple[str, ...]
    quoted: tuple[bool, ...]  # whether each operand was a literal or quoted name (not a bare word)


def statement(sql: str, rules: Mapping[str, re.Pattern[str]]) -> Statement:
    """Match a bound statement against a dialect's rules (name -> pattern over its shape).

    A group that captures one token (``L``, ``I`` or a bare word) gives that token's value; one
    that captures several (``SELECT , INSERT``) gives their shape. Raises :class:`SyntaxError` with the shape when no rule matches.
    """
    tokens = _tokens(sql)
    text = " ".join(t for t, _ in tokens)
    for name, pattern in rules.items():
        match = pattern.fullmatch(text)
        if match:
            operands: list[str] = []
            quoted: list[bool] = []
            for index in range(1, (match.lastindex or 0) + 1):
                start, end = match.span(index)
                if start < 0:
                    continue
                first, last = text[:start].count(" "), text[:end].count(" ")
                if first == last:  # one token: its value
                    kind, value = tokens[first]
                    operands.append(value)
                    quoted.append(kind in ("L", "I"))
                else:  # several (a list of privileges): the shape's words
                    operands.append(text[start:end])
                    quoted.append(False)
            return Statement(name, tuple(operands), tuple(quoted))
    raise SyntaxError(text)
