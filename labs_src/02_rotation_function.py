# %% [markdown]
# # Lab 2 — Write a rotation function: the four steps
#
# **Time:** 40 minutes (10 reading, 30 exercises) · **Needs:** lecture part 2
#
# **Learning objectives.** By the end of this lab you can:
# - write the four steps of a single-user rotation function (`createSecret`, `setSecret`,
#   `testSecret`, `finishSecret`) against the Secrets Manager API;
# - explain what each staging label means during a rotation, and who moves it;
# - make every step safe to retry, and show that a failed rotation leaves `AWSCURRENT`
#   working and picks up where it stopped.
#
# Secrets Manager rotates a secret by calling *your* function four times with the event
# `{"Step": ..., "SecretId": ..., "ClientRequestToken": ...}`. The token is the version id
# of the new version. Before the first call, Secrets Manager creates that version with the
# label `AWSPENDING` and no value yet; your `createSecret` fills it in.

# %%
import json

from secretkit import Cloud
from secretkit.labs.lab02 import Database, check

cloud = Cloud(seed=2)
sm = cloud.client("secretsmanager", region_name="us-east-1")
db = Database({"app_user": "initial-Pa55word-0000"})  # a toy database: users and passwords

arn = sm.create_secret(
    Name="shop/prod/db",
    SecretString=json.dumps({"username": "app_user", "password": "initial-Pa55word-0000"}),
)["ARN"]
db

# %% [markdown]
# ## The dispatcher (given)
#
# Every step starts with the same gate as AWS's own templates: the token must be a version
# of this secret; if it is already `AWSCURRENT` the rotation is over and the step does
# nothing; otherwise it must carry `AWSPENDING`. Then it calls the step function you write.

# %%
def lambda_handler(event, context):
    """The rotation function Secrets Manager invokes, once per step."""
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    if token not in stages:
        raise ValueError(f"version {token} has no stage for rotation of {arn}")
    if "AWSCURRENT" in stages[token]:
        return  # already finished: a retry of a completed rotation does nothing
    if "AWSPENDING" not in stages[token]:
        raise ValueError(f"version {token} is not AWSPENDING for rotation of {arn}")
    if step == "createSecret":
        create_secret(sm, arn, token)
    elif step == "setSecret":
        set_secret(sm, db, arn, token)
    elif step == "testSecret":
        test_secret(sm, db, arn, token)
    elif step == "finishSecret":
        finish_secret(sm, arn, token)
    else:
        raise ValueError(f"invalid step {step!r}")

# %% [markdown]
# ## Exercise 1 — `createSecret`
#
# Read the current value, replace its password with a new random one (at least 16
# characters; `sm.get_random_password`), and store it as version `token` with the label
# `AWSPENDING`. If version `token` already has a value (this is a retry), do nothing.
#
# Hint: `get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")` raises
# `ResourceNotFoundException` while the pending version has no value.

# %%
def create_secret(sm, arn, token):
    """Put the new password as the AWSPENDING version `token` (once)."""
    # BEGIN SOLUTION
    current = json.loads(sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"])
    try:
        sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        return  # a retry: the pending password is already chosen
    except sm.exceptions.ResourceNotFoundException:
        pass
    current["password"] = sm.get_random_password(PasswordLength=32, ExcludePunctuation=True)["RandomPassword"]
    sm.put_secret_value(SecretId=arn, ClientRequestToken=token,
                        SecretString=json.dumps(current), VersionStages=["AWSPENDING"])
    # END SOLUTION

# %%
check("q1", create_secret)

# %% [markdown]
# ## Exercise 2 — `setSecret`
#
# Change the database password to the pending one. A user changes its own password:
# `db.change_password(username, current_password, new_password)`. On a retry the password
# may already have changed: if the pending password already logs in
# (`db.login(username, password)`), there is nothing to do.

# %%
def set_secret(sm, db, arn, token):
    """Make the database accept the AWSPENDING password."""
    # BEGIN SOLUTION
    pending = json.loads(sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"])
    if db.login(pending["username"], pending["password"]):
        return  # a retry after the password was already changed
    current = json.loads(sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"])
    db.change_password(current["username"], current["password"], pending["password"])
    # END SOLUTION

# %%
check("q2", set_secret)

# %% [markdown]
# ## Exercise 3 — `testSecret`
#
# Log in with the pending credentials. If that fails, **raise** an exception: a failed
# step stops the rotation before `AWSCURRENT` moves, which is the whole point of the test.

# %%
def test_secret(sm, db, arn, token):
    """Raise unless the AWSPENDING credentials log in."""
    # BEGIN SOLUTION
    pending = json.loads(sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")["SecretString"])
    if not db.login(pending["username"], pending["password"]):
        raise ValueError("the pending password does not log in")
    # END SOLUTION

# %%
check("q3", test_secret)

# %% [markdown]
# ## Exercise 4 — `finishSecret`
#
# Move `AWSCURRENT` to version `token` with `update_secret_version_stage`. AWS requires you
# to name the version that holds `AWSCURRENT` now (`RemoveFromVersionId`); Secrets Manager
# then gives that version `AWSPREVIOUS`. If `token` is already current, do nothing.
# (Leave `AWSPENDING` alone. Once it sits on the same version as `AWSCURRENT` the rotation is
# complete: AWS documents that end state, and `AWSPENDING` on no version at all, as the two
# outcomes of a finished rotation. Removing the label is the service's business, not your
# function's; in this lab you will see it stay next to `AWSCURRENT`.)

# %%
def finish_secret(sm, arn, token):
    """Make version `token` AWSCURRENT."""
    # BEGIN SOLUTION
    stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    current = next(version for version, labels in stages.items() if "AWSCURRENT" in labels)
    if current == token:
        return
    sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT",
                                   MoveToVersionId=token, RemoveFromVersionId=current)
    # END SOLUTION

# %%
check("q4", finish_secret)

# %% [markdown]
# ## Run a rotation by hand
#
# Now play Secrets Manager's part. It would create the empty `AWSPENDING` version itself
# and then invoke the function for `createSecret`; only the service can make an empty
# version, so for that first step we call `create_secret` directly. The other three steps
# go through `lambda_handler` with the real event shape. After each step the cell prints
# the labels (version ids shortened to 8 characters) and whether the database accepts the
# password that `AWSCURRENT` holds — the one every application reads.
#
# Until all four checks pass, the cells below only say so.

# %%
def labels():
    stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    return {version[:8]: sorted(names) for version, names in stages.items()}


def current_works():
    current = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    return db.login(current["username"], current["password"])


def step(name, token):
    event = {"Step": name, "SecretId": arn, "ClientRequestToken": token}
    if name == "createSecret":
        create_secret(sm, arn, token)  # the service made the placeholder; see above
    else:
        lambda_handler(event, None)
    print(f"{name:13} {labels()}  AWSCURRENT logs in: {current_works()}")


ready = all(check(q, f).passed for q, f in
            [("q1", create_secret), ("q2", set_secret), ("q3", test_secret), ("q4", finish_secret)])
if ready:
    token = cloud.ids.uuid()
    print(f"{'before':13} {labels()}  AWSCURRENT logs in: {current_works()}")
    for name in ("createSecret", "setSecret", "testSecret", "finishSecret"):
        step(name, token)
else:
    print("finish the four exercises first")

# %% [markdown]
# Between `setSecret` and `finishSecret` the database has the new password while
# `AWSCURRENT` still holds the old one: for that moment, *new* logins with `AWSCURRENT`
# fail. That window is what single-user rotation costs; the lecture's alternating-users
# strategy closes it.
#
# ## Survive an injected failure
#
# Rotate again, but make the database unreachable just before `setSecret`. The step
# fails; nothing else may break: `AWSCURRENT` must still hold the old, working password, and
# the new version keeps `AWSPENDING`. When the database is back, the *same token* resumes
# the rotation — every step is safe to run again.

# %%
if ready:
    token = cloud.ids.uuid()
    step("createSecret", token)
    db.down = True  # the injected failure
    try:
        step("setSecret", token)
    except ConnectionError as error:
        print(f"{'setSecret':13} FAILED: {error}")
    db.down = False
    print(f"{'after failure':13} {labels()}  AWSCURRENT logs in: {current_works()}")
    for name in ("createSecret", "setSecret", "testSecret", "finishSecret"):  # the retry, same token
        step(name, token)
else:
    print("finish the four exercises first")

# %% [markdown]
# ## Let Secrets Manager run it
#
# Now hand the function to the service. `cloud.register_function(name, handler)` plays
# AWS Lambda and returns the function's ARN; `rotate_secret` stores the schedule, makes the
# placeholder `AWSPENDING` version and invokes the four steps, each a simulated 100 ms apart.
# Afterwards it rotates on the schedule by itself. Each success or failure shows up as a
# notice in the Cloud's event log.

# %%
def notices(since):
    return [(e.time.strftime("%Y-%m-%d %H:%M:%S"), e.operation, dict(e.detail).get("step", ""))
            for e in cloud.events if e.kind == "notice" and e.time >= since and e.operation.startswith("Rotation")]


if ready:
    function_arn = cloud.register_function("shop-db-rotation", lambda_handler)
    started = cloud.clock.now
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 30})
    cloud.clock.advance(seconds=1)
    described = sm.describe_secret(SecretId=arn)
    print("labels:", labels(), " AWSCURRENT logs in:", current_works())
    print("RotationEnabled:", described["RotationEnabled"], " next rotation:", f"{described['NextRotationDate']:%Y-%m-%d}")
    cloud.clock.advance(days=95)
    for row in notices(started):
        print(*row)
else:
    print("finish the four exercises first")

# %% [markdown]
# ### A failure the service handles
#
# Take the database down and rotate now. `createSecret` runs inside the call; `setSecret`
# fails a moment later. The service does not raise anything to you: it logs the failure and
# retries the **whole** rotation later with the same token. A new `rotate_secret` in the
# meantime is refused, because a rotation is still in progress.

# %%
if ready:
    started = cloud.clock.now
    db.down = True  # the injected failure
    sm.rotate_secret(SecretId=arn)
    cloud.clock.advance(minutes=1)
    print("after the failure:", labels())
    db.down = False
    print("database back; AWSCURRENT (the password setSecret never changed) logs in:", current_works())
    try:
        sm.rotate_secret(SecretId=arn)
    except sm.exceptions.InvalidRequestException as error:
        print("rotate again now ->", error.response["Error"]["Code"], ":", error.response["Error"]["Message"])
    cloud.clock.advance(minutes=10)  # the service's first retry is 5 minutes after the failure
    for row in notices(started):
        print(*row)
    print("after the retry:", labels(), " AWSCURRENT logs in:", current_works())
else:
    print("finish the four exercises first")

# %% [markdown]
# ## Key points
#
# - Secrets Manager calls one function four times: `createSecret`, `setSecret`,
#   `testSecret`, `finishSecret`, with the new version's id as `ClientRequestToken`.
# - `AWSPENDING` marks the version being rotated in; only `finishSecret` moves
#   `AWSCURRENT`, and Secrets Manager then gives the old version `AWSPREVIOUS`. The function
#   does not remove `AWSPENDING`: left on the `AWSCURRENT` version, it marks a finished
#   rotation (the next `createSecret` moves it to the next new version).
# - Every step must be idempotent: check the state first (pending value exists? pending
#   password already works? token already current?), because a failed rotation is retried
#   with the same token.
# - A failure before `finishSecret` leaves `AWSCURRENT` untouched, so applications keep
#   working; `testSecret` must raise when the new credentials do not work.
