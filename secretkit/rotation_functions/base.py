"""What every rotation function shares: the gate each step passes, the steps' dispatch, the
secret JSON, and a :class:`FailurePlan` to make a chosen step fail.

Written like AWS's templates (``lambda_handler`` in aws-secrets-manager-rotation-lambdas):
Secrets Manager calls the function four times with ``{"Step", "SecretId",
"ClientRequestToken"}`` and, before any step, the function checks with DescribeSecret that

1. rotation is enabled (when the field is present);
2. the token is a version of the secret;
3. that version is not already ``AWSCURRENT`` (then the whole step does nothing: this is what
   makes running a finished rotation again harmless);
4. that version carries ``AWSPENDING``.

The function uses a boto3-shaped Secrets Manager client: the one given at construction
(``cloud.client("secretsmanager")`` works), else the one the invoking service puts in the
context. Errors are caught by code through ``client.exceptions``, so both kinds of client work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EXCLUDE_CHARACTERS", "FailurePlan", "InjectedFailure", "RotationFunction"]

#: The RDS templates keep these out of generated passwords (they break connection strings).
EXCLUDE_CHARACTERS = ":/@\"'\\"
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


class InjectedFailure(RuntimeError):
    """A failure asked for by a :class:`FailurePlan` (a crash, a timeout, a throttled call)."""


@dataclass
class FailurePlan:
    """Make chosen steps fail, ``before`` their side effect or ``after`` it, on the next N attempts.

    ``plan.fail("setSecret", when="after")`` is the nasty case: the database already has the
    new password, but the step reports failure, so ``AWSCURRENT`` still names the old one.
    """

    armed: dict[tuple[str, str], int] = field(default_factory=dict)
    fired: list[tuple[str, str]] = field(default_factory=list)

    def fail(self, step: str, *, when: str = "before", times: int = 1) -> FailurePlan:
        if step not in STEPS:
            raise ValueError(f"step must be one of {STEPS}, got {step!r}")
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after' (the step's side effect)")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError("times must be a positive int")
        self.armed[(step, when)] = self.armed.get((step, when), 0) + times
        return self

    def check(self, step: str, when: str) -> None:
        left = self.armed.get((step, when), 0)
        if left:
            self.armed[(step, when)] = left - 1
            self.fired.append((step, when))
            raise InjectedFailure(f"{step} failed {when} its side effect (injected)")


class RotationFunction:
    """A rotation function: call it as ``handler(event, context)``. Subclasses write the steps."""

    #: The ``engine`` values this function accepts in the secret JSON.
    engines: tuple[str, ...] = ()

    def __init__(self, connector: Any = None, *, client: Any = None, failures: FailurePlan | None = None) -> None:
        self.connector = connector
        self.client = client
        self.failures = failures or FailurePlan()

    def __call__(self, event: dict[str, Any], context: Any = None) -> None:
        arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
        client = self.client
        if client is None:
            if context is None or getattr(context, "client", None) is None:
                raise ValueError("no Secrets Manager client: pass client= or invoke through the service")
            client = context.client("secretsmanager")
        metadata = client.describe_secret(SecretId=arn)
        if "RotationEnabled" in metadata and not metadata["RotationEnabled"]:
            raise ValueError(f"Secret {arn} is not enabled for rotation.")
        versions = metadata["VersionIdsToStages"]
        if token not in versions:
            raise ValueError(f"Secret version {token} has no stage for rotation of secret {arn}.")
        if "AWSCURRENT" in versions[token]:
            return
        if "AWSPENDING" not in versions[token]:
            raise ValueError(f"Secret version {token} not set as AWSPENDING for rotation of secret {arn}.")
        handler = {
            "createSecret": self.create_secret,
            "setSecret": self.set_secret,
            "testSecret": self.test_secret,
            "finishSecret": self.finish_secret,
        }.get(step)
        if handler is None:
            raise ValueError(f"Invalid step parameter {step!r}")
        self.failures.check(step, "before")
        handler(client, arn, token)
        self.failures.check(step, "after")

    # ------------------------------------------------------------------ helpers
    def secret_dict(self, client: Any, arn: str, stage: str, token: str | None = None) -> dict[str, Any]:
        """Read one version's JSON and check the fields the templates require."""
        kwargs: dict[str, Any] = {"SecretId": arn, "VersionStage": stage}
        if token is not None:
            kwargs["VersionId"] = token
        secret = json.loads(client.get_secret_value(**kwargs)["SecretString"])
        for key in ("host", "username", "password"):
            if key not in secret:
                raise KeyError(f"{key} key is missing from secret JSON")
        if self.engines and secret.get("engine") not in self.engines:
            raise KeyError(f"Database engine must be set to one of {', '.join(self.engines)} in order to use this rotation function")
        return secret

    @staticmethod
    def new_password(client: Any) -> str:
        return client.get_random_password(ExcludeCharacters=EXCLUDE_CHARACTERS, PasswordLength=32)["RandomPassword"]

    def connect(self, secret: dict[str, Any]) -> Any:
        if self.connector is None:
            raise ValueError("this rotation function has no database connector")
        return self.connector.connect(secret)

    # ------------------------------------------------------------------ the steps
    def create_secret(self, client: Any, arn: str, token: str) -> None:
        """Store the next credentials under the token, once: a retry reuses them."""
        current = self.secret_dict(client, arn, "AWSCURRENT")
        try:
            self.secret_dict(client, arn, "AWSPENDING", token)
            return
        except client.exceptions.ResourceNotFoundException:
            pass
        pending = self.next_credentials(client, current)
        client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=json.dumps(pending),
                                VersionStages=["AWSPENDING"])

    def next_credentials(self, client: Any, current: dict[str, Any]) -> dict[str, Any]:
        pending = dict(current)
        pending["password"] = self.new_password(client)
        return pending

    def set_secret(self, client: Any, arn: str, token: str) -> None:
        raise NotImplementedError

    def test_secret(self, client: Any, arn: str, token: str) -> None:
        """Log in with the pending credentials and run the test query."""
        pending = self.secret_dict(client, arn, "AWSPENDING", token)
        conn = self.connect(pending)
        if conn is None:
            raise ValueError(f"Unable to log into database with pending secret of secret ARN {arn}")
        with conn:
            if not conn.test_login():
                raise ValueError("the test query returned nothing")

    def finish_secret(self, client: Any, arn: str, token: str) -> None:
        """Move AWSCURRENT to the token (Secrets Manager moves AWSPREVIOUS along)."""
        metadata = client.describe_secret(SecretId=arn)
        current = next((vid for vid, stages in metadata["VersionIdsToStages"].items() if "AWSCURRENT" in stages), None)
        if current == token:
            return
        client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                           RemoveFromVersionId=current)
