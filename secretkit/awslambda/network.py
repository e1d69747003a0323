"""What a running function can reach besides AWS's APIs: the model's private network.

A rotation function on AWS sits in the database's VPC and opens a connection to the host
name its secret holds. Here the database servers are simulated ones, held by the Cloud
(:mod:`secretkit.databases`), and the function has no sockets. So the Cloud hands each
Lambda service a *network*: a mapping of what its functions may reach, by name (the
Cloud's directory of simulated database servers is ``"databases"``). The kit's stand-in
database drivers look a host up there, from inside the function that is running::

    from secretkit.awslambda.network import reach

    server = reach("databases").get(host)   # the simulated server answering at ``host``

Outside a function there is no network to reach, and :func:`reach` says so. This is
kit-only plumbing: AWS code never calls it; a kit driver that a function imports does.
"""

from __future__ import annotations

from typing import Any

from .routing import current_route

__all__ = ["NotInAFunctionError", "reach"]


class NotInAFunctionError(RuntimeError):
    """The model's private network was asked for outside a running Lambda function."""


def reach(name: str) -> Any:
    """What the running function's network provides under ``name``.

    Raises :class:`NotInAFunctionError` outside a function, and :class:`LookupError` when the
    Cloud gave this function's network nothing of that name.
    """
    route = current_route()
    if route is None:
        raise NotInAFunctionError(
            f"the model's {name!r} can be reached only from inside a Lambda function running in the Cloud"
        )
    try:
        return route.network[name]
    except KeyError:
        known = ", ".join(sorted(route.network)) or "nothing"
        raise LookupError(f"function {route.function_name!r} cannot reach {name!r}; its network holds {known}") from None
