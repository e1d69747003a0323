"""Identifiers and passwords drawn from the Cloud's one seeded random source.

Two clouds with the same seed that receive the same calls hand out the same version ids,
ARN suffixes, key ids and request ids. (Encryption keys and nonces are *not* drawn from
here: they come from ``os.urandom``, because the cryptography is real.)
"""

from __future__ import annotations

import contextlib
import random
import string
import uuid
from collections.abc import Iterator

__all__ = ["Ids", "PUNCTUATION", "random_password"]

PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_SUFFIX_CHARS = string.ascii_letters + string.digits


class Ids:
    """Seeded identifiers with AWS's shapes."""

    def __init__(self, seed: int | str = 0) -> None:
        self.rng = random.Random(seed)

    @contextlib.contextmanager
    def given_back_on_error(self) -> Iterator[None]:
        """Ids drawn inside the block are given back if it raises: a call that fails after
        drawing one (before it knew it would fail) leaves the source where it was, so the ids
        that follow are those it would have given had the call never been made."""
        position = self.rng.getstate()
        try:
            yield
        except BaseException:
            self.rng.setstate(position)
            raise

    def uuid(self) -> str:
        """A version-4 UUID string, like boto3's ClientRequestToken or a KMS key id."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def suffix(self, length: int = 6) -> str:
        """The random suffix AWS appends to a secret's ARN (``prod/db-a1B2c3``)."""
        return "".join(self.rng.choice(_SUFFIX_CHARS) for _ in range(length))

    def hex(self, nbytes: int = 16) -> str:
        return f"{self.rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"

    def request_id(self) -> str:
        return self.uuid()

    def uniform(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high)


def random_password(
    rng: random.Random,
    length: int = 32,
    *,
    exclude_characters: str = "",
    exclude_numbers: bool = False,
    exclude_punctuation: bool = False,
    exclude_uppercase: bool = False,
    exclude_lowercase: bool = False,
    include_space: bool = False,
    require_each_included_type: bool = True,
) -> str | None:
    """GetRandomPassword's algorithm over a seeded RNG.

    Returns ``None`` when the constraints cannot be met (no characters left, or fewer
    characters than required types); the caller turns that into the AWS error.
    """
    excluded = set(exclude_characters)
    classes: list[str] = []
    for skip, chars in (
        (exclude_lowercase, string.ascii_lowercase),
        (exclude_uppercase, string.ascii_uppercase),
        (exclude_numbers, string.digits),
        (exclude_punctuation, PUNCTUATION),
        (not include_space, " "),
    ):
        if not skip:
            kept = "".join(c for c in chars if c not in excluded)
            if kept:
                classes.append(kept)
    alphabet = "".join(classes)
    if not alphabet:
        return None
    if require_each_included_type:
        if length < len(classes):
            return None
        chosen = [rng.choice(cls) for cls in classes]
        chosen += [rng.choice(alphabet) for _ in range(length - len(classes))]
        rng.shuffle(chosen)
        return "".join(chosen)
    return "".join(rng.choice(alphabet) for _ in range(length))
