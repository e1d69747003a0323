"""The one place this package imports the rest of secretkit from.

Everything the Lambda model needs from the core (the service base class, the operation
decorator, errors, the clock, paging tokens) comes through here, so that when the core
is reorganised only these imports move.
"""

from __future__ import annotations

from ..core.checks import ascii_int, decode_token, encode_token, fail, loads_json
from ..core.clock import SimClock
from ..core.context import caller, root_principal
from ..core.errors import ClientError, SecretkitError, error_class
from ..core.events import EventLog
from ..core.ids import Ids
from ..core.service import ACCOUNT_ID, Env, Service, operation

__all__ = [
    "ACCOUNT_ID",
    "ClientError",
    "Env",
    "EventLog",
    "Ids",
    "SecretkitError",
    "Service",
    "SimClock",
    "ascii_int",
    "decode_token",
    "encode_token",
    "error_class",
    "fail",
    "loads_json",
    "caller",
    "operation",
    "root_principal",
]
