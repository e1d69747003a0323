"""A secret, its database and a deployed pre-built rotation function, ready to rotate (shared
by the rotation tests)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from secretkit import Cloud, rotation_functions
from secretkit.awslambda import FailurePlan
from secretkit.databases import Database, SimConnector, databases

APP_PW = "app-password-0"
MASTER_PW = "master-password-0"
FUNCTION = "rotate-app"


@dataclass
class Setup:
    cloud: Cloud
    sm: Any
    db: Database
    arn: str
    function_arn: str
    failures: FailurePlan  # the runtime's failure plan for the function
    connector: SimConnector

    @property
    def lam(self) -> Any:
        return self.cloud.awslambda("us-east-1")

    def current(self) -> dict[str, Any]:
        return json.loads(self.sm.get_secret_value(SecretId=self.arn)["SecretString"])

    def labels(self) -> dict[str, list[str]]:
        return self.sm.describe_secret(SecretId=self.arn)["VersionIdsToStages"]

    def current_works(self) -> bool:
        value = self.current()
        return self.db.accepts(value["username"], value["password"])

    def rotate(self, **kwargs: Any) -> str:
        token = self.sm.rotate_secret(SecretId=self.arn, RotationLambdaARN=self.function_arn, **kwargs)["VersionId"]
        self.cloud.clock.advance(seconds=5)
        return token


def make_setup(engine: str = "postgres", strategy: str = "single-user", *, duration_ms: float = 100.0,
               seed: int = 0) -> Setup:
    """A Cloud with one database, its master and app secrets, and the pre-built function for
    ``engine`` and ``strategy`` deployed as ``rotate-app`` (each step modelled at ``duration_ms``)."""
    cloud = Cloud(seed=seed)
    sm = cloud.secretsmanager("us-east-1")
    dbs = databases(cloud)
    host = f"{engine}.db.example"
    db = dbs.create(engine, host, "admin", MASTER_PW)
    db.add_user("app", APP_PW, grants=("SELECT", "INSERT"))
    master = sm.create_secret(Name="master", SecretString=json.dumps(db.secret_dict("admin", MASTER_PW)))
    extra = {"masterarn": master["ARN"]} if strategy == "alternating-users" else {}
    arn = sm.create_secret(Name="app", SecretString=json.dumps(db.secret_dict("app", APP_PW, **extra)))["ARN"]
    function_arn = rotation_functions.deploy(cloud, FUNCTION, engine, strategy, secret_arn=arn,
                                             master_secret_arn=extra.get("masterarn"))
    lam = cloud.awslambda("us-east-1")
    lam.kit_set_timing(FUNCTION, duration_ms=duration_ms)
    return Setup(cloud, sm, db, arn, function_arn, lam.kit_failures(FUNCTION), SimConnector(dbs))
