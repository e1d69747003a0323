"""Saving a Cloud to a file and loading it back: ``cloud.save(path)``, ``Cloud.load(path)``.

What a file holds
-----------------
A saved Cloud is the Cloud's own state, every record of every service as the model keeps
it: the clock and every timer in flight (rotations, purges, key deletions, replication,
EventBridge rules, parameter policies, Lambda's queued invocations), the KMS keys, the
secrets and parameters, Lambda functions with their code packages, IAM's principals and
policies, RDS and the simulated databases, CloudFormation stacks, the seeded id source and
the event log. Loading it gives a Cloud that answers every call as the saved one would
have, and whose clock, moved forward, fires the same work in the same order.

Secret and parameter values stay ciphertext: the file never holds a value in the clear.
But **the KMS keys' material is in the file**, as it must be for the loaded Cloud to
decrypt anything, so whoever has the file can decrypt every value in it. It is a course
file for made-up secrets, like the Cloud itself: never put a real secret in either.

What is not saved: a notebook's widgets and other listeners of the event log, the boto3
clients made so far (``cloud.client(...)`` again after loading), a served endpoint, and the
warm execution environments of Lambda functions (the first invocation after loading is a
cold start; the module-level state a function kept while warm is gone, as when Lambda
recycles an environment). Saving recycles them in the saved Cloud too, so that it and the
loaded one go on alike. A function deployed as a Python callable defined outside
secretkit (a kit-only shortcut) cannot be saved: deploy it as a zip package instead.

The format
----------
One line ``secretkit-cloud``, one line of JSON (the format number, the length of the body
and its SHA-256 digest), then the body: the state as a pickle (protocol 5). Loading checks
the first line, refuses a format newer than :data:`FORMAT` and a body whose length or digest
do not match (cut short, corrupted or edited), each with a :class:`SaveFileError` that says
which. The body is read by an unpickler that builds only the classes of secretkit's model
and a short list of standard types (dates, ``functools.partial``, ``random.Random``...),
and reaches attributes only as bound methods of the kit's own objects, never an arbitrary
global, so a file cannot name ``os.system``. The digest detects damage, not
malice (anyone can recompute it), and a saved Cloud holds Lambda code that runs when it is
invoked: load only files you made or trust, as you would a notebook.

Why pickle: the model is a graph of a few hundred record classes across nine services, with
shared references (a timer, the record it fires on, the service that owns both); pickle
keeps that graph and its sharing exactly, for every field anyone adds later, where a
schema of our own would have to follow every record of every service by hand.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tempfile
import threading
import types
from typing import TYPE_CHECKING, Any

from .snapshot import no_gc, snapshot

if TYPE_CHECKING:
    from ..cloud import Cloud

__all__ = ["FORMAT", "SaveFileError", "dumps", "load", "loads", "save", "snapshot"]

#: The format this secretkit writes, and the newest it reads.
FORMAT = 1
MAGIC = b"secretkit-cloud\n"
_PROTOCOL = 5
_RLOCK, _LOCK = type(threading.RLock()), type(threading.Lock())


class SaveFileError(ValueError):
    """A Cloud that cannot be saved, or a file that is not a saved Cloud this secretkit can
    load (the message says why)."""


# ---------------------------------------------------------------------------- writing
class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is types.MappingProxyType:
            return (read_only, (dict(obj),))
        if type(obj) is _RLOCK:  # a lock is saved as a new one, never held
            return (threading.RLock, ())
        if type(obj) is _LOCK:
            return (threading.Lock, ())
        if type(obj) is types.FunctionType:
            module = getattr(obj, "__module__", None) or ""
            qualname = getattr(obj, "__qualname__", "")
            if (module, qualname) not in _ALLOWED and (not _is_kit_module(module) or "<" in qualname):
                raise SaveFileError(
                    f"this Cloud holds the Python function {module}.{qualname}, which cannot be saved "
                    "(a Lambda function deployed as a Python callable? deploy it as a zip package instead)"
                )
        # What is only ever a cache of the live process (a warm Lambda environment) is saved as
        # None; its class says so with ``transient = True``.
        if getattr(type(obj), "transient", False) is True:
            return (transient, ())
        return NotImplemented


def read_only(mapping: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    """What a saved read-only mapping (an event's detail) loads as."""
    return types.MappingProxyType(mapping)


def transient() -> None:
    """What a ``transient`` object loads as: nothing."""
    return None


def dumps(cloud: Cloud) -> bytes:
    """The file's bytes for ``cloud`` (see :func:`save`). Lambda's warm execution environments
    are recycled first, in ``cloud`` too, so that it and the Cloud loaded go on alike."""
    cloud._recycle_lambda_environments()
    buffer = io.BytesIO()
    try:
        with no_gc():
            _Pickler(buffer, protocol=_PROTOCOL).dump(cloud)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise SaveFileError(
            f"this Cloud cannot be saved: {exc} (an application or drill still running on its clock, "
            "with its boto3 clients or a real database's connections? stop it first)"
        ) from None
    body = buffer.getvalue()
    header = {"format": FORMAT, "length": len(body), "sha256": hashlib.sha256(body).hexdigest(),
              "now": cloud.clock.now.isoformat()}
    return MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + body


def save(cloud: Cloud, path: str | os.PathLike[str]) -> None:
    """Write ``cloud`` to ``path``, replacing it whole (a new file, then renamed into place, so an
    interrupted save never leaves half a file where a good one was)."""
    data = dumps(cloud)
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    fd, temp = tempfile.mkstemp(prefix=".secretkit-save-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


# ---------------------------------------------------------------------------- reading
def _method_of(obj: Any, name: str) -> Any:
    """``getattr`` as pickle uses it for a bound method, allowing only that: a method of an
    object of one of secretkit's classes, never a dunder name."""
    if type(name) is not str or name.startswith("__") or not _is_kit_module(type(obj).__module__):
        raise SaveFileError(f"the saved state asks for the attribute {name!r}, which a saved Cloud never needs")
    found = getattr(obj, name)
    if getattr(found, "__self__", None) is not obj:
        raise SaveFileError(f"the saved state asks for the attribute {name!r}, which a saved Cloud never needs")
    return found


#: The parts of secretkit a saved Cloud's classes come from (the model and what runs on its
#: clock), and no other: never the grader, the labs, the dashboards or the notebook helpers.
_KIT_PARTS = {"cloud", "assembly", "core", "kms", "secretsmanager", "ssm", "awslambda", "eventbridge", "iam", "cloudformation",
              "rds", "databases", "rotation_functions", "apps", "doors", "saving", "pricing"}


def _is_kit_module(module: str) -> bool:
    parts = module.split(".")
    return len(parts) >= 2 and parts[0] == "secretkit" and parts[1] in _KIT_PARTS


def _allowed() -> dict[tuple[str, str], Any]:
    import collections
    import datetime
    import functools
    import random
    import re
    import uuid

    return {
        ("builtins", "getattr"): _method_of,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "bytearray"): bytearray,
        ("builtins", "slice"): slice,
        ("datetime", "datetime"): datetime.datetime,
        ("datetime", "date"): datetime.date,
        ("datetime", "time"): datetime.time,
        ("datetime", "timedelta"): datetime.timedelta,
        ("datetime", "timezone"): datetime.timezone,
        ("functools", "partial"): functools.partial,
        ("threading", "RLock"): threading.RLock,
        ("_thread", "allocate_lock"): threading.Lock,
        ("random", "Random"): random.Random,
        ("re", "_compile"): re.compile,  # a compiled pattern of a policy's ARN (pattern text and flags)
        ("uuid", "UUID"): uuid.UUID,
        ("re", "_compile"): re._compile,  # a compiled pattern (IAM's wildcard matchers in a decision)
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("collections", "deque"): collections.deque,
        ("collections", "defaultdict"): collections.defaultdict,
        ("collections", "Counter"): collections.Counter,
    }


_ALLOWED = _allowed()


class _Unpickler(pickle.Unpickler):
    allowed = _ALLOWED

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is not None:
            return found
        if _is_kit_module(module) and "." not in name and not name.startswith("__"):
            obj = super().find_class(module, name)
            if isinstance(obj, type) or (isinstance(obj, types.FunctionType) and obj.__module__ == module):
                return obj
        raise SaveFileError(f"the saved state names {module}.{name}, which is not a secretkit class")


def loads(data: bytes, source: str = "the file") -> Cloud:
    """The Cloud saved in ``data`` (the bytes :func:`dumps` made)."""
    if not data.startswith(MAGIC):
        raise SaveFileError(f"{source} is not a saved secretkit Cloud (it does not start with 'secretkit-cloud')")
    end = data.find(b"\n", len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC) : end]) if end > 0 else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or type(header.get("format")) is not int:
        raise SaveFileError(f"{source} is a damaged secretkit save: its header cannot be read")
    if header["format"] > FORMAT:
        raise SaveFileError(
            f"{source} was saved in format {header['format']} by a newer secretkit; this one reads "
            f"format {FORMAT} and older: update secretkit to load it"
        )
    if header["format"] < 1:
        raise SaveFileError(f"{source} is a damaged secretkit save: format {header['format']} does not exist")
    body = data[end + 1 :]
    if len(body) != header.get("length") or hashlib.sha256(body).hexdigest() != header.get("sha256"):
        raise SaveFileError(
            f"{source} is damaged or was altered: its content does not match the digest it was saved with"
        )
    try:
        with no_gc():
            cloud = _Unpickler(io.BytesIO(body)).load()
    except SaveFileError:
        raise
    except Exception as exc:  # a body that matches its digest but cannot be read: made by hand
        raise SaveFileError(f"{source} cannot be loaded: {type(exc).__name__}: {exc}") from None
    from ..core.clock import SimClock

    if type(getattr(cloud, "clock", None)) is not SimClock:
        raise SaveFileError(f"{source} does not hold a Cloud")
    return cloud  # type: ignore[no-any-return]


def load(path: str | os.PathLike[str]) -> Cloud:
    """The Cloud saved at ``path`` by :func:`save`."""
    with open(path, "rb") as f:
        data = f.read()
    return loads(data, source=repr(os.fspath(path)))
