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
# Secrets Manager copies every change from the primary to each replica asynchronously (in
# this model, 30 simulated seconds later) and reports each replica's `Status`.
#
# **Stopping and coming back.** A kernel restart loses every variable, the Cloud with them.
# To keep the Cloud, run `cloud.save("lab03.cloud")` before you stop. After a restart, run the
# set-up cell below, then, in a new cell, `cloud = Cloud.load("lab03.cloud")`,
# `clients = [(region, cloud.client("secretsmanager", region_name=region)) for region in (PREFERRED, FALLBACK)]`
# and `primary = clients[0][1]`: the Cloud is back as you left it, its clock and replicas
# included. Your answers live in the kernel, not in the Cloud: run their cells again before
# their checks.

# %%
from secretkit import Cloud
from secretkit.labs import carry_on
from secretkit.labs.lab03 import CHECKLIST_STEPS, check

cloud = Cloud(seed=3)
PREFERRED, FALLBACK = "us-east-1", "us-west-2"
clients = [(region, cloud.client("secretsmanager", region_name=region)) for region in (PREFERRED, FALLBACK)]
primary = clients[0][1]

primary.create_secret(
    Name="shop/prod/db",
    SecretString='{"username": "app_user", "password": "Pa55-shared"}',
    AddReplicaRegions=[{"Region": FALLBACK}],
)
print("just created:", [(r["Region"], r["Status"]) for r in primary.describe_secret(SecretId="shop/prod/db")["ReplicationStatus"]])
cloud.clock.advance(minutes=1)
print("a minute later:", [(r["Region"], r["Status"]) for r in primary.describe_secret(SecretId="shop/prod/db")["ReplicationStatus"]])

# %% [markdown]
# The replica has the same name in its region and says where its primary is. It is
# read-only: writes go to the primary's region.

# %%
replica = clients[1][1].describe_secret(SecretId="shop/prod/db")
replica["ARN"], replica["PrimaryRegion"]

# %% tags=["raises-exception"]
clients[1][1].put_secret_value(SecretId="shop/prod/db", SecretString="written to the replica")

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
# pairs in order of preference (two here; any number in general). Return
# `(region, SecretString)` from the first region that answers, on every call. Move on to the next region **only** on `EndpointConnectionError` (import it from
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
# region as it found it, even when a read fails during the outage. The check runs your drill
# more than once: with the regions in another order, and with a fallback that does not hold
# the secret.

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
    with carry_on():
        for phase, region in drill(cloud, clients, "shop/prod/db"):
            print(f"{phase:9} served by {region}")
    for region, _ in clients:
        cloud.recover(region)  # whatever the drill did, the cells below find every region up
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
# ## Exercise 4 — is the fallback in sync?
#
# The first step of the checklist, as code. Write `replica_in_sync(client, secret_id)`
# (`client` is in the primary's region): `True` only when the secret has at least one replica
# and **every** replica's `Status` in `describe_secret(...)["ReplicationStatus"]` is `InSync`.

# %%
def replica_in_sync(client, secret_id):
    """True when the secret has replicas and all of them report InSync."""
    # BEGIN SOLUTION
    replicas = client.describe_secret(SecretId=secret_id).get("ReplicationStatus", [])
    return bool(replicas) and all(r["Status"] == "InSync" for r in replicas)
    # END SOLUTION

# %%
check("q4", replica_in_sync)

# %% [markdown]
# ## The whole drill, with promotion
#
# `secretkit.apps.failover.failover_drill` runs the longer story on a fresh Cloud: an
# application reads once a minute; a last write lands on the primary just before its region
# goes down (too late to be replicated); reads fail over; writes have nowhere to go until the
# replica is **promoted** (`stop_replication_to_replica`, called in the replica's region);
# then the old region comes back, holding the write that never left it.

# %%
from secretkit.apps.failover import failover_drill

print(failover_drill(Cloud(seed=30)))

# %% [markdown]
# After a promotion the two secrets are independent: someone must choose which value wins
# and replicate it again. That is why promotion is a decision for a long outage, not a
# step of every drill.

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
