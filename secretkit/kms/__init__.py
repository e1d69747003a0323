"""KMS: keys, aliases, key states, key rotation and envelope encryption, one per region.

:mod:`.keys` holds the key records, their states and what their material does;
:mod:`.service` the :class:`Kms` facade, whose methods are the KMS operations and the calls
Secrets Manager and Parameter Store make to KMS on their callers' behalf.
"""

from .keys import MANAGED_ALIASES, KmsKey
from .service import Kms

__all__ = ["MANAGED_ALIASES", "Kms", "KmsKey"]
