"""secretkit: an executable model of AWS Secrets Manager, Parameter Store and KMS, for learning.

Real AES-256-GCM envelope encryption, a simulated clock, regions, rotation, replication and
a cost meter, reached either through a genuine boto3 client served in process
(``cloud.client("secretsmanager")``) or by calling the model directly
(``cloud.secretsmanager()``). A model for learning, never a place for real secrets.
"""

from .cloud import REGIONS, Cloud
from .core.clock import SimClock
from .core.errors import ClientError, SecretkitError
from .core.events import Event, EventLog
from .core.service import RegionUnavailableError

__version__ = "0.1.0"

__all__ = [
    "Cloud",
    "ClientError",
    "Event",
    "EventLog",
    "REGIONS",
    "RegionUnavailableError",
    "SecretkitError",
    "SimClock",
    "__version__",
]
