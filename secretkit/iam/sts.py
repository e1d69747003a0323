"""STS, one per region: assuming roles and asking who you are.

``AssumeRole`` hands out temporary credentials for a role when two things hold (IAM User
Guide, "Granting a user permissions to switch roles"):

* the role's **trust policy** allows the caller ``sts:AssumeRole`` (naming the caller, or
  the caller's account), and
* unless the trust policy names the caller directly in the same account, the caller's
  **identity-based policy** allows ``sts:AssumeRole`` on the role. Across accounts both
  are always needed.

Denied, or asked for a role that does not exist, STS answers the same ``AccessDenied``
(it never tells a stranger which roles exist). The root user cannot assume roles at all.
The credentials expire on the simulated clock: after ``DurationSeconds`` (900 to the
role's ``MaxSessionDuration``, one hour by default, at most one hour when a role session
assumes another role) every call made with them fails with ``ExpiredToken``.

``GetCallerIdentity`` needs no permission; even an explicit deny does not block it.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .authorizer import Authorizer
from .bridge import Env, Rules, Service, aws_error, operation
from .calling import CallerOf
from .checks import check_document, check_int, check_name, validation
from .directory import Directory
from .documents import PolicyKind, iam_size, load_policy
from .explain import access_denied_message
from .principals import Caller, PolicySource, Role, Session

__all__ = ["Sts"]

_EXTERNAL_ID_RE = re.compile(r"[\w+=,.@:/-]*")


class Sts(Service):
    """The STS of one region (it serves every account)."""

    service_name = "sts"
    access = Rules("sts", self_checked=True)  # IAM and STS authorise inside their operations

    def __init__(self, env: Env, directory: Directory, authorizer: Authorizer) -> None:
        super().__init__(env)
        self.directory = directory
        self.authorizer = authorizer
        self._callers = CallerOf(directory, env.account_id)

    @property
    def caller(self) -> Caller:
        """Who is making the current call (the account's root user unless told otherwise)."""
        return self._callers()

    def invoke(self, name: str, principal: Caller | None = None, **params: Any) -> Any:
        """Call operation ``name`` (``assume_role`` or ``AssumeRole``) as ``principal``."""
        methods: dict[str, Callable[..., Any]] = {"assume_role": self.assume_role, "AssumeRole": self.assume_role,
                                                  "get_caller_identity": self.get_caller_identity,
                                                  "GetCallerIdentity": self.get_caller_identity}
        method = methods.get(name)
        if method is None:
            raise ValueError(f"STS has no operation {name!r}")
        return self._callers.invoke(method, principal, params)

    def _deny(self, role_arn: str, reason: str | None = None) -> Exception:
        caller = self.caller
        message = reason or f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        return aws_error("AccessDenied", message)

    @operation("AssumeRole")
    def assume_role(
        self, *, RoleArn: str, RoleSessionName: str, DurationSeconds: int | None = None, Policy: str | None = None,
        ExternalId: str | None = None,
    ) -> dict[str, Any]:
        if not isinstance(RoleArn, str) or not 20 <= len(RoleArn) <= 2048:
            raise validation("roleArn", "Member must have length greater than or equal to 20")
        session_name = check_name(RoleSessionName, "RoleSessionName", "roleSessionName", 64)
        if len(session_name) < 2:
            raise validation("roleSessionName", "Member must have length greater than or equal to 2")
        seconds = 3600 if DurationSeconds is None else check_int(DurationSeconds, "DurationSeconds", "durationSeconds",
                                                                  900, 43200)
        if ExternalId is not None:
            if not isinstance(ExternalId, str) or not 2 <= len(ExternalId) <= 1224 or not _EXTERNAL_ID_RE.fullmatch(ExternalId):
                raise validation("externalId", "Member must satisfy regular expression pattern: [\\w+=,.@:/-]*")
        session_policy = None
        if Policy is not None:
            text = check_document(Policy, "Policy", "policy")
            if iam_size(text) > 2048:
                raise validation("policy", "Member must have length less than or equal to 2048")
            session_policy = load_policy(text, PolicyKind.SESSION)
        caller = self.caller
        if caller.is_root:
            raise self._deny(RoleArn, "Roles may not be assumed by root accounts.")
        role = self._role(RoleArn)
        if role is None:
            raise self._deny(RoleArn)
        keys = {"sts:RoleSessionName": session_name, "sts:ExternalId": ExternalId}
        decision = self.authorizer.decide(caller, "sts:AssumeRole", role.arn, resource_policy=role.trust, keys=keys,
                                          region=self.region, resource_label=f"role {role.name}")
        if not decision.allowed:
            raise aws_error("AccessDenied", access_denied_message(decision, RoleArn))
        if isinstance(caller, Session) and seconds > 3600:
            raise aws_error("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for "
                            "roles assumed by role chaining.")
        if seconds > role.max_session:
            raise aws_error("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for "
                            "this role.")
        policies: tuple[tuple[PolicySource, object], ...] = ()
        if session_policy is not None:
            label = f"role {role.name} (session {session_name})"
            policies = ((PolicySource("session", "session policy", label, "none"), session_policy),)
        session = self.directory.new_session(role, session_name, seconds, caller.arn, policies)
        role.last_used = (self.env.clock.now, self.region)
        out: dict[str, Any] = {
            "Credentials": {"AccessKeyId": session.key_id, "SecretAccessKey": session.secret,
                            "SessionToken": session.token, "Expiration": session.expires},
            "AssumedRoleUser": {"AssumedRoleId": session.user_id, "Arn": session.arn},
        }
        if session_policy is not None:
            out["PackedPolicySize"] = min(100, round(100 * iam_size(session_policy.text) / 2048))
        return out

    def _role(self, arn: str) -> Role | None:
        found = self.directory.find(arn)
        return found if isinstance(found, Role) else None

    @operation("GetCallerIdentity")
    def get_caller_identity(self) -> dict[str, Any]:
        caller = self.caller
        if caller.is_service:
            raise aws_error("InvalidClientTokenId", "The security token included in the request is invalid.")
        return {"UserId": caller.user_id, "Account": caller.account_id, "Arn": caller.arn}  # type: ignore[union-attr]
