# %% [markdown]
# # Lab 5 — Cost optimisation: choose services for a workload under a budget
#
# **Time:** 25 minutes (5 reading, 20 exercises) · **Needs:** lecture part 5
#
# **Learning objectives.** By the end of this lab you can:
# - describe a workload in the units AWS bills: secrets, replicas, reads a day, rotations;
# - place each kind of value in the service that meets its needs at the lowest cost;
# - price a whole plan and check it against a monthly budget.
#
# Prices come from secretkit's dated price table (us-east-1 list prices); the cell below
# prints the date they were checked. AWS changes prices rarely, but check before you quote one.
#
# **Stopping and coming back.** This lab keeps no Cloud: everything it uses is in its cells.
# After a kernel restart, Run All brings it all back, your answers included. (In the labs
# that keep a Cloud, `cloud.save(...)` before you stop and `Cloud.load(...)` after bring it
# back as it was.)

# %%
from decimal import Decimal

from secretkit.labs import carry_on
from secretkit.labs.lab05 import BUDGET, check
from secretkit.pricing import (
    PARAMETER_STORE,
    SECRETS_MANAGER,
    Needs,
    Workload,
    cents,
    compare,
    monthly,
    prices_as_of,
    recommend,
)

print(prices_as_of())

# %% [markdown]
# ## Warm-up: what one secret costs
#
# A `Workload` counts things *per secret* (or per parameter): how many there are, how often
# each is read, how often it rotates. `monthly(...)` prices it for one 730-hour month.

# %%
one_secret = Workload(secrets=1, reads_per_day=1_000)
print(monthly(one_secret))

# %% [markdown]
# `compare(...)` prices the same values in Secrets Manager and as SecureString parameters in
# Parameter Store, with notes on what the cheaper price leaves you to build yourself.

# %%
print(compare(Workload(secrets=10, reads_per_day=1_000)).table())

# %% [markdown]
# ## The scenario
#
# A shop in `us-east-1` may spend **$5.00 a month** on keeping its values. It has:
#
# | group | how many | reads a day (each) | needs |
# |---|---|---|---|
# | database credentials | 3 | 2,000 | rotation every 30 days; a replica in `us-west-2` for disaster recovery |
# | configuration values (URLs, feature flags) | 20 | 5,000 | none: not secret |
# | third-party API keys | 4 | 1,000 | encrypted at rest; never rotated; one region |

# %%
print("budget:", BUDGET, "USD a month")

# %% [markdown]
# ## Exercise 1 — describe the database credentials
#
# Set `db_workload` to a `Workload` for the three database credentials alone, with their
# reads, their rotation and their replica (`replica_regions=(...)` names the region).

# %%
# BEGIN SOLUTION | db_workload = ...
db_workload = Workload(secrets=3, replica_regions=("us-west-2",), reads_per_day=2_000, rotation_days=30)
# END SOLUTION

# %%
check("q1", db_workload)

# %% [markdown]
# ## Exercise 2 — place each group
#
# Set `placement` to a dict from each group name (`"db credentials"`, `"config values"`,
# `"api keys"`) to `SECRETS_MANAGER` or `PARAMETER_STORE`: meet every need, stay within the
# budget, and spend no more than you must. `recommend(Needs(...))` gives lecture 6's
# reasoning for a single group if you want a second opinion.

# %%
print(recommend(Needs(rotation=True, database_credentials=True, replication=True, secrets=3, replicas_per_secret=1)))

# %%
# BEGIN SOLUTION | placement = ...
placement = {
    "db credentials": SECRETS_MANAGER,
    "config values": PARAMETER_STORE,
    "api keys": PARAMETER_STORE,
}
# END SOLUTION

# %%
check("q2", placement)

# %% [markdown]
# ## Exercise 3 — price the plan
#
# Set `plan` to a list of `Workload`s that together describe your placement: the secrets,
# and the parameters (`standard_parameters=` or `advanced_parameters=`, with
# `parameter_reads_per_day=` per parameter). Groups read at different rates are separate
# workloads. The check prices the plan and holds it to the budget.

# %%
# BEGIN SOLUTION | plan = ...
plan = [
    db_workload,
    Workload(standard_parameters=20, parameter_reads_per_day=5_000),
    Workload(standard_parameters=4, parameter_reads_per_day=1_000),
]
# END SOLUTION

# %%
check("q3", plan)

# %% [markdown]
# What your plan costs, once it is filled in (the cell prints nothing until then), even
# if it is over the budget:

# %%
with carry_on():
    if isinstance(plan, list):
        total = sum((monthly(w).total for w in plan), Decimal(0))
        print(f"plan: ${cents(total)} a month, ${cents(total * 12)} a year, budget ${BUDGET} a month")

# %% [markdown]
# ## Key points
#
# - Secrets Manager bills every secret *and every replica* per month, plus every read;
#   Standard parameters in Parameter Store are free to keep and to read at default throughput.
# - Pay for Secrets Manager where it does the work: rotation and replication. Parameter
#   Store has no built-in rotation: if you need it there, you schedule it yourself.
# - Plain configuration belongs in Parameter Store; secrets that never rotate can be
#   SecureString parameters.
# - Advanced parameters cost money per parameter and per read: use them only for what
#   needs them (values over 4 KB, parameter policies).
# - Caching reads (a client-side cache refreshed every few minutes) is often the biggest
#   saving on a busy secret.
