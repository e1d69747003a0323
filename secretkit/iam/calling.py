"""Who is calling an IAM or STS operation: the principal of the request under way.

Every call the model serves runs in a request context (:mod:`secretkit.core.context`) that
names its principal by ARN: the account's root user unless a door or an enclosing call said
otherwise. IAM and STS need more than the ARN, since they evaluate the caller's own
policies, so :class:`CallerOf` turns the context's principal into the principal record the
:class:`~secretkit.iam.directory.Directory` holds (root user, user, role session, service).

:meth:`CallerOf.invoke` runs one operation as a given principal record: it opens a
:class:`~secretkit.core.context.caller` block with the record's ARN, so the call and its
event-log record name that principal, and pins the record itself for the call, because
two sessions of one role may share an ARN and differ in their session policies.

When a door resolved the caller's credentials, the context carries the record itself
(``ctx.who``). A principal the directory does not know is treated as the account's root user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .bridge import caller, current, current_principal
from .directory import Directory
from .principals import Caller, Root, ServicePrincipal, Session, User

__all__ = ["CallerOf"]

_SERVICE_SUFFIX = ".amazonaws.com"


class CallerOf:
    """The caller of the current IAM or STS call, for one account's view of a directory."""

    def __init__(self, directory: Directory, account_id: str) -> None:
        self.directory = directory
        self.account_id = account_id
        self._pinned: list[Caller] = []  # principal records pinned by invoke(), innermost last

    def __call__(self) -> Caller:
        """The principal record making the current call."""
        if self._pinned:
            return self._pinned[-1]
        ctx = current()
        if ctx is not None and ctx.who is not None:
            return ctx.who  # type: ignore[no-any-return]  # the record a door resolved credentials to
        arn = current_principal()
        if arn is not None:
            if arn.endswith(_SERVICE_SUFFIX) and ":" not in arn:
                return ServicePrincipal(arn)
            found = self.directory.find(arn)
            if isinstance(found, (Root, User, Session)):
                return found
        return self.directory.root(self.account_id)

    def invoke(self, method: Callable[..., Any], principal: Caller | None, params: dict[str, Any]) -> Any:
        """Call ``method(**params)`` as ``principal`` (the current caller when ``None``)."""
        if principal is None:
            return method(**params)
        self._pinned.append(principal)
        try:
            with caller(principal.arn):
                return method(**params)
        finally:
            self._pinned.pop()
