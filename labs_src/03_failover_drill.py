# %% [markdown]
# # Lab 3 — A failover drill, with a checklist
#
# **Time:** 30 minutes (5 reading, 25 exercises) · **Needs:** lecture part 3
#
# **Learning objectives.** By the end of this lab you can:
# - recognise what a regional outage looks like to a boto3 client (`EndpointConnectionError`);
# - write a read that fails over to another region on an outage, and *only* on an outage;
# - run a failover drill — outage, switch, recovery, switch back — and keep its checklist.
#
# A secret replicated to a second region can be read there while its primary region is down.
# Replication itself (how Secrets Manager copies each new version to the replica, and how a
# replica is promoted) is the subject of lecture part 3. This lab is about the
# **application's** side of the drill, so it simply puts the same secret in both regions.

# %%
from secretkit import Cloud
from secretkit.labs.lab03 import CHECKLIST_STEPS, check

cloud = Cloud(seed=3)
PREFERRED, FALLBACK = "us-east-1", "us-west-2"
clients = [(region, cloud.client("secretsmanager", region_name=region)) for region in (PREFERRED, FALLBACK)]

for region, client in clients:  # the same secret in both regions (a replica, on AWS)
    client.create_secret(Name="shop/prod/db", SecretString='{"username": "app_user", "password": "Pa55-shared"}')
[region for region, _ in clients]

# %% [markdown]
# ## What an outage looks like
#
# `cloud.outage(region)` takes a whole region down; `cloud.recover(region)` brings it back.
# While it is down, every call to it fails before reaching Secrets Manager, exactly as an
# unreachable endpoint does: botocore raises `EndpointConnectionError` (not a `ClientError`:
# there is no AWS error code, because no AWS answer came back).

# %%
cloud.outage(PREFERRED)
cloud.is_down(PREFERRED), cloud.is_down(FALLBACK)

# %% tags=["raises-exception"]
clients[0][1].get_secret_value(SecretId="shop/prod/db")

# %%
cloud.recover(PREFERRED)
clients[0][1].get_secret_value(SecretId="shop/prod/db")["Name"]

# %% [markdown]
# ## Exercise 1 — read with failover
#
# Write `read_with_failover(clients, secret_id)`. `clients` is a list of `(region, client)`
# pairs in order of preference. Return `(region, SecretString)` from the first region that
# answers. Move on to the next region **only** on `EndpointConnectionError` (import it from
# `botocore.exceptions`); any other error is a real answer and goes to the caller. If every
# region is down, the last connection error goes to the caller too.

# %%
from botocore.exceptions import EndpointConnectionError


def read_with_failover(clients, secret_id):
    """(region, SecretString) from the first reachable region, in order of preference."""
    # BEGIN SOLUTION
    last_error = None
    for region, client in clients:
        try:
            return region, client.get_secret_value(SecretId=secret_id)["SecretString"]
        except EndpointConnectionError as error:
            last_error = error
    raise last_error
    # END SOLUTION

# %%
check("q1", read_with_failover)

# %% [markdown]
# ## Exercise 2 — the drill
#
# Write `drill(cloud, clients, secret_id)`: read once (phase `"before"`), take the preferred
# region (the first in `clients`) down and read (`"outage"`), bring it back and read
# (`"recovered"`). Return `[(phase, region that served), ...]`. A drill must leave every
# region as it found it.

# %%
def drill(cloud, clients, secret_id):
    """[(phase, serving region)] for the phases before, outage and recovered."""
    # BEGIN SOLUTION
    preferred = clients[0][0]
    report = [("before", read_with_failover(clients, secret_id)[0])]
    cloud.outage(preferred)
    try:
        report.append(("outage", read_with_failover(clients, secret_id)[0]))
    finally:
        cloud.recover(preferred)
    report.append(("recovered", read_with_failover(clients, secret_id)[0]))
    return report
    # END SOLUTION

# %%
check("q2", drill)

# %% [markdown]
# Run your drill here (once exercises 1 and 2 pass):

# %%
if check("q1", read_with_failover).passed and check("q2", drill).passed:
    for phase, region in drill(cloud, clients, "shop/prod/db"):
        print(f"{phase:9} served by {region}")
else:
    print("finish exercises 1 and 2 first")

# %% [markdown]
# ## Exercise 3 — the checklist
#
# An operator runs a drill from a checklist, so nobody skips the step that proves something.
# Put all the steps of `CHECKLIST_STEPS` (printed below) into `checklist`, in the order you
# would run them.

# %%
for step in CHECKLIST_STEPS:
    print("-", step)

# %%
# BEGIN SOLUTION | checklist = ...
checklist = [
    "confirm the fallback region holds the same current version as the preferred one",
    "take the preferred region down",
    "confirm the application now reads from the fallback region",
    "record how many requests failed during the switch",
    "bring the preferred region back",
    "confirm the application reads from the preferred region again",
]
# END SOLUTION

# %%
check("q3", checklist)

# %% [markdown]
# ## Key points
#
# - To a client, a regional outage is a connection error, not an AWS error code: catch
#   `EndpointConnectionError` to fail over, and let everything else through.
# - A secret's *name* works in every region it is replicated to; an ARN names one region.
# - A drill proves three things in order: the fallback is in sync, the application switches,
#   and it switches back. Leave every region as you found it.
# - Promoting a replica (making it a standalone secret) is a decision for a long outage, not
#   a step of every drill: after promotion, the two regions no longer stay in sync.
