"""What an operation is about, for access control: each service's one declaration.

Every modelled service declares, beside its operations, how a call maps to the question
IAM asks (:class:`Target`): the action (``secretsmanager:GetSecretValue``), the resource's
ARN, the resource's own policy if it has one (a secret's resource policy, a key policy, a
function's policy), and the condition keys the call carries. The declaration is a
:class:`Rules` on the service's facade (``access = Rules("secretsmanager", {...})``): a
table from operation name to a function ``(facade, params) -> Target``. An operation not
in the table asks for ``<prefix>:<Operation>`` on ``"*"`` (what AWS does for calls with no
resource-level permission, such as ``ListSecrets``).

The Cloud's access control (:mod:`secretkit.iam.enforce`) reads the declaration before
each call runs; the services themselves never evaluate a policy. A target function looks
the resource up without touching the call's record and never raises: a resource that does
not exist is named by the ARN it would have (or the id as the caller passed it), so that a
caller without permission learns nothing from the answer but AccessDenied.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, NamedTuple

__all__ = ["Rules", "Target"]


class Target(NamedTuple):
    """The authorisation question of one call (see the module docstring).

    ``policy`` is the resource policy's JSON text and ``policy_kind`` which kind of
    document it is (``"secret"``, ``"key"``, ``"lambda"``); for a KMS key ``policy`` is
    always given (the default key policy when CreateKey had none). ``shown`` is how the
    AccessDenied message names the resource (Secrets Manager echoes the id as passed).
    ``home`` is set when the resource belongs to another account: that account's id (its
    service then serves the call and authorises it itself). ``about`` is the resource's
    record (a secret, a key, a parameter) from which access control reads the condition keys
    the service puts in the request (:mod:`secretkit.iam.keys`), when ``keys`` is not given.
    """

    action: str
    resource: str = "*"
    policy: str | None = None
    policy_kind: str = "secret"
    keys: Mapping[str, Any] | None = None
    label: str = ""
    shown: str | None = None
    home: str | None = None
    about: Any = None


Resolver = Callable[[Any, Mapping[str, Any], str], "Target | list[Target]"]


class Rules:
    """One service's declaration: ``Rules(prefix, {operation: resolver}, actions={...})``.

    ``actions`` renames the operations whose IAM action differs from the operation name
    (Lambda's ``Invoke`` is ``lambda:InvokeFunction``). ``self_checked`` lists operations
    the service authorises on its own (IAM and STS decide inside their operations).

    ``binds_root(facade, params)`` answers, cheaply, whether the call could be refused to the
    account's own root user: its resource has a policy of its own (or belongs to another
    account). Access control asks it first, so the root user's calls, every call of every
    notebook that uses no credentials, cost almost nothing. ``None``: the service's resources
    have no policies, so the root user is never refused.

    ``about(facade, operation, params)`` names, cheaply, the one record a call is about when
    the declaration would make a single target of it and of nothing else (its action, its
    ARN, its policy and condition keys all read from that record and the call's arguments),
    else ``None``: access control answers a question it remembers from the record without
    building the target.
    """

    __slots__ = ("prefix", "resolvers", "actions", "self_checked", "binds_root", "about")

    def __init__(self, prefix: str, resolvers: Mapping[str, Resolver] | None = None, *,
                 actions: Mapping[str, str] | None = None, self_checked: bool = False,
                 binds_root: Callable[[Any, Mapping[str, Any]], bool] | None = None,
                 about: Callable[[Any, str, Mapping[str, Any]], Any] | None = None) -> None:
        self.prefix = prefix
        self.resolvers = dict(resolvers or {})
        self.actions = dict(actions or {})
        self.self_checked = self_checked
        self.binds_root = binds_root
        self.about = about

    def action(self, operation: str) -> str:
        """The IAM action of ``operation`` (``GetSecretValue`` -> ``secretsmanager:GetSecretValue``)."""
        found = self.actions.get(operation)
        if found is None:
            found = self.actions[operation] = f"{self.prefix}:{operation}"  # written once per operation
        return found

    def target(self, facade: Any, operation: str, params: Mapping[str, Any]) -> Target | list[Target]:
        """The question (or questions) one call asks."""
        resolver = self.resolvers.get(operation)
        if resolver is None:
            return Target(self.action(operation))
        return resolver(facade, params, self.action(operation))
