"""Regular expressions a caller writes (Parameter Store's and CloudFormation's ``AllowedPattern``),
run with a bound on their work.

Python's ``re`` backtracks without limit: ``^(a+)+$`` against thirty ``a`` and a ``!`` takes
longer than anyone waits, and ``a{99999999999}`` raises ``OverflowError`` as it compiles.
The ``regex`` package, a maintained superset of ``re`` (possessive quantifiers and atomic
groups too, as Java's patterns on AWS's side have), refuses an impossible repeat count as an
ordinary pattern error and stops a match that runs past a timeout. Both become errors the
caller's service answers with its own code:

* :func:`compile_pattern` raises :class:`PatternError` for a pattern that does not compile;
* :func:`matches` raises :class:`PatternTimeout` when a match takes more than
  :data:`MATCH_TIMEOUT` seconds (a kit-only bound: AWS documents none).
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["MATCH_TIMEOUT", "PatternError", "PatternTimeout", "compile_pattern", "matches"]

MATCH_TIMEOUT = 0.25  # seconds of matching one value may take; a well-behaved pattern needs microseconds


class PatternError(ValueError):
    """The text is not a regular expression."""


class PatternTimeout(ValueError):
    """Matching took longer than :data:`MATCH_TIMEOUT` (a pattern that backtracks without end)."""


@functools.lru_cache(maxsize=256)  # a parameter's pattern is checked again on every new version
def compile_pattern(text: str) -> Any:
    """``text`` compiled; :class:`PatternError` when it is not a valid pattern."""
    import regex  # loaded on the first pattern, not with the package

    try:
        return regex.compile(text)
    except (regex.error, OverflowError, ValueError, TypeError, RecursionError) as exc:
        raise PatternError(str(exc)) from None


def matches(pattern: str, value: str, *, whole: bool = False) -> bool:
    """Whether ``pattern`` is found in ``value`` (``whole``: matches all of it).

    :class:`PatternError` for a pattern that does not compile, :class:`PatternTimeout` for a
    match that takes too long.
    """
    compiled = compile_pattern(pattern)
    try:
        found = compiled.fullmatch(value, timeout=MATCH_TIMEOUT) if whole else compiled.search(value, timeout=MATCH_TIMEOUT)
    except TimeoutError:
        raise PatternTimeout(f"matching took more than {MATCH_TIMEOUT} seconds") from None
    return found is not None
