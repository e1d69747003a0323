"""What the CloudFormation package uses from the rest of secretkit, gathered in one place.

Every other module of this package imports secretkit's shared machinery from here and
nowhere else, so when the core is reorganised only these few lines need re-pointing.
"""

from __future__ import annotations

from ..core.checks import decode_token, encode_token, fail
from ..core.clock import SimClock
from ..core.errors import ClientError, SecretkitError, error_class
from ..core.ids import Ids
from ..core.patterns import PatternError, PatternTimeout, matches
from ..core.service import ACCOUNT_ID, Env, Service, operation

__all__ = [
    "ACCOUNT_ID",
    "CLOUDFORMATION_ERRORS",
    "ClientError",
    "Env",
    "Ids",
    "PatternError",
    "PatternTimeout",
    "SecretkitError",
    "Service",
    "SimClock",
    "decode_token",
    "encode_token",
    "error_class",
    "fail",
    "matches",
    "operation",
]

#: CloudFormation's error codes and HTTP statuses (the query protocol's ``Error.Code``).
CLOUDFORMATION_ERRORS = {
    "ValidationError": 400,
    "AlreadyExistsException": 400,
    "InsufficientCapabilitiesException": 400,
    "ChangeSetNotFound": 404,
    "InvalidChangeSetStatus": 400,
    "LimitExceededException": 400,
    "TokenAlreadyExistsException": 400,
}
for _code, _status in CLOUDFORMATION_ERRORS.items():
    error_class(_code).status = _status
del _code, _status
