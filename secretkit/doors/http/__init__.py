"""The HTTP door: the Cloud served on 127.0.0.1 to the AWS CLI and every other AWS SDK.

* :mod:`.server` — :class:`Endpoint`, the threaded HTTP server;
* :mod:`.dispatch` — one call from request to response: routing, signature, decoding,
  the injected backend, encoding;
* :mod:`.routing` — which service a request on the shared endpoint is for, body limits;
* :mod:`.sigv4` — parsing and verifying Signature Version 4;
* :mod:`.clockapi` — ``/_secretkit/clock``, simulated time over HTTP.

The wire formats themselves live in :mod:`secretkit.doors.protocols`.
"""

from .clockapi import CLOCK_PATH, ClockControl
from .dispatch import Backend, Dispatcher, Unreachable, sequential_request_ids
from .server import Endpoint, ExposedEndpointWarning
from .sigv4 import Caller, IssuedKey, KeyLookup, SignatureFailure

__all__ = [
    "Backend",
    "CLOCK_PATH",
    "Caller",
    "ClockControl",
    "Dispatcher",
    "Endpoint",
    "ExposedEndpointWarning",
    "IssuedKey",
    "KeyLookup",
    "SignatureFailure",
    "Unreachable",
    "sequential_request_ids",
]
