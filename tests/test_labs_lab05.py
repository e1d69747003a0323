"""Lab 5's checks against a table of wrong answers students write, each with its own message.

The answers are values (a Workload, a dict, a list of Workloads); each wrong one below
differs from the right one in exactly the way its message names.
"""

from __future__ import annotations

import pytest

from secretkit.labs import lab05
from secretkit.pricing import PARAMETER_STORE, SECRETS_MANAGER, Workload
from _labs_support import answer_table_tests, cases

DB = dict(secrets=3, replica_regions=("us-west-2",), reads_per_day=2_000, rotation_days=30)
DB_OK = Workload(**DB)
CONFIG = dict(standard_parameters=20, parameter_reads_per_day=5_000)
KEYS = dict(standard_parameters=4, parameter_reads_per_day=1_000)
PLAN_OK = [DB_OK, Workload(**CONFIG), Workload(**KEYS)]
PLACEMENT_OK = {"db credentials": SECRETS_MANAGER, "config values": PARAMETER_STORE, "api keys": PARAMETER_STORE}


def db(**changes):
    return Workload(**{**DB, **changes})


Q1 = [
    ({"secrets": 3}, "describe the credentials as a secretkit.pricing.Workload"),
    ([db(secrets=1)] * 3, "db_workload is a list: the three credentials are one Workload with secrets=3"),
    (db(secrets=1), "the number of secrets does not match the three credentials"),
    (db(replica_regions=()), "the replica in us-west-2 is missing: each replica is billed as a secret of its own"),
    (db(replica_regions=(), replicas_per_secret=3),
     "replicas_per_secret counts the replicas of each secret: one region, so one replica each"),
    (db(replica_regions=("eu-west-1",)), "the replica is in the wrong region"),
    (db(reads_per_day=6_000), "reads_per_day is per secret, not the total for all three"),
    (db(reads_per_day=60_000), "reads_per_day looks like a month of reads: give the reads of one day"),
    (db(reads_per_day=1_000), "reads_per_day does not match the 2,000 reads a day of each secret"),
    (db(rotation_days=None), "the rotation schedule is missing: each rotation costs function invocations and API "
                             "calls"),
    (db(rotation_days=90), "the rotation interval is not the 30 days asked for"),
    (db(standard_parameters=20), "this workload is only the database credentials: leave parameters out of it"),
    (db(high_throughput=True), "high_throughput is a Parameter Store setting: it does nothing for secrets, leave it "
                               "out"),
]

Q2 = [
    (list(PLACEMENT_OK.items()), "placement is a list: make it a dict from group name to service"),
    ({**PLACEMENT_OK, "db_credentials": SECRETS_MANAGER},
     "placement has a key that is not a group: 'db_credentials' (the groups are 'db credentials', 'config values', "
     "'api keys')"),
    ({"db credentials": SECRETS_MANAGER}, "placement has no entry for: config values, api keys"),
    ({**PLACEMENT_OK, "config values": "parameter store"},
     "use the constants SECRETS_MANAGER or PARAMETER_STORE as the values"),
    ({**PLACEMENT_OK, "db credentials": PARAMETER_STORE},
     "Parameter Store has no built-in rotation (schedule it yourself) and no cross-region replicas: the database "
     "credentials need both"),
    ({**PLACEMENT_OK, "config values": SECRETS_MANAGER},
     "plain configuration in Secrets Manager is billed per value and per read: far over the budget"),
    ({**PLACEMENT_OK, "api keys": SECRETS_MANAGER},
     "the API keys need neither rotation nor replication: paying Secrets Manager for them breaks the budget for no "
     "benefit"),
]

Q3 = [
    (DB_OK, "plan is one Workload: make it a list, one Workload per group"),
    ([], "plan should be a non-empty list of Workloads"),
    ([DB_OK, CONFIG, KEYS], "every item of plan should be a Workload"),
    ([DB_OK, Workload(**CONFIG), Workload(secrets=4, reads_per_day=1_000)],
     "the plan should hold exactly the database credentials as secrets"),
    ([Workload(secrets=3, reads_per_day=2_000), Workload(**CONFIG), Workload(**KEYS)],
     "the secrets in the plan lost their replica or their rotation schedule"),
    ([db(reads_per_day=6_000), Workload(**CONFIG), Workload(**KEYS)],
     "the secrets in the plan are not read 2,000 times a day each"),
    ([DB_OK, Workload(**CONFIG)], "the plan should hold the 20 configuration values and the 4 API keys as parameters"),
    ([DB_OK, Workload(advanced_parameters=20, parameter_reads_per_day=5_000), Workload(**KEYS)],
     "Advanced parameters cost $0.05 a month each and their reads are billed: Standard holds values up to 4 KB, "
     "which is enough here"),
    ([DB_OK, Workload(standard_parameters=20), Workload(standard_parameters=4)],
     "parameter reads are missing from the plan"),
    ([DB_OK, Workload(standard_parameters=24, parameter_reads_per_day=5_000)],
     "the configuration values and the API keys are read at different rates: give each group a Workload of its own"),
    ([DB_OK, Workload(standard_parameters=20, parameter_reads_per_day=100_000), Workload(**KEYS)],
     "parameter_reads_per_day is per parameter, not the group's total"),
    ([DB_OK, Workload(standard_parameters=20, parameter_reads_per_day=1_000),
      Workload(standard_parameters=4, parameter_reads_per_day=5_000)],
     "a group's reads per day do not match the scenario"),
    ([DB_OK, Workload(**CONFIG, high_throughput=True), Workload(**KEYS, high_throughput=True)],
     "higher throughput makes every parameter read a paid API interaction, and these reads stay under the default "
     "throughput: leave it off"),
    ([db(customer_keys=1, secrets_on_customer_key=True), Workload(**CONFIG), Workload(**KEYS)],
     "the plan pays for a customer managed KMS key that nothing in the scenario needs"),
]

TABLES = {"q1": (Q1, DB_OK), "q2": (Q2, PLACEMENT_OK), "q3": (Q3, PLAN_OK)}
CASES = cases(TABLES)
(test_each_wrong_answer_gets_its_own_message, test_the_table_is_long_enough_and_each_mistake_has_its_message,
 test_the_right_answer_passes) = answer_table_tests(lab05.check, TABLES)


def test_no_message_gives_the_plan_s_price_away():
    for _, _, _, hint in CASES:
        assert "$3" not in hint and "3.31" not in hint
