"""Access control on every call: the guard the Cloud puts in front of each operation.

The :func:`~secretkit.core.service.operation` decorator hands each call, before it runs,
to the Cloud's :class:`Enforcer` (``env.guard``). The enforcer reads the service's
declaration (:class:`~secretkit.core.access.Rules`, one per service, beside its
operations) for the call's :class:`~secretkit.core.access.Target`, turns the call's
principal into its record (root user, IAM user, role session, AWS service) and asks the
:class:`~secretkit.iam.Authorizer` once per target, with the resource's own policy parsed
as IAM parses it. A denial raises the service's AccessDenied error before the operation
changes anything.

* **Root.** The root user of the resource's account, calling with no resource policy in
  the way, is allowed without an evaluation (AWS lets it do anything in its own account).
  Its allowed calls appear in the event log as calls only; every other decision, and every
  denial, is recorded as an ``access`` event whose ``detail`` keeps the decision, which
  :meth:`Enforcer.explain` (``cloud.explain(...)``) puts into words.
* **Key policies bind everyone**, root included: a KMS key's policy is always evaluated
  (the default key policy when CreateKey had none), and the AWS managed keys have their
  fixed policy, which lets only callers of the key's own account use them through their
  service.
* **Across accounts.** A call naming a resource of another account of the Cloud (a
  secret's full ARN) is served by that account's service, which authorises it there: the
  caller's identity policy and the resource's policy must both allow.
* **On the caller's behalf.** Secrets Manager's and Parameter Store's own KMS calls are
  authorised as their caller, with ``kms:ViaService`` and ``kms:EncryptionContext:*``
  (:meth:`Enforcer.on_behalf`).
* IAM and STS authorise inside their own operations; their declaration says so.
* An AWS service acting on its own (RDS creating the master user secret it manages, which
  on AWS it does through its service-linked role) is not checked; a service invoking a
  function is checked by Lambda, against the function's policy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Callable

from .analysis import broad_statements, grants_broad_access
from .authorizer import Authorizer
from .bridge import ClientError, EventLog, Target, current
from .directory import Directory
from .documents import Policy, PolicyKind, load_policy
from .evaluation import Decision
from .explain import access_denied, explain
from .keys import kms_keys, parameter_keys, secret_keys, via_service
from .managed import aws_managed_key_policy, default_key_policy
from .principals import Caller, Root, ServicePrincipal, Session, User

__all__ = ["Enforcer"]

_KINDS = {"secret": PolicyKind.SECRET, "key": PolicyKind.KEY, "lambda": PolicyKind.LAMBDA}
_SERVICE_SUFFIX = ".amazonaws.com"
#: What Secrets Manager and Parameter Store answer when KMS refuses their caller.
KMS_REFUSED = {
    "secretsmanager": "Access to KMS is not allowed",
    "ssm": "The ciphertext refers to a customer master key that does not exist, does not exist in this region, "
           "or you are not allowed to access.",
}
_LAMBDA_TRUST = "The role defined for the function cannot be assumed by Lambda."


class Enforcer:
    """The Cloud's guard: ``enforcer(service, operation, params)`` before every call."""

    def __init__(self, directory: Directory, authorizer: Authorizer, events: EventLog,
                 services: Callable[..., Any]) -> None:
        self.directory = directory
        self.authorizer = authorizer
        self.events = events
        self.services = services  # (name, region, account) -> service facade
        self._policies: dict[tuple[str, str], Policy] = {}
        self._sessions: dict[tuple[str, str], Session] = {}
        self._kms_keys: dict[tuple[Any, ...], dict[str, Any]] = {}  # never changed once built
        self.last_denied: Decision | None = None
        self.last: Decision | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The parsed policies and KMS condition keys are caches (made again from the records on
        # first use), no part of the state: a save and ``kit_snapshot`` leave them out.
        return {**self.__dict__, "_policies": {}, "_kms_keys": {}}

    # ----------------------------------------------------------------- principals
    def principal(self, ctx: Any) -> Caller:
        """The record of the principal making the call under way."""
        who = ctx.who
        if who is not None:
            return who  # type: ignore[no-any-return]
        arn = ctx.principal
        if arn.endswith(_SERVICE_SUFFIX) and ":" not in arn:
            return ServicePrincipal(arn)
        found = self.directory.find(arn)
        if isinstance(found, (Root, User, Session)):
            return found
        return self.directory.root(ctx.account_id)

    def policy(self, text: str, kind: str) -> Policy:
        """A resource policy's text parsed once (documents are immutable, so shared)."""
        key = (kind, text)
        found = self._policies.get(key)
        if found is None:
            if len(self._policies) > 1024:
                self._policies.clear()
            found = self._policies[key] = load_policy(text, _KINDS[kind])
        return found

    def key_policy(self, key: Any, account_id: str, region: str) -> Policy:
        """The policy of a KMS key: its own, the default one, or an AWS managed key's fixed one."""
        text = key.policy
        if text is None:
            managed = getattr(key, "managed_service", None)
            text = aws_managed_key_policy(account_id, region, managed) if managed else default_key_policy(account_id)
        return self.policy(text, "key")

    # ------------------------------------------------------------------- the guard
    def __call__(self, part: Any, operation: str, params: dict[str, Any]) -> Any:
        ctx = current()
        env = part.env
        facade = env.services.get(part.service_name, part)
        rules = getattr(facade, "access", None)
        if ctx.who is None:
            if ctx.principal == env.root:  # the account's root user: refused only by a policy of the resource
                probe = rules.binds_root if rules is not None else None
                if probe is None or not probe(facade, params):
                    return None
            elif ctx.principal.endswith(_SERVICE_SUFFIX):
                return None  # an AWS service acting on its own (through its service-linked role)
        if rules is None:
            targets: Any = Target(f"{part.service_name}:{operation}")
        else:
            if rules.self_checked:
                return None
            targets = rules.target(facade, operation, params)
        principal = None
        for target in targets if type(targets) is list else (targets,):
            home = target.home
            if home is not None and home != env.account_id:
                return self._elsewhere(part, operation, home, target.resource, env.region)
            if target.policy is None and ctx.who is None and ctx.principal == env.root:
                # The account's root user, and no resource policy, or a key's default or AWS managed
                # policy (which both let the account's root user in; the kit keeps refusing changes
                # to AWS managed keys with KMS's UnsupportedOperationException): allowed.
                continue
            if principal is None:
                principal = self.principal(ctx)
            if target.policy is not None:
                policy = self.policy(target.policy, target.policy_kind)
            elif target.policy_kind == "key" and target.about is not None:
                policy = self.key_policy(target.about[0], env.account_id, env.region)
            else:
                policy = None
            keys = target.keys if target.keys is not None else _condition_keys(part.service_name, target, params)
            self.require(principal, target.action, target.resource, part.service_name, policy, keys,
                         env.region, target.label, target.shown, env.account_id)
        return None

    def _elsewhere(self, part: Any, operation: str, account: str, resource: str, region: str) -> Any:
        """The method of the other account's service that holds ``resource``, or an error."""
        parts = resource.split(":")
        where = parts[3] if len(parts) > 4 and parts[3] else region
        try:
            other = self.services(part.service_name, where, account)
        except ValueError:
            return None  # not an account of this Cloud: the operation answers as for any unknown id
        from botocore import xform_name

        return getattr(other, xform_name(operation))

    def require(self, principal: Caller, action: str, resource: str, service: str, policy: Policy | None,
                keys: Any, region: str, label: str = "", shown: str | None = None,
                account: str | None = None) -> Decision:
        """Decide one request, record it, and raise ``service``'s AccessDenied on a denial."""
        decision = self.authorizer.decide(principal, action, resource, resource_policy=policy, keys=keys,
                                          region=region, resource_label=label,
                                          resource_account=account if resource == "*" else None)
        self._record(decision, service, region)
        if not decision.allowed:
            raise access_denied(decision, service, shown)
        return decision

    def _record(self, decision: Decision, service: str, region: str) -> None:
        self.last = decision
        request = decision.request
        if decision.allowed and request.principal.is_root and not decision.cross_account:
            return  # the root user's own calls are in the log as calls
        if not decision.allowed:
            self.last_denied = decision
        self.events.record(self.authorizer.clock.now, "access", region, service, request.action,
                           "OK" if decision.allowed else decision.decision, request.resource, _Detail(decision),
                           request.principal.arn)

    # ------------------------------------------------------------- policy reviews
    def is_public(self, text: str) -> bool:
        """Whether a secret's resource policy grants broad access (BlockPublicPolicy refuses it);
        a policy IAM cannot parse is refused by the caller's own syntax check first."""
        try:
            return grants_broad_access(self.policy(text, "secret"))
        except ClientError:
            return False

    def review_secret_policy(self, text: str, secret_arn: str | None) -> list[dict[str, str]]:
        """ValidateResourcePolicy's three checks (the check names are the kit's: AWS does not
        document its own): the policy as IAM parses it, broad access, and lock-out of the
        caller (it would deny the caller PutResourcePolicy on the secret)."""
        try:
            policy = self.policy(text, "secret")
        except ClientError as exc:
            return [{"CheckName": "SYNTAX", "ErrorMessage": exc.message}]
        findings = []
        for st in broad_statements(policy):
            findings.append({"CheckName": "BROAD_ACCESS", "ErrorMessage": (
                f"Statement {st.label} allows {'any principal' if not st.not_principal else 'every principal but those named'}"
                " with no condition on who or where the caller is: it grants broad access to the secret.")})
        ctx = current()
        if ctx is not None and secret_arn is not None:
            principal = self.principal(ctx)
            if not principal.is_service and self.authorizer.would_lock_out(
                    principal, "secretsmanager:PutResourcePolicy", secret_arn, policy, region=ctx.region):
                findings.append({"CheckName": "LOCK_OUT", "ErrorMessage": (
                    f"The policy would deny {principal.arn} secretsmanager:PutResourcePolicy on the secret: "
                    "you could not change it again.")})
        return findings

    # ------------------------------------------------------------ KMS for a service
    def on_behalf(self, kms: Any, operation: str, key: Any, context: Any, via: str) -> None:
        """Authorise the KMS call ``via`` (``secretsmanager``, ``ssm``) makes for its caller.

        Raises KMS's AccessDeniedException (the calling service maps it to its own words,
        :data:`KMS_REFUSED`). Work the clock runs, with no caller, is the service's own.
        """
        ctx = current()
        if ctx is None or (ctx.who is None and ctx.principal.endswith(_SERVICE_SUFFIX)):
            return  # the service's own work (the clock's, or a service acting on its own)
        env = kms.env
        if key.policy is None and ctx.who is None and ctx.principal == env.root:
            return  # the root user, through its own account's default or AWS managed key policy
        principal = self.principal(ctx)
        memo = (via, env.region, tuple(context.items()) if context else ())
        keys = self._kms_keys.get(memo)
        if keys is None:  # the same version read again asks the same question: build its keys once
            if len(self._kms_keys) > 4096:
                self._kms_keys.clear()
            keys = self._kms_keys[memo] = kms_keys(via=via_service(via, env.region), encryption_context=context)
        self.require(principal, f"kms:{operation}", key.arn, "kms", self.key_policy(key, env.account_id, env.region),
                     keys, env.region, f"key {key.key_id}", None, env.account_id)

    # --------------------------------------------------------- Lambda's execution role
    def execution_role(self, env: Any, role_arn: str, session_name: str) -> Session | None:
        """The session a Lambda function runs as: of its execution role, named after the function.

        The role must trust ``lambda.amazonaws.com``: if it does not (or the ARN names a user),
        ``False``-like failure is signalled by raising :class:`PermissionError`, which the
        Cloud turns into Lambda's ``InvalidParameterValueException``. ``None`` when the ARN
        names no role in IAM at all (see :meth:`secretkit.cloud.Cloud._execution_role`). A
        session is reused until five minutes before it expires.
        """
        found = self.directory.find(role_arn) if isinstance(role_arn, str) else None
        if found is None:
            return None
        if found.__class__.__name__ != "Role":
            raise PermissionError(_LAMBDA_TRUST)
        now = env.clock.now
        cached = self._sessions.get((role_arn, session_name))
        if cached is None or cached.role is not found or (cached.expires - now).total_seconds() < 300:
            decision = self.authorizer.decide(ServicePrincipal("lambda.amazonaws.com"), "sts:AssumeRole", found.arn,
                                              resource_policy=found.trust, region=env.region,
                                              resource_label=f"role {found.name}")
            self._record(decision, "sts", env.region)
            if not decision.allowed:
                raise PermissionError(_LAMBDA_TRUST)
            cached = self._sessions[(role_arn, session_name)] = self.directory.new_session(
                found, session_name, 3600, "lambda.amazonaws.com")  # type: ignore[arg-type]
        return cached

    # ----------------------------------------------------------------- explaining
    def explain(self, which: Any = None) -> str:
        """Plain words for a decision: an ``access`` event, an AccessDenied error, or ``None``
        (the latest denial, else the latest decision)."""
        decision = self._find(which)
        if decision is None:
            return "No access decision has been recorded yet: every call so far came from the root user of its own account."
        return explain(decision)

    def _find(self, which: Any) -> Decision | None:
        if which is None:
            return self.last_denied or self.last
        if isinstance(which, Decision):
            return which
        detail = getattr(which, "detail", None)
        if detail is not None and isinstance(detail.get("explained"), Decision):
            return detail["explained"]  # type: ignore[no-any-return]
        response = getattr(which, "response", None)
        if isinstance(response, dict):  # a botocore ClientError: its message names principal, action, resource
            message = response.get("Error", {}).get("Message", "")
            for event in reversed(list(self.events)):
                found = event.detail.get("explained") if event.kind == "access" else None
                if isinstance(found, Decision) and not found.allowed and found.request.action in message \
                        and found.request.principal.arn in message:
                    return found
        raise ValueError("explain() takes an access event of cloud.events, an AccessDenied ClientError, or nothing")


class _Detail(Mapping[str, Any]):
    """An ``access`` event's detail: the decision's summary (principal, action, resource,
    decision, the statements that decided, the policy type blamed) and, under ``explained``,
    the decision itself. The summary is written out when first read, not on every call."""

    __slots__ = ("decision", "_summary")

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        self._summary: dict[str, Any] | None = None

    def _items(self) -> dict[str, Any]:
        if self._summary is None:
            self._summary = {**self.decision.summary(), "explained": self.decision}
        return self._summary

    def __getitem__(self, key: str) -> Any:
        return self.decision if key == "explained" else self._items()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.decision if key == "explained" else self._items().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __bool__(self) -> bool:
        return True  # never empty (and the log's truth test must not write the summary out)

    def __repr__(self) -> str:
        return repr(self._items())


_TAGGING = frozenset({"CreateSecret", "TagResource"})


def _condition_keys(service: str, target: Target, params: dict[str, Any]) -> dict[str, Any] | None:
    """The service's condition keys for one call (:mod:`secretkit.iam.keys`), read from the
    resource's record the declaration found and from the call's own arguments."""
    about = target.about
    if service == "secretsmanager":
        operation = target.action.split(":", 1)[1]
        # Only well-formed entries: a malformed argument is the operation's to refuse, after access control.
        given = params.get("Tags") if operation in _TAGGING else None
        tags = [t for t in given if isinstance(t, dict) and isinstance(t.get("Key"), str)
                and isinstance(t.get("Value"), str)] if isinstance(given, list) else None
        given = params.get("AddReplicaRegions")
        replicas = [r for r in given if isinstance(r, dict) and isinstance(r.get("Region"), str)] \
            if isinstance(given, list) else None
        if about is None:
            return secret_keys(request=params, request_tags=tags, add_replica_regions=replicas)
        return secret_keys(about.arn, tags=about.tags, rotation_lambda_arn=about.rotation_lambda_arn,
                           primary_region=about.primary_region, request=params, request_tags=tags,
                           add_replica_regions=replicas)
    if service == "kms" and about is not None:
        context = params.get("EncryptionContext")
        return kms_keys(encryption_context=context if isinstance(context, dict) else None)
    if service == "ssm" and about is not None:
        found, _ = about
        overwrite, recursive = params.get("Overwrite"), params.get("Recursive")
        return parameter_keys(tags=found.tags if found is not None else None,
                              overwrite=overwrite if isinstance(overwrite, bool) else None,
                              recursive=recursive if isinstance(recursive, bool) else None)
    return None
