"""What the CloudFormation package uses from the rest of secretkit, gathered in one place.

Every other module of this package imports secretkit's shared machinery from here and
nowhere else, so when the core is reorganised only these few lines need re-pointing.
"""

from __future__ import annotations

from ..core.clock import SimClock
from ..core.errors import ClientError, error_class
from ..core.events import EventLog
from ..core.ids import Ids, random_password
from ..core.service import ACCOUNT_ID, Env, Service, encode_token, decode_token, fail, operation

__all__ = [
    "ACCOUNT_ID",
    "ClientError",
    "Env",
    "EventLog",
    "Ids",
    "Service",
    "SimClock",
    "decode_token",
    "encode_token",
    "error_class",
    "fail",
    "operation",
    "random_password",
]
