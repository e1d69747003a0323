"""GetRandomPassword: a password drawn from the Cloud's seeded random source.

The rules are AWS's: 1 to 4,096 characters (32 by default) from letters, digits and
punctuation, each kind excludable, with at least one of each included kind unless
``RequireEachIncludedType=False``. The draw is seeded, so the same Cloud seed and calls give
the same passwords on every run (see :func:`secretkit.core.ids.random_password`).
"""

from __future__ import annotations

from typing import Any

from ..core.checks import check_bool, check_int, check_length, check_str, fail
from ..core.ids import random_password
from ..core.service import operation
from .store import Part

__all__ = ["Passwords"]


class Passwords(Part):
    """GetRandomPassword (it needs no secret: only the region's seeded random source)."""

    @operation("GetRandomPassword")
    def get_random_password(
        self,
        *,
        PasswordLength: int = 32,
        ExcludeCharacters: str = "",
        ExcludeNumbers: bool = False,
        ExcludePunctuation: bool = False,
        ExcludeUppercase: bool = False,
        ExcludeLowercase: bool = False,
        IncludeSpace: bool = False,
        RequireEachIncludedType: bool = True,
    ) -> dict[str, Any]:
        check_int(PasswordLength, "PasswordLength")
        if not 1 <= PasswordLength <= 4096:
            raise fail(
                "InvalidParameterException", "Password length must be between 1 and 4096 characters (inclusive)."
            )
        check_length(check_str(ExcludeCharacters, "ExcludeCharacters"), "excludeCharacters", 0, 4096)
        for name, flag in (
            ("ExcludeNumbers", ExcludeNumbers),
            ("ExcludePunctuation", ExcludePunctuation),
            ("ExcludeUppercase", ExcludeUppercase),
            ("ExcludeLowercase", ExcludeLowercase),
            ("IncludeSpace", IncludeSpace),
            ("RequireEachIncludedType", RequireEachIncludedType),
        ):
            check_bool(flag, name)
        password = random_password(
            self.env.ids.rng,
            PasswordLength,
            exclude_characters=ExcludeCharacters,
            exclude_numbers=ExcludeNumbers,
            exclude_punctuation=ExcludePunctuation,
            exclude_uppercase=ExcludeUppercase,
            exclude_lowercase=ExcludeLowercase,
            include_space=IncludeSpace,
            require_each_included_type=RequireEachIncludedType,
        )
        if password is None:
            raise fail("InvalidParameterException", "Password length is too short based on the required types.")
        return {"RandomPassword": password}
