# %% [markdown]
# # Lab 6 — Rotation on a real PostgreSQL
#
# **Time:** 30 minutes (10 reading, 20 exercises) · **Needs:** lecture part 2, lab 2;
# a PostgreSQL server and the psycopg driver, which `python3 kit.py lab` has already
# installed into the kit's `.venv` (nothing to install yourself)
#
# **Learning objectives.** By the end of this lab you can:
# - deploy the kit's pre-built rotation functions (Lambda code packages written like AWS's
#   templates) with the Lambda API and run them, unchanged, against a real database server;
# - say exactly which logins work after each rotation step, and why a session opened
#   earlier survives a password change;
# - measure single-user rotation's failure window and alternating users' zero failures on
#   a real server, and read them off a chart;
# - show that a rotation that fails half-way is finished by the next attempt, not undone.
#
# The simulated databases of the earlier labs follow the rules of a real one. Here the
# database *is* real: a throwaway PostgreSQL server, started by
# `secretkit.databases.postgres` on 127.0.0.1 at a free port, that checks every password
# with SCRAM. Secrets Manager is still the model, reached through a genuine boto3 client,
# on the simulated clock.
#
# **Stopping and coming back.** The PostgreSQL server is a process of this kernel: it stops
# with the kernel, and the next one starts on another port with new passwords. A saved Cloud
# (`cloud.save(...)`, `Cloud.load(...)`, as in the other labs) would hold secrets for a server
# that is gone, so after a restart run the lab from the top (Run All).

# %%
import json

import plotly.graph_objects as go

import secretkit.ui  # noqa: F401  (the course's chart theme and renderer)
from secretkit import Cloud, rotation_functions
from secretkit.databases import postgres
from secretkit.databases.psycopg_connector import PsycopgConnector
from secretkit.databases.traffic import Traffic
from secretkit.labs import carry_on
from secretkit.labs.lab06 import check
from secretkit.ui.theme import COLORS

server = postgres.start()  # about a second; the last cell of this lab stops it
connector = PsycopgConnector()

cloud = Cloud(seed=6)
sm = cloud.client("secretsmanager", region_name="us-east-1")
master_arn = sm.create_secret(Name="lab06/master", SecretString=json.dumps(server.master_secret()))["ARN"]
print("PostgreSQL is running on 127.0.0.1; master secret stored")

# %% [markdown]
# `server.create_app_user(name)` makes a login role that owns its own database, and returns
# the secret an RDS database would have in Secrets Manager. The port changes from run to
# run, so the cell prints only the fields' names.

# %%
shop = server.create_app_user("shop", dbname="shopdb")
shop_arn = sm.create_secret(Name="lab06/shop", SecretString=json.dumps(shop))["ARN"]
print(sorted(shop))

# %% [markdown]
# ## Exercise 1 — can this secret log in?
#
# `connector.connect(secret)` logs in with a secret dict. It returns a session, or `None`
# when the server refuses the password (a server that is not there raises instead). Write
# `can_log_in(connector, secret)` returning `True` or `False`, and close the session you
# opened: a real server has a limited number of connections. A server that cannot be
# reached says nothing about the password: let that error reach the caller.

# %%
def can_log_in(connector, secret):
    """True when the server accepts ``secret``'s username and password."""
    # BEGIN SOLUTION
    session = connector.connect(secret)
    if session is None:
        return False
    session.close()
    return True
    # END SOLUTION


# %%
check("q1", can_log_in)

# %% [markdown]
# ## Exercise 2 — predict, then watch, the moment after setSecret
#
# In single-user rotation the user changes its own password in `setSecret`;
# `finishSecret` moves `AWSCURRENT` to the new version only later. Predict which of these
# still work right after `setSecret`, with `True` or `False`:
#
# - `"old password"`: a new login with the password from before the rotation;
# - `"new password"`: a new login with the pending password;
# - `"AWSCURRENT"`: a new login with what `get_secret_value` returns at that moment;
# - `"session opened before"`: a query on a session opened before the rotation started.

# %%
# BEGIN SOLUTION | after_set = ...
after_set = {"old password": False, "new password": True, "AWSCURRENT": False, "session opened before": True}
# END SOLUTION

# %%
check("q2", after_set)

# %% [markdown]
# Now watch it on the real server. The cell deploys the kit's single-user PostgreSQL
# function with its execution role (the role its code runs as, allowed to rotate only the
# secrets that name this function), CreateFunction and the permission for Secrets Manager,
# as AWS's serverless application does (`rotation_functions.deploy`). Its `lambda_function.py` imports PyGreSQL's
# `pgdb`, as AWS's template does; the package bundles a `pgdb` whose calls psycopg carries
# out against this server.
# (The function is written like AWS's template, not copied from it. AWS's own
# `lambda_function.py`, downloaded, runs the same way: zip it with the same driver,
# `build_zip({"lambda_function.py": text, **bundle_files("pygresql-real")})` from
# `secretkit.awslambda.code` and `secretkit.rotation_functions.drivers`, create the function
# with `create_function` (after making its role with `create_role`) and allow Secrets Manager with `add_permission`.) The cell listens to the Cloud's event log to look at the
# database right after the `setSecret` invocation, and asks Secrets Manager to rotate. Each step takes the function's duration on the
# simulated clock, so the cell advances the clock a few seconds to let all four run.

# %%
held = connector.connect(shop)  # a session opened before the rotation, like a pooled connection
seen = {}


def works(secret):
    session = connector.connect(secret)
    if session is not None:
        session.close()
    return session is not None


def value(arn, stage="AWSCURRENT"):
    return json.loads(sm.get_secret_value(SecretId=arn, VersionStage=stage)["SecretString"])


def after_set_secret(event):
    if event.kind == "invoke" and event.detail.get("function") == "rotate-shop" and event.detail.get("step") == "setSecret":
        seen.update({"old password": works(shop), "new password": works(value(shop_arn, "AWSPENDING")),
                     "AWSCURRENT": works(value(shop_arn)), "session opened before": held.test_login()})


stop_watching = cloud.events.subscribe(after_set_secret)
function_arn = rotation_functions.deploy(cloud, "rotate-shop", "postgres", "single-user", driver="real")
sm.rotate_secret(SecretId=shop_arn, RotationLambdaARN=function_arn)
cloud.clock.advance(seconds=10)
stop_watching()
for what, ok in seen.items():
    print(f"after setSecret,    {what:22} {'works' if ok else 'refused'}")
print(f"after finishSecret, {'AWSCURRENT':22} {'works' if works(value(shop_arn)) else 'refused'}")
held.close()

# %% [markdown]
# ## Single-user rotation under traffic
#
# A small application (`Traffic`) keeps opening new sessions: each request reads
# `AWSCURRENT`, logs in, runs a query and logs out. `traffic.follow(cloud.events, name)`
# makes it send a burst of requests after every step the function `name` runs, so we see
# exactly which steps hurt.
# This time the secret gets a schedule, every 30 days: `RotateSecret` rotates once right
# away, then the service rotates again inside each window as the simulated clock passes it.

# %%
def by_phase(traffic):
    counts = {}
    for r in traffic.records():
        failed, total = counts.get(r["phase"], (0, 0))
        counts[r["phase"]] = (failed + (not r["ok"]), total + 1)
    for phase, (failed, total) in counts.items():
        print(f"{phase:20} {failed:2} of {total} new logins failed")


orders = server.create_app_user("orders", dbname="ordersdb")
orders_arn = sm.create_secret(Name="lab06/orders", SecretString=json.dumps(orders))["ARN"]
single_traffic = Traffic(sm, orders_arn, connector, per_step=5)
single_traffic.burst()
function_arn = rotation_functions.deploy(cloud, "rotate-single", "postgres", "single-user", driver="real")
single_traffic.follow(cloud.events, "rotate-single")
sm.rotate_secret(SecretId=orders_arn, RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 30})
cloud.clock.advance(days=31)  # the first rotation, then the scheduled one inside its window
rotations = [e for e in cloud.events.select(kind="notice", operation="RotationSucceeded") if e.resource == orders_arn]
print("rotations of lab06/orders:", len(rotations))
by_phase(single_traffic)
print("the session opened first still works:", single_traffic.held_session_works())

# %% [markdown]
# ## Exercise 3 — which phases fail?
#
# `single_traffic.records()` is the list of requests, each a dict with `seq`, `phase`,
# `username`, `version_id`, `ok` and `elapsed_ms`. Write `failing_phases(records)`
# returning the phases with at least one failed request, each once, in the order they
# happened. Leave `records` as it was: the cells below read the same records again.

# %%
def failing_phases(records):
    """Phases with a failed request, in order of first appearance."""
    # BEGIN SOLUTION
    phases = []
    for record in records:
        if not record["ok"] and record["phase"] not in phases:
            phases.append(record["phase"])
    return phases
    # END SOLUTION


# %%
check("q3", failing_phases)

# %% [markdown]
# On this rotation (the cell prints nothing until your function answers):

# %%
with carry_on():
    answer = failing_phases(single_traffic.records())
    if isinstance(answer, list):
        print(answer)

# %% [markdown]
# ## Alternating users under the same traffic
#
# AWS's alternating-users function keeps two logins, `billing` and `billing_clone`. Each
# rotation, the master user (its secret is named by `masterarn`) changes the password of
# the one clients do *not* hold, and `finishSecret` hands clients the freshly changed one.
# The clone is a member of the original role and acts as it, so both see the same tables.
# The first rotation right away, then two on the schedule:

# %%
billing = server.create_app_user("billing", dbname="billingdb")
billing_arn = sm.create_secret(Name="lab06/billing",
                               SecretString=json.dumps(dict(billing, masterarn=master_arn)))["ARN"]
alt_traffic = Traffic(sm, billing_arn, connector, per_step=5)
alt_traffic.burst()
function_arn = rotation_functions.deploy(cloud, "rotate-alternating", "postgres", "alternating-users", driver="real",
                                         master_secret_arn=master_arn)  # its role may read the master secret too
alt_traffic.follow(cloud.events, "rotate-alternating")
sm.rotate_secret(SecretId=billing_arn, RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 30})
users = []
for _ in range(3):
    cloud.clock.advance(days=31 if users else 1)
    users.append(value(billing_arn)["username"])
print("AWSCURRENT's user after each rotation:", users)
by_phase(alt_traffic)

# %% [markdown]
# ## The two strategies, side by side
#
# One marker per new login, in the order they happened; the text below the chart says the
# same in words. Counts are stable from run to run; timings on a real server are not, so
# the lab prints counts.

# %%
def lane(traffic):
    return [r["seq"] for r in traffic.records()], [r["ok"] for r in traffic.records()]


figure = go.Figure()
for name, traffic in (("single-user", single_traffic), ("alternating users", alt_traffic)):
    seqs, oks = lane(traffic)
    for outcome, colour in (("ok", COLORS["ok"]), ("failed", COLORS["failed"])):
        xs = [s for s, ok in zip(seqs, oks) if ok == (outcome == "ok")]
        figure.add_trace(go.Scatter(x=xs, y=[name] * len(xs), mode="markers", name=f"{name}: {outcome}",
                                    marker={"color": colour, "size": 9, "symbol": "circle" if outcome == "ok" else "x"}))
figure.update_layout(title="New logins during rotation on a real PostgreSQL",
                     xaxis_title="request number", height=320, showlegend=True)
figure.show()

for name, traffic in (("single-user", single_traffic), ("alternating users", alt_traffic)):
    failed = traffic.failed()
    if failed:
        print(f"{name}: some requests failed (window between setSecret and finishSecret)")
    else:
        print(f"{name}: {failed} failed requests")

# %% [markdown]
# ## A rotation that fails half-way, and the retry that finishes it
#
# The kit can make a step fail on cue without touching the function's code: it arms the
# Lambda runtime (`kit_failures`, kit-only; AWS has no such switch). Here the `setSecret`
# invocation fails *after* its side effect: the
# database already has the new password, but the step reports an error, so `AWSCURRENT`
# still holds the old one. This is the worst moment to "roll back": the old password is
# already dead. Secrets Manager instead retries the whole rotation with the same token, and
# every step, being idempotent, picks up where it stopped.

# %%
stock = server.create_app_user("stock", dbname="stockdb")
stock_arn = sm.create_secret(Name="lab06/stock", SecretString=json.dumps(stock))["ARN"]
function_arn = rotation_functions.deploy(cloud, "rotate-flaky", "postgres", "single-user", driver="real")
cloud.awslambda("us-east-1").kit_failures("rotate-flaky").fail("setSecret", when="after")


def state(when):
    labels = sm.describe_secret(SecretId=stock_arn)["VersionIdsToStages"]
    current = json.loads(sm.get_secret_value(SecretId=stock_arn)["SecretString"])
    short = sorted(sorted(stages) for stages in labels.values())
    logs_in = None
    with carry_on():  # your can_log_in from exercise 1
        logs_in = can_log_in(connector, current)
    print(f"{when:26} labels {short}; AWSCURRENT logs in: {logs_in}")


token = sm.rotate_secret(SecretId=stock_arn, RotationLambdaARN=function_arn)["VersionId"]
cloud.clock.advance(seconds=10)
failure = cloud.events.select(kind="notice", operation="RotationFailed")[-1]
print("rotation failed at", failure.detail["step"], "-", failure.detail["error"])
state("after the failed attempt")
cloud.clock.advance(hours=1)  # the service's retry, same token
state("after the retry")

# %% [markdown]
# (`AWSCURRENT logs in` shows `None` until exercise 1 is answered.)
#
# Last, stop the server. It also stops by itself when the kernel exits, and a server left
# behind by a crashed kernel is stopped the next time `postgres.start()` runs.

# %%
server.stop()
print("server stopped:", not server.running)

# %% [markdown]
# ## Key points
#
# - The same pre-built rotation functions, deployed as Lambda code packages, run against the
#   simulated engines and a real PostgreSQL: only the `pgdb` bundled with them differs. A
#   template file you download from AWS runs the same way, given the driver it imports.
# - PostgreSQL keeps one password per role. After single-user `setSecret` the old password
#   is refused while `AWSCURRENT` still holds it: every *new* login fails until
#   `finishSecret`. Sessions opened earlier keep working; they were authenticated once.
# - Alternating users change the login nobody is using, so clients always hold a working
#   one: zero failed requests, measured on a real server.
# - A rotation that failed after changing the database is finished by the retry with the
#   same token; moving `AWSCURRENT` back would make things worse.
# - The function sends the new password inside `ALTER USER`, as AWS's templates do: the
#   server keeps only its SCRAM verifier, but a server that logs every statement writes the
#   password to its log. The lab's connector sends a verifier computed on the client instead.
