"""Applications the course runs against the model.

* :mod:`.application`: an application that logs in with its database secret once per tick;
* :mod:`.cache`: the client-side secret cache it may read through;
* :mod:`.timeline`: what the labels say and what the database accepts, after every
  rotation step;
* :mod:`.failover`: an application that fails over between regions, and the failover drill.
"""

from .application import Application, Request
from .cache import SecretCache
from .timeline import RotationTimeline, TimelineRow

__all__ = ["Application", "Request", "RotationTimeline", "SecretCache", "TimelineRow"]
