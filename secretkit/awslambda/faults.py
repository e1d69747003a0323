"""Failure injection (kit-only): make chosen invocations of a function fail, on purpose.

Rotation is only interesting when it goes wrong, and a course needs to make it go wrong on
cue: a ``setSecret`` that dies before it touches the database, or one that changes the
password and *then* fails, so ``AWSCURRENT`` still names the old one. AWS has no such
switch; the kit puts it in the runtime, not in the function's code, so the code a student
reads stays exactly what would run on AWS::

    plan = lam.kit_failures("rotate-app")          # this function's plan (made on first use)
    plan.fail("setSecret", when="after")           # the next setSecret invocation

A plan is keyed on the event's ``Step`` (what Secrets Manager sends each rotation step);
``"*"`` matches any invocation. ``when`` says where the invocation fails:

``before``
    The handler does not run: the invocation fails as soon as it starts (a crash, a
    throttled dependency), so the step had no effect.
``after``
    The handler runs to the end, its side effects included, and then the invocation
    fails anyway (the answer lost on its way back, a timeout on the return).

Either way the caller sees a failed invocation whose error document has ``errorType``
``"InjectedFailure"``, which names the kit as its cause, and the invocation's log says so.
The execution environment stays warm: nothing about the function itself broke.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ANY_STEP", "FailurePlan", "STEPS"]

#: The rotation steps Secrets Manager invokes a function for.
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
#: A plan entry for every invocation, whatever its event.
ANY_STEP = "*"
_WHEN = ("before", "after")


@dataclass(slots=True)
class FailurePlan:
    """Which invocations to fail next: ``{(step, when): how many more times}``."""

    armed: dict[tuple[str, str], int] = field(default_factory=dict)
    fired: list[tuple[str, str]] = field(default_factory=list)

    def fail(self, step: str, *, when: str = "before", times: int = 1) -> FailurePlan:
        """Fail the next ``times`` invocations for ``step`` (``"*"``: any), ``before`` or ``after`` the handler."""
        if step not in STEPS and step != ANY_STEP:
            raise ValueError(f"step must be one of {STEPS} or {ANY_STEP!r}, got {step!r}")
        if when not in _WHEN:
            raise ValueError("when must be 'before' or 'after' (the step's side effect)")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError("times must be a positive int")
        self.armed[(step, when)] = self.armed.get((step, when), 0) + times
        return self

    def clear(self) -> None:
        """Disarm everything (what has fired stays in :attr:`fired`)."""
        self.armed.clear()

    def trip(self, event: Any, when: str) -> dict[str, str] | None:
        """The error document of an injected failure for this invocation, if one is armed.

        The runtime asks once before the handler (``"before"``) and once after it returned
        (``"after"``); each failure that fires is used up.
        """
        if not self.armed:
            return None
        step = event.get("Step") if isinstance(event, dict) else None
        for key in ((step, when), (ANY_STEP, when)):
            left = self.armed.get(key, 0) if key[0] is not None else 0
            if left:
                if left == 1:
                    del self.armed[key]
                else:
                    self.armed[key] = left - 1
                self.fired.append((key[0], when))
                label = step or "the invocation"
                side = "before" if when == "before" else "after"
                return {
                    "errorType": "InjectedFailure",
                    "errorMessage": f"{label} failed {side} its side effect (injected by the kit's FailurePlan)",
                }
        return None
