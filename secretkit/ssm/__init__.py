"""Parameter Store (the parameter part of AWS Systems Manager), one per region.

Start with :mod:`.service` (the :class:`ParameterStore` facade: one method per AWS
operation); names, records and the name index are in :mod:`.names` and :mod:`.records`.
"""

from .service import ParameterStore

__all__ = ["ParameterStore"]
