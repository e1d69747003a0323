"""Lab 5 checks: cost optimisation — choose services for a workload under a budget.

The scenario (the notebook states it in full): a shop in us-east-1 with a monthly budget of
:data:`BUDGET` dollars for keeping its values, holding

* 3 database credentials: rotated every 30 days, read 2,000 times a day each, and needing a
  replica in us-west-2 for disaster recovery;
* 20 configuration values (URLs, feature flags): read 5,000 times a day each, not secret;
* 4 third-party API keys: secret, read 1,000 times a day each, never rotated, one region.

The checks compute costs with :mod:`secretkit.pricing`, the same code the notebook uses,
and never show the figure they expect.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..pricing import PARAMETER_STORE, SECRETS_MANAGER, Workload, monthly, price
from . import Checks, Mistake, expect, type_name

__all__ = ["BUDGET", "GROUPS", "checks", "check"]

checks = Checks("lab05")
check = checks.check

#: The shop's monthly budget in USD for storing and reading its values.
BUDGET = Decimal("5.00")
#: The three groups of values the student places.
GROUPS = ("db credentials", "config values", "api keys")

_DB_COUNT, _DB_READS, _DB_ROTATION, _DB_REPLICA = 3, 2000, 30, "us-west-2"
_CONFIG_COUNT, _KEY_COUNT = 20, 4
_CONFIG_READS, _KEY_READS = 5000, 1000


@checks.question("q1")
def _db_workload(workload: Any) -> None:
    """The database credentials described as one Workload."""
    expect(not isinstance(workload, (list, tuple)),
           "db_workload is a list: the three credentials are one Workload with secrets=3")
    expect(isinstance(workload, Workload), "describe the credentials as a secretkit.pricing.Workload")
    expect(workload.secrets == _DB_COUNT, "the number of secrets does not match the three credentials")
    expect(workload.replicas_per_secret >= 1,
           "the replica in us-west-2 is missing: each replica is billed as a secret of its own")
    expect(workload.replicas_per_secret != _DB_COUNT,
           "replicas_per_secret counts the replicas of each secret: one region, so one replica each")
    expect(workload.replica_regions in ((), (_DB_REPLICA,)), "the replica is in the wrong region")
    expect(workload.reads_per_day != _DB_READS * _DB_COUNT,
           "reads_per_day is per secret, not the total for all three")
    expect(workload.reads_per_day != _DB_READS * 30,
           "reads_per_day looks like a month of reads: give the reads of one day")
    expect(workload.reads_per_day == _DB_READS, "reads_per_day does not match the 2,000 reads a day of each secret")
    expect(workload.rotation_days is not None,
           "the rotation schedule is missing: each rotation costs function invocations and API calls")
    expect(workload.rotation_days == _DB_ROTATION, "the rotation interval is not the 30 days asked for")
    expect(workload.standard_parameters == 0 and workload.advanced_parameters == 0,
           "this workload is only the database credentials: leave parameters out of it")
    expect(not workload.high_throughput,
           "high_throughput is a Parameter Store setting: it does nothing for secrets, leave it out")


@checks.question("q2")
def _placement(placement: Any) -> None:
    """Which service holds each group: db credentials, config values, api keys."""
    expect(isinstance(placement, dict), f"placement is {type_name(placement)}: make it a dict from group name to "
                                        "service")
    unknown = [key for key in placement if key not in GROUPS]
    if unknown:
        raise Mistake(f"placement has a key that is not a group: {unknown[0]!r} (the groups are "
                      f"{', '.join(map(repr, GROUPS))})")
    missing = [group for group in GROUPS if group not in placement]
    expect(not missing, f"placement has no entry for: {', '.join(missing)}")
    allowed = (SECRETS_MANAGER, PARAMETER_STORE)
    expect(all(placement[g] in allowed for g in GROUPS),
           "use the constants SECRETS_MANAGER or PARAMETER_STORE as the values")
    expect(placement["db credentials"] != PARAMETER_STORE,
           "Parameter Store has no built-in rotation (schedule it yourself) and no cross-region "
           "replicas: the database credentials need both")
    expect(placement["config values"] != SECRETS_MANAGER,
           "plain configuration in Secrets Manager is billed per value and per read: far over the budget")
    expect(placement["api keys"] != SECRETS_MANAGER,
           "the API keys need neither rotation nor replication: paying Secrets Manager for them "
           "breaks the budget for no benefit")


_PARAMETER_GROUPS = sorted([(_CONFIG_COUNT, _CONFIG_READS), (_KEY_COUNT, _KEY_READS)])


@checks.question("q3")
def _plan(plan: Any) -> None:
    """A list of Workloads pricing the whole placement, within the budget."""
    expect(not isinstance(plan, Workload), "plan is one Workload: make it a list, one Workload per group")
    expect(isinstance(plan, (list, tuple)) and plan, "plan should be a non-empty list of Workloads")
    expect(all(isinstance(w, Workload) for w in plan), "every item of plan should be a Workload")
    secrets = sum(w.secrets for w in plan)
    standard = sum(w.standard_parameters for w in plan)
    advanced = sum(w.advanced_parameters for w in plan)
    expect(secrets == _DB_COUNT, "the plan should hold exactly the database credentials as secrets")
    expect(all(w.replicas_per_secret >= 1 and w.rotation_days == _DB_ROTATION for w in plan if w.secrets),
           "the secrets in the plan lost their replica or their rotation schedule")
    expect(all(w.reads_per_day == _DB_READS for w in plan if w.secrets),
           "the secrets in the plan are not read 2,000 times a day each")
    expect(standard + advanced == _CONFIG_COUNT + _KEY_COUNT,
           "the plan should hold the 20 configuration values and the 4 API keys as parameters")
    expect(advanced == 0,
           f"Advanced parameters cost ${price('ssm:advanced-parameter-month').usd} a month each and their "
           "reads are billed: Standard holds values up to 4 KB, which is enough here")
    groups = sorted((w.standard_parameters, w.parameter_reads_per_day) for w in plan if w.standard_parameters)
    expect(all(reads > 0 for _, reads in groups), "parameter reads are missing from the plan")
    expect(len(groups) > 1, "the configuration values and the API keys are read at different rates: give each "
                            "group a Workload of its own")
    expect(not any(reads == count * per for count, reads in groups for c, per in _PARAMETER_GROUPS if count == c),
           "parameter_reads_per_day is per parameter, not the group's total")
    expect(groups == _PARAMETER_GROUPS, "a group's reads per day do not match the scenario")
    expect(not any(w.high_throughput for w in plan),
           "higher throughput makes every parameter read a paid API interaction, and these reads stay under the "
           "default throughput: leave it off")
    expect(not any(w.customer_keys for w in plan),
           "the plan pays for a customer managed KMS key that nothing in the scenario needs")
    total = sum((monthly(w).total for w in plan), Decimal(0))
    if total > BUDGET:
        raise Mistake("the plan costs more than the monthly budget")
