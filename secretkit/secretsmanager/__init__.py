"""Secrets Manager, one per region: secrets, versions and staging labels, rotation and replication.

Start with :mod:`.service` (the :class:`SecretsManager` facade: one method per AWS
operation); the records it keeps are in :mod:`.records`.
"""

from .service import SecretsManager

__all__ = ["SecretsManager"]
