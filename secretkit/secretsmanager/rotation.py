"""Rotation: RotateSecret, CancelRotateSecret, the schedule, and how a rotation runs.

:class:`Rotation` is the part of :class:`~secretkit.secretsmanager.service.SecretsManager`
that serves these two operations; the Cloud hands it ``functions(region)``, the Lambda
service of a region, which runs rotation functions. What happens on ``RotateSecret``, as
on AWS:

1. The request is checked: the secret needs a rotation function (``RotationLambdaARN``),
   no other rotation may be in progress (``AWSPENDING`` on a version other than
   ``AWSCURRENT``'s), and the function's resource policy must let
   ``secretsmanager.amazonaws.com`` invoke it for this account and secret, or the call
   fails with AWS's ``AccessDeniedException`` ("Secrets Manager cannot invoke the specified
   Lambda function..."). Then the settings are stored (``RotationEnabled``,
   ``RotationLambdaARN``, ``RotationRules``).
2. The service makes a **placeholder version** whose VersionId is the token, labelled
   ``AWSPENDING``, with no value yet.
3. It invokes the function four times through the Lambda runtime of the function's region
   (:mod:`secretkit.awslambda`), with ``{"Step": ..., "SecretId": arn,
   "ClientRequestToken": token}``: createSecret, setSecret, testSecret, finishSecret. Each
   is a real invocation (cold or warm start, environment, logs, timeout, priced by the
   meter) and takes its modelled duration of simulated time, Init included on a cold start,
   so the next step runs that much later: the single-user failure window has a length an
   application can fall into. The rotation succeeded when ``AWSCURRENT`` has reached the token.
4. If any step fails (the function raised, timed out, could not start, or may no longer be
   invoked), the *whole* rotation is retried later with the **same token** (the function's
   steps are idempotent, so it resumes where it stopped); after the last retry it is left
   as it is, ``AWSPENDING`` in place, and the next scheduled window tries again.

AWS runs rotation asynchronously and ``RotateSecret`` returns at once; here createSecret
runs inside the call and the other steps as the clock moves on (``cloud.clock.advance(
seconds=1)`` finishes a rotation of functions modelled at 100 ms a step). A failure is never
raised to the caller: it shows in the event log as a ``RotationFailed`` notice.

``RotateImmediately=False`` only validates: testSecret runs against a temporary
``AWSPENDING`` version that holds the current value, which is then removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from ..core.checks import check_bool, check_length, check_str, fail
from ..core.context import note, service_principal
from ..core.expressions import ScheduleError
from ..core.service import operation
from .checks import check_token
from .records import CURRENT, PENDING, Secret, Version
from .schedule import check_rules, is_day_based, next_window
from .store import Part, SecretStore

if TYPE_CHECKING:
    from .owned import OwnedSecrets

__all__ = ["PRINCIPAL", "RETRY_DELAYS", "STEPS", "Functions", "Rotation"]

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")

#: When a failed rotation is tried again (AWS says "multiple times" without figures; these are the model's).
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))

NO_FUNCTION = "No Lambda rotation function ARN is associated with this secret."
IN_PROGRESS = "A previous rotation isn't complete. That rotation will be reattempted."
CANNOT_INVOKE = (
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy "
    "grants access to the principal secretsmanager.amazonaws.com."
)
_ONE_SECOND = timedelta(seconds=1)
#: Who Secrets Manager is when it invokes a rotation function.
PRINCIPAL = service_principal("secretsmanager")
_REGION_IN_ARN = re.compile(r"arn:aws[a-z-]*:lambda:([a-z]{2}(?:-[a-z]+)+-\d):", re.ASCII)

#: ``functions(region)``: the Lambda service of a region (the Cloud hands it in).
Functions = Callable[[str], Any]


@dataclass(slots=True)
class RotationRun:
    """A rotation under way: its token and how many attempts it has had."""

    token: str
    attempts: int = 0
    step_index: int = 0
    timer: Any = None


class Rotation(Part):
    """RotateSecret and CancelRotateSecret, the schedule, and the runs of a rotation."""

    def __init__(self, store: SecretStore, functions: Functions | None) -> None:
        super().__init__(store)
        self.functions = functions  # region -> Lambda service (None: rotation cannot invoke any)
        self.owned: OwnedSecrets | None = None  # rotates the secrets other services own (owned.py)

    # ------------------------------------------------------------------ operations
    @operation("RotateSecret")
    def rotate_secret(
        self,
        *,
        SecretId: str,
        ClientRequestToken: str | None = None,
        RotationLambdaARN: str | None = None,
        RotationRules: dict[str, Any] | None = None,
        RotateImmediately: bool = True,
        ExternalSecretRotationMetadata: list[dict[str, str]] | None = None,
        ExternalSecretRotationRoleArn: str | None = None,
    ) -> dict[str, Any]:
        secret = self.store.writable(SecretId, owned_ok=True)
        token = check_token(ClientRequestToken) if ClientRequestToken is not None else self.env.ids.uuid()
        if RotationLambdaARN is not None:
            check_length(check_str(RotationLambdaARN, "RotationLambdaARN"), "rotationLambdaARN", 0, 2048)
        rules = check_rules(RotationRules) if RotationRules is not None else None
        check_bool(RotateImmediately, "RotateImmediately")
        if secret.owning_service is not None and self.owned is not None:
            self.owned.refuse_function(RotationLambdaARN)  # managed rotation: no function
            return self.owned.rotate_request(secret, token, rules, RotateImmediately)
        function_arn = RotationLambdaARN or secret.rotation_lambda_arn
        if not function_arn:
            raise fail("InvalidRequestException", NO_FUNCTION)
        if self.rotation_in_progress(secret):
            raise fail("InvalidRequestException", IN_PROGRESS)
        if not self._may_invoke(secret, function_arn):
            raise fail("AccessDeniedException", CANNOT_INVOKE)
        if token in secret.versions:
            if secret.labels.get(CURRENT) == token:  # a retried request whose rotation already finished
                return {"ARN": secret.arn, "Name": secret.name, "VersionId": token}
            raise fail(
                "ResourceExistsException",
                f"You can't use ClientRequestToken {token} because that value is already in use for a version of secret {secret.arn}.",
            )
        secret.rotation_enabled = True
        secret.rotation_lambda_arn = function_arn
        if rules is not None:
            secret.rotation_rules = rules
        note(RotateImmediately=RotateImmediately)
        self.store.changed(secret)
        if RotateImmediately:
            self._start_rotation(secret, token)
        else:
            self._dry_run(secret, token)
            self._schedule_next(secret, self.rotation_base(secret))
        return {"ARN": secret.arn, "Name": secret.name, "VersionId": token}

    @operation("CancelRotateSecret")
    def cancel_rotate_secret(self, *, SecretId: str) -> dict[str, Any]:
        """Turn automatic rotation off; the function and rules are kept, the labels left as they are."""
        secret = self.store.writable(SecretId)
        secret.rotation_enabled = False
        run = secret.extra.pop("rotation_run", None)
        if run is not None and run.timer is not None:
            run.timer.cancel()
        self._cancel_schedule(secret)
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
        if self.rotation_in_progress(secret):
            out["VersionId"] = secret.labels[PENDING]
        self.store.changed(secret)
        return out

    # ------------------------------------------------------------------ state
    @staticmethod
    def rotation_in_progress(secret: Secret) -> bool:
        """AWS's rule: a rotation is running while AWSPENDING sits on a version that is not AWSCURRENT."""
        pending = secret.labels.get(PENDING)
        return pending is not None and pending != secret.labels.get(CURRENT)

    # ------------------------------------------------------------------ running
    def _start_rotation(self, secret: Secret, token: str) -> None:
        secret.versions[token] = Version(token, self.env.clock.now)
        secret.attach(PENDING, token)
        self.store.changed(secret)
        secret.extra["rotation_run"] = RotationRun(token)
        self._attempt(secret)

    def _lambda(self, function_arn: str) -> Any:
        """The Lambda service of the function's region (a bare name: this region's)."""
        if self.functions is None:
            raise LookupError("this Secrets Manager was built without a way to reach Lambda")
        match = _REGION_IN_ARN.match(function_arn)
        return self.functions(match.group(1) if match else self.region)

    def _may_invoke(self, secret: Secret, function_arn: str) -> bool:
        """Whether the function exists and its policy lets Secrets Manager invoke it for ``secret``."""
        try:
            lam = self._lambda(function_arn)
        except (LookupError, ValueError):  # no Lambda, or a region the Cloud does not know
            return False
        return bool(lam.may_invoke(function_arn, principal=PRINCIPAL, source_account=self.env.account_id,
                                   source_arn=secret.arn))

    def _invoke(self, secret: Secret, step: str, token: str) -> float:
        """Invoke one step through the runtime; return its modelled milliseconds (Init included).

        Raises if the step failed: the function's error (``FunctionError``), or Lambda's
        refusal to run it (the function is gone, or its policy no longer lets us in).
        """
        assert secret.rotation_lambda_arn is not None
        event = {"Step": step, "SecretId": secret.arn, "ClientRequestToken": token}
        result = self._lambda(secret.rotation_lambda_arn).invoke_as_service(
            secret.rotation_lambda_arn, event, principal=PRINCIPAL, source_account=self.env.account_id,
            source_arn=secret.arn, note={"step": step, "secret": secret.arn})
        result.value()  # raises FunctionError with Lambda's error document if the step failed
        return float(result.duration_ms + result.init_ms)

    def _attempt(self, secret: Secret) -> None:
        """Start one attempt at the whole rotation, from createSecret."""
        run: RotationRun | None = secret.extra.get("rotation_run")
        if run is None or not self.store.alive(secret):
            return
        run.attempts += 1
        run.step_index = 0
        self._run_step(secret, run)

    def _run_step(self, secret: Secret, run: RotationRun) -> None:
        """Invoke the next step; the one after it follows once this invocation's duration has passed."""
        run.timer = None
        if secret.extra.get("rotation_run") is not run or not self.store.alive(secret):
            return
        step = STEPS[run.step_index]
        try:
            spent_ms = self._invoke(secret, step, run.token)
            if step == "finishSecret" and secret.labels.get(CURRENT) != run.token:
                raise RuntimeError("finishSecret returned but AWSCURRENT is not on the new version")
        except Exception as exc:  # noqa: BLE001 - any failure of the function is the rotation's, never the caller's
            self._attempt_failed(secret, run, step, exc)
            return
        run.step_index += 1
        now = self.env.clock.now
        if run.step_index < len(STEPS):
            gap = timedelta(milliseconds=spent_ms)
            run.timer = self.env.clock.schedule(now + gap, partial(self._run_step, secret, run), label=f"rotation step {secret.name}")
            return
        secret.extra.pop("rotation_run", None)
        secret.last_rotated = now
        detail = {"attempts": run.attempts, "token": run.token}
        self.store.notice("RotationSucceeded", secret.arn, detail)
        if secret.rotation_enabled:
            self._schedule_next(secret, now)

    def _attempt_failed(self, secret: Secret, run: RotationRun, step: str, exc: Exception) -> None:
        """Log the failure; retry the whole rotation later with the same token, or give up for now."""
        now = self.env.clock.now
        detail = {"step": step, "attempt": run.attempts, "token": run.token, "error": _describe(exc)}
        self.store.notice("RotationFailed", secret.arn, detail, "Failed")
        if run.attempts <= len(RETRY_DELAYS) and secret.rotation_enabled is not False:
            delay = RETRY_DELAYS[run.attempts - 1]
            run.timer = self.env.clock.schedule(now + delay, partial(self._attempt, secret), label=f"retry rotation {secret.name}")
            return
        secret.extra.pop("rotation_run", None)
        if secret.rotation_enabled:
            self._schedule_next(secret, self.rotation_base(secret), retry_from=now)

    def _dry_run(self, secret: Secret, token: str) -> None:
        """RotateImmediately=False: testSecret against a temporary AWSPENDING copy of the current value."""
        current = secret.current()
        if current is None:
            detail = {"step": "testSecret", "attempt": 1, "error": "the secret has no AWSCURRENT value to test"}
            self.store.notice("RotationFailed", secret.arn, detail, "Failed")
            return
        value = self.store.open_value(secret, current)
        self.store.new_version(secret, token, value, current.sealed.binary)  # type: ignore[union-attr]
        secret.attach(PENDING, token)
        try:
            self._invoke(secret, "testSecret", token)
        except Exception as exc:  # noqa: BLE001 - a failed dry run is reported, not raised
            detail = {"step": "testSecret", "attempt": 1, "error": _describe(exc)}
            self.store.notice("RotationFailed", secret.arn, detail, "Failed")
        finally:
            if secret.labels.get(PENDING) == token:
                secret.detach(PENDING)
            if token not in secret.labels.values():
                secret.versions.pop(token, None)

    # ------------------------------------------------------------------ schedule
    def reschedule(self, secret: Secret, base: datetime) -> None:
        """Arm the next rotation counted from ``base`` (managed rotation uses this too)."""
        self._schedule_next(secret, base)

    def retry_later(self, secret: Secret) -> None:
        """After a failed rotation: NextRotationDate stays overdue, the next window tries again."""
        self._schedule_next(secret, self.rotation_base(secret), retry_from=self.env.clock.now)

    def rotation_base(self, secret: Secret) -> datetime:
        """Day-based schedules count from the last rotation, or the last manual change of the value."""
        base = secret.extra.get("rotation_base") or secret.last_rotated or secret.created
        return max(base, secret.last_rotated or base)

    def _cancel_schedule(self, secret: Secret) -> None:
        timer = secret.extra.pop("rotation_timer", None)
        if timer is not None:
            timer.cancel()

    def _schedule_next(self, secret: Secret, base: datetime, *, retry_from: datetime | None = None) -> None:
        """Set NextRotationDate and arm the timer at an instant drawn inside the next window.

        ``retry_from`` (after a rotation gave up): NextRotationDate keeps its overdue value,
        and the timer waits for the first window after that instant.
        """
        self._cancel_schedule(secret)
        secret.extra["rotation_base"] = base
        rules = secret.rotation_rules
        if not rules:
            secret.next_rotation = None
            return
        now = self.env.clock.now
        try:
            start, end = next_window(rules, base, now)
            secret.next_rotation = end - _ONE_SECOND
            if retry_from is not None or end <= now:
                start, end = next_window(rules, retry_from or now, now)
        except (ScheduleError, OverflowError):  # no window left (checked rules always have one): no timer
            secret.next_rotation = None
            return
        span = (end - start).total_seconds()
        when = start + timedelta(seconds=int(self.env.ids.rng.random() * span))
        when = max(when, now)
        secret.extra["rotation_timer"] = self.env.clock.schedule(when, partial(self._scheduled, secret), label=f"rotate {secret.name}")

    def _scheduled(self, secret: Secret) -> None:
        """A window's moment has come: start a rotation, or resume the unfinished one with its token."""
        secret.extra.pop("rotation_timer", None)
        if not self.store.alive(secret) or not secret.rotation_enabled or secret.extra.get("rotation_run") is not None:
            return
        if self.env.down:
            self._schedule_next(secret, self.rotation_base(secret), retry_from=self.env.clock.now)
            return
        if secret.owning_service is not None:
            if self.owned is not None:
                self.owned.run(secret)  # managed rotation: the owner applies the new value
            return
        if self.rotation_in_progress(secret):
            secret.extra["rotation_run"] = RotationRun(secret.labels[PENDING])
            self._attempt(secret)
        else:
            self._start_rotation(secret, self.env.ids.uuid())

    def after_new_current(self, secret: Secret, *, manual: bool) -> None:
        """A manual PutSecretValue/UpdateSecret counts as a rotation for day-based schedules."""
        if manual and secret.rotation_enabled and is_day_based(secret.rotation_rules) and secret.extra.get("rotation_run") is None:
            self._schedule_next(secret, self.env.clock.now)


def _describe(exc: Exception) -> str:
    """A failed step, as the RotationFailed notice shows it: the function's own error type and
    message when it raised (Lambda's error document), else the refusal (an AWS error)."""
    error = getattr(exc, "error", None)
    if isinstance(error, dict) and "errorType" in error:
        return f"{error['errorType']}: {error.get('errorMessage', '')}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]
