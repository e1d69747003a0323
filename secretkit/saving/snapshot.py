"""A comparable picture of a Cloud's whole state: ``cloud.kit_snapshot()`` (kit-only).

Two snapshots are equal exactly when the two states are the same, record for record: the
clock and its pending timers, every service's records in every region, key material, the
seeded id source. It is what a test compares before and after a call that failed, to show
that the call changed nothing, and what it compares between a Cloud and the same Cloud
saved and loaded.

It walks the state the way a save does (each object's pickle reduction), so it covers
exactly what a saved file holds, and turns it into plain values (dicts, lists, strings,
numbers, bytes, dates) that ``==`` compares and pytest can show the difference of:

* an object is ``{"__class__": "module.Class", "state": ...}`` (``args`` too when it is
  rebuilt from arguments); the second time the same object is reached, ``{"__ref__": n}``,
  ``n`` counting objects in the order they were first reached;
* a dict keeps its order, as ``{"__dict__": [[key, value], ...]}``; a set is sorted;
* the clock is its time and its pending timers in firing order (its heap's layout and the
  cancelled timers still in it depend on history, not on state).

Left out, because every call changes them, failed calls too, as on AWS: the event log
(``events=True`` puts it in) and the source of request ids. Also left out: what a save
leaves out (see :mod:`secretkit.saving`), caches among it: the objects that keep one leave
it out of their pickled state (the authorizer's remembered decisions, the access guard's
parsed policies, a policy's per-action index, its matchers' memos, a facade's bound
operations), so that neither a snapshot nor a saved file depends on what was asked before.
The seeded id source *is* in: a test that must ignore its position (the in-process client
draws idempotency tokens from it, even for calls that then fail) removes it itself.
"""

from __future__ import annotations

import contextlib
import copyreg
import re
import gc
import threading
import types
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ..core.clock import SimClock
from ..core.events import EventLog

if TYPE_CHECKING:
    from ..cloud import Cloud

__all__ = ["no_gc", "snapshot"]

_RLOCK, _LOCK = type(threading.RLock()), type(threading.Lock())
_ATOMS = (type(None), bool, int, float, complex, str, bytes, datetime, date, time, timedelta, timezone, Decimal, UUID)


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: building or walking a few hundred thousand objects
    otherwise sets it off again and again for nothing (loading is several times faster)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def snapshot(cloud: Cloud, *, events: bool = False, leave_out: Iterable[Any] = ()) -> dict[str, Any]:
    """The state of ``cloud`` as plain, comparable values (see the module's text).
    ``leave_out``: objects shown as ``"<left out>"`` wherever they are reached (for a test
    that compares all but a few records; the walk does not enter them)."""
    walker = _Walker()
    for obj in leave_out:
        if obj is not None:
            walker.hidden[id(obj)] = "<left out>"
    if not events:
        walker.hidden[id(cloud.events)] = "<the event log>"
    walker.hidden[id(cloud.request_ids)] = "<the request ids>"
    with no_gc():
        return walker.plain(cloud)  # type: ignore[no-any-return]


class _Walker:
    def __init__(self) -> None:
        self.seen: dict[int, int] = {}
        self.keep: list[Any] = []  # holds what was walked, so no id is reused while walking
        self.hidden: dict[int, str] = {}

    def plain(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _ATOMS:
            return obj
        hidden = self.hidden.get(id(obj))
        if hidden is not None:
            return hidden
        if kind is list or kind is tuple:
            return [self.plain(item) for item in obj] if kind is list else tuple(self.plain(item) for item in obj)
        if kind is dict or kind is types.MappingProxyType:
            return {"__dict__": [[self.plain(k), self.plain(v)] for k, v in obj.items()]}
        if kind is set or kind is frozenset:
            return {"__set__": sorted((self.plain(item) for item in obj), key=repr)}
        if kind is bytearray:
            return bytes(obj)
        if isinstance(obj, type):
            return f"<class {obj.__module__}.{obj.__qualname__}>"
        if kind is types.FunctionType or kind is types.BuiltinFunctionType:
            return f"<function {getattr(obj, '__module__', '')}.{obj.__qualname__}>"
        if getattr(kind, "transient", False) is True:
            return None
        if kind is _RLOCK or kind is _LOCK:
            return "<a lock>"  # held or not, it is no part of the state
        if kind is re.Pattern:  # a policy's compiled ARN pattern: its text and flags are all of it
            return {"__class__": "re.Pattern", "pattern": obj.pattern, "flags": obj.flags}
        n = self.seen.get(id(obj))
        if n is not None:
            return {"__ref__": n}
        self.seen[id(obj)] = len(self.seen)
        self.keep.append(obj)
        name = f"{kind.__module__}.{kind.__qualname__}"
        if kind is SimClock:
            return {"__class__": name, "now": obj.now, "pending": [self.plain(t) for t in obj.pending()]}
        if kind is EventLog:
            return {"__class__": name, "events": [self.plain(e) for e in obj]}
        # as pickle does: a reduction registered with copyreg (compiled regular expressions
        # in policy matchers have one) comes before the object's own
        by_copyreg = copyreg.dispatch_table.get(kind)
        reduced = by_copyreg(obj) if by_copyreg is not None else obj.__reduce_ex__(4)
        if isinstance(reduced, str):
            return f"<{reduced}>"
        call, args, *rest = reduced
        out: dict[str, Any] = {"__class__": name}
        if call is copyreg.__newobj__:
            args = args[1:]
        elif call is not kind:
            out["call"] = self.plain(call)
        if args:
            out["args"] = self.plain(tuple(args))
        state = rest[0] if rest else None
        if state is not None:
            out["state"] = self.plain(state)
        if len(rest) > 1 and rest[1] is not None:
            out["items"] = [self.plain(item) for item in rest[1]]
        if len(rest) > 2 and rest[2] is not None:
            out["pairs"] = [[self.plain(k), self.plain(v)] for k, v in rest[2]]
        return out
