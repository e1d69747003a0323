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
* **Asked again.** A Secrets Manager call, or a KMS call made for the caller, that asks a
  question decided before (the same caller with the same policies, the same action, the
  same resource with the same policy and condition-key sources, the same arguments) is
  answered by one look-up: nothing is evaluated or built, but the answer is recorded as an
  ``access`` event like any other, holding the same decision. A denial is never remembered,
  nor a decision whose conditions read the clock. For a Secrets Manager call about one
  secret, the declaration's ``about`` names the secret's record and the remembered answer is
  found from it, without the target being built.
* IAM and STS authorise inside their own operations; their declaration says so.
* An AWS service acting on its own (RDS creating the master user secret it manages, which
  on AWS it does through its service-linked role) is not checked; a service invoking a
  function is checked by Lambda, against the function's policy.
"""

from __future__ import annotations

from typing import Any, Callable

from .analysis import broad_statements, grants_broad_access
from .authorizer import Authorizer
from .bridge import ClientError, EventLog, Target, current
from .directory import Directory
from .documents import Policy, PolicyKind, check_principals_exist, load_policy
from .evaluation import Decision
from .event_detail import DecisionDetail as _Detail
from .explain import access_denied, explain
from .keys import call_keys, kms_keys, via_service
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
        # question -> (decision, identity and session policies, the access event's fields, the
        # resource's record and what it contributes): see _remember
        self._answers: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.last_denied: Decision | None = None
        self.last: Decision | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The parsed policies, KMS condition keys and remembered answers are caches (made again
        # from the records on first use), no part of the state: a save and ``kit_snapshot``
        # leave them out.
        return {**self.__dict__, "_policies": {}, "_kms_keys": {}, "_answers": {}}

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

    def written_policy(self, text: str, kind: str) -> Policy:
        """A resource policy being written (PutResourcePolicy, CreateKey, PutKeyPolicy): parsed,
        and refused with the service's error when it names a user or role that does not exist."""
        policy = self.policy(text, kind)
        check_principals_exist(policy, self.directory.exists)
        return policy

    def principal_exists(self, arn: str) -> bool:
        """Whether an IAM user or role ARN names one that exists in this Cloud."""
        return self.directory.exists(arn)

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
        principal = None
        if rules is None:
            targets: Any = Target(f"{part.service_name}:{operation}")
        else:
            if rules.self_checked:
                return None
            quick = rules.about
            if quick is not None:
                about = quick(facade, operation, params)
                if about is not None:  # a question about one record: perhaps answered before
                    principal = ctx.who
                    if principal is None:
                        principal = self.principal(ctx)
                    try:
                        hit = self._answers.get((principal, operation, id(about), tuple(params.items())))
                    except TypeError:  # an argument with a list value: no remembered answer
                        hit = None
                    if hit is not None and hit[1] is hit[-1]._cache \
                            and hit[2] is principal.session_policies and hit[5] == about.resource_policy \
                            and hit[6] == about.tags and hit[7] == about.rotation_lambda_arn \
                            and hit[8] == about.primary_region:
                        # Answered again without building the target (it is built from the same
                        # record and arguments), and recorded as any decision is.
                        self.last = self.authorizer.last = hit[0]
                        if hit[3] is not None:
                            self.events.record_fields((self.authorizer.clock.now,) + hit[3])
                        return None
            targets = rules.target(facade, operation, params)
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
                principal = ctx.who
                if principal is None:
                    principal = self.principal(ctx)
            service = part.service_name
            question = None
            about = target.about
            if about is not None and service == "secretsmanager" and target.keys is None:
                # The question whole, cheaply: who asks what of which secret, with which arguments.
                # What else the decision depends on (the secret's policy and the sources of its
                # condition keys) is compared with what it was when the question was first asked.
                question = (principal, operation, id(about), tuple(params.items()))
                try:
                    hit = self._answers.get(question)
                except TypeError:  # an argument with a list value: no remembered answer
                    question = hit = None
                if hit is not None and hit[1] is hit[-1]._cache \
                        and hit[2] is principal.session_policies and hit[5] == target.policy \
                        and hit[6] == about.tags and hit[7] == about.rotation_lambda_arn \
                        and hit[8] == about.primary_region:
                    # Answered again, and recorded as for any decision: the access event _record
                    # would write, but for its time (written out here and in on_behalf: hot).
                    self.last = self.authorizer.last = hit[0]
                    if hit[3] is not None:
                        self.events.record_fields((self.authorizer.clock.now,) + hit[3])
                    continue
            if target.policy is not None:
                policy = self.policy(target.policy, target.policy_kind)
            elif target.policy_kind == "key" and target.about is not None:
                policy = self.key_policy(target.about[0], env.account_id, env.region)
            else:
                policy = None
            keys = target.keys if target.keys is not None else call_keys(service, target, params)
            decision = self.require(principal, target.action, target.resource, service, policy, keys,
                                    env.region, target.label, target.shown, env.account_id)
            if question is not None:
                self._remember(question, principal, decision, service, env.region, about, target.policy,
                               [dict(t) for t in about.tags], about.rotation_lambda_arn, about.primary_region)
        return None

    # ------------------------------------------------------ questions answered before
    def _remember(self, question: tuple[Any, ...], principal: Caller, decision: Decision, service: str,
                  region: str, *sources: Any) -> None:
        """Remember an allowance (a denial is decided afresh each time, as is a decision whose
        conditions read the clock). ``sources`` are what the resource contributes to the
        decision, compared on the next asking: its record first (kept alive by the entry, so
        that the ``id`` the question holds of it stays its own), then its policy and the values
        its condition keys come from (copies: a list changed in place is then a change). Last in
        the entry is the record that keeps the caller's identity policies."""
        if decision.volatile or not decision.allowed:
            return
        # Where the caller's identity policies are kept (a session's are its role's): the entry
        # holds it, so a repeat compares its policy list without asking the caller for it.
        holder = getattr(principal, "role", principal)
        policies = principal.identity_policies()
        if getattr(holder, "_cache", None) is not policies:
            return
        answers = self._answers
        if len(answers) >= 4096:
            answers.clear()
        request = decision.request
        row = None if request.principal.is_root and not decision.cross_account else (
            "access", region, service, request.action, "OK", request.resource, _Detail(decision),
            request.principal.arn)
        try:
            # The entry keeps the policy sources alive: while it exists, no other object can
            # take their identity, so an ``is`` test is a test of the same policies.
            answers[question] = (decision, policies, principal.session_policies, row) + sources + (holder,)
        except TypeError:
            pass

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
        # The detail holds the decision by reference and writes its summary out when read.
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
    def on_behalf(self, kms: Any, operation: str, key: Any, context: Any, via: str, ctx: Any = None) -> None:
        """Authorise the KMS call ``via`` (``secretsmanager``, ``ssm``) makes for its caller.

        Raises KMS's AccessDeniedException (the calling service maps it to its own words,
        :data:`KMS_REFUSED`). Work the clock runs, with no caller, is the service's own. ``ctx``:
        the request under way, when the caller has it at hand (else it is looked up).
        """
        if ctx is None:
            ctx = current()
        if ctx is None or (ctx.who is None and ctx.principal.endswith(_SERVICE_SUFFIX)):
            return  # the service's own work (the clock's, or a service acting on its own)
        env = kms.env
        if key.policy is None and ctx.who is None and ctx.principal == env.root:
            return  # the root user, through its own account's default or AWS managed key policy
        principal = ctx.who
        if principal is None:
            principal = self.principal(ctx)
        asked = tuple(context.items()) if context else ()
        question = (principal, operation, id(key), via, env.region, env.account_id, asked)
        try:
            hit = self._answers.get(question)
        except TypeError:  # not a context of strings: no remembered answer
            hit = None
        if hit is not None and hit[1] is hit[-1]._cache and hit[2] is principal.session_policies \
                and hit[5] == key.policy:
            self.last = self.authorizer.last = hit[0]  # answered again and recorded, as in __call__
            if hit[3] is not None:
                self.events.record_fields((self.authorizer.clock.now,) + hit[3])
            return
        memo = (via, env.region, asked)
        keys = self._kms_keys.get(memo)
        if keys is None:  # the same version read again asks the same question: build its keys once
            if len(self._kms_keys) > 4096:
                self._kms_keys.clear()
            keys = self._kms_keys[memo] = kms_keys(via=via_service(via, env.region), encryption_context=context)
        decision = self.require(principal, f"kms:{operation}", key.arn, "kms",
                                self.key_policy(key, env.account_id, env.region), keys, env.region,
                                f"key {key.key_id}", None, env.account_id)
        self._remember(question, principal, decision, "kms", env.region, key, key.policy)

    # --------------------------------------------------------- Lambda's execution role
    def execution_role(self, env: Any, role_arn: str, session_name: str) -> Session:
        """The session a Lambda function runs as: of its execution role, named after the function.

        The role must exist in IAM and trust ``lambda.amazonaws.com``; otherwise (a role that
        does not exist, one whose trust policy does not let Lambda assume it, or an ARN naming a
        user) :class:`PermissionError` is raised, which the Cloud turns into Lambda's
        ``InvalidParameterValueException``, as on AWS. A session is reused until five minutes
        before it expires.
        """
        found = self.directory.find(role_arn) if isinstance(role_arn, str) else None
        if found is None or found.__class__.__name__ != "Role":
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
