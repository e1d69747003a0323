"""AWS Lambda in the model: code packages, a runtime that runs them as Lambda does, and the
Lambda API.

A function is a code package (the bytes of a ``.zip``) plus configuration (``Handler``,
``Runtime``, ``Role``, ``Environment``, ``Timeout``, ``MemorySize``). Invoking it does what
Lambda does: the handler's module is imported once per cold start, in a namespace of its
own; the reserved environment variables and the function's own ``Environment`` are in
``os.environ`` while it runs; the handler gets ``(event, context)``; what it prints or
logs becomes the invocation's log; ``boto3`` inside it reaches the same Cloud; nothing in
it reaches the network.

The modules, from the bottom up:

========================  ===============================================================
``base``                  the one place this package imports the rest of secretkit from
``errors``                Lambda's error codes with Lambda's HTTP statuses
``code``                  code packages: a validated zip, or a kit-only Python callable
``loader``                importing a package's modules in a namespace of their own
``environ``               the reserved environment variables and the checks on yours
``capture``               stdout, stderr and ``logging`` into the invocation log
``timing``                modelled time: the invocation's stopwatch and ``time.sleep``
``guard``                 no network from inside a function
``routing``               ``boto3`` inside a function reaches the Cloud
``network``               what else a running function reaches (the kit's database drivers)
``context``               the ``context`` object a handler receives
``activation``            entering and leaving a function's world (process-wide state)
``faults``                kit-only failure injection: make chosen invocations fail on cue
``runtime``               execution environments, cold and warm starts, one invocation
``records``               functions, versions and their configuration
``validation``            AWS's checks on the Lambda API's arguments
``policy``                a function's resource-based policy
``invocation``            Invoke: synchronous, asynchronous with retries, dry run
``service``               the Lambda API, one per region
========================  ===============================================================

Other services invoke functions through the Lambda service of the function's region, as
AWS's do, after checking the function's resource policy: Secrets Manager for each rotation
step, EventBridge for each rule that fires.
"""

from .faults import FailurePlan
from .service import Lambda

__all__ = ["FailurePlan", "Lambda"]
