"""KMS: keys, aliases, key states, key rotation and envelope encryption, one per region.

Read :mod:`.keys` (the key record, its states and material), :mod:`.keyring` (the region's
keys and aliases, finding a key from a reference, rotation and deletion as time passes),
:mod:`.service` (the :class:`Kms` facade: the KMS operations, and the calls Secrets Manager
and Parameter Store make to KMS on their callers' behalf), and the parts it hands the
keyring to: :mod:`.lifecycle` (the operations that change a key's state or rotation),
:mod:`.aliases` (creating, listing, re-pointing and deleting aliases) and :mod:`.metadata`
(a key's description and tags).
"""

from .keys import MANAGED_ALIASES, KmsKey
from .service import Kms

__all__ = ["MANAGED_ALIASES", "Kms", "KmsKey"]
