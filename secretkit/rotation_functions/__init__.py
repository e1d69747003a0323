"""The pre-built rotation functions: Lambda code packages written like AWS's templates.

AWS publishes a rotation function per database engine and strategy, and its Serverless
Application Repository deploys one for you: the function (``lambda_function.py`` with the
database driver, zipped), an execution role, and a permission that lets Secrets Manager
invoke it. The kit does the same, through the same IAM and Lambda APIs::

    from secretkit import rotation_functions

    arn = rotation_functions.deploy(cloud, "rotate-app-db", "postgres", "single-user")
    sm.rotate_secret(SecretId="app/db", RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 30})

* :mod:`.packages`: which functions exist, their source (:func:`source`, to read) and their
  zip (:func:`package`, the bytes CreateFunction receives);
* :mod:`.deployment`: :func:`deploy`, what AWS's serverless application creates (the role
  first, with :func:`rotation_policy`, the least privilege a rotation needs);
* :mod:`.drivers`: the kit's stand-ins for the database drivers the functions import
  (PyGreSQL, PyMySQL, pymongo) over the simulated servers, and ``pgdb`` over psycopg for
  the real PostgreSQL of lab 6.

A function's code is what a student reads as AWS's: nothing kit-only is in it. To make a
step fail on purpose, the kit arms the Lambda runtime instead (``cloud.awslambda(region)
.kit_failures(name)``, see :mod:`secretkit.awslambda.faults`).
"""

from __future__ import annotations

from .deployment import deploy, execution_role_arn, function_environment, rotation_policy
from .packages import DRIVERS, ENGINES, HANDLER, STRATEGIES, Template, package, source, template

__all__ = [
    "DRIVERS",
    "ENGINES",
    "HANDLER",
    "STRATEGIES",
    "Template",
    "deploy",
    "execution_role_arn",
    "function_environment",
    "package",
    "rotation_policy",
    "source",
    "template",
]
