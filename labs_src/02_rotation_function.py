# %% [markdown]
# # Lab 2 — Write a rotation function: the four steps
#
# **Time:** 45 minutes (10 reading, 35 exercises) · **Needs:** lecture part 2
#
# **Learning objectives.** By the end of this lab you can:
# - write the four steps of a single-user rotation function (`createSecret`, `setSecret`,
#   `testSecret`, `finishSecret`) as a Lambda function file, the way you would for AWS;
# - deploy it with the Lambda API (`create_function`, `add_permission`) and let Secrets
#   Manager rotate a secret through it;
# - explain what each staging label means during a rotation, and who moves it;
# - make every step safe to retry, and show that a failed rotation leaves `AWSCURRENT`
#   working and picks up where it stopped.
#
# Secrets Manager rotates a secret by invoking *your* Lambda function four times with the
# event `{"Step": ..., "SecretId": ..., "ClientRequestToken": ...}`. The token is the version
# id of the new version. Before the first step, Secrets Manager makes that version with the
# label `AWSPENDING` and no value yet; your `createSecret` fills it in.
#
# Here the database is a simulated PostgreSQL server and the function talks to it through
# `pgdb`, PyGreSQL's module, exactly as AWS's PostgreSQL template does. (The kit bundles
# a stand-in for `pg`/`pgdb` that answers from the simulated server; on AWS you would
# bundle PyGreSQL itself.)
#
# **Stopping and coming back.** Your function is the file `lambda_function.py`, which a kernel
# restart does not touch, and every Cloud here is made afresh by `new_world()`: after a restart,
# Run All. To keep a Cloud you were exploring, `cloud.save("lab02.cloud")` before you stop and
# `cloud = Cloud.load("lab02.cloud")` after (then make its clients again with `cloud.client(...)`).

# %%
import io
import json
import zipfile

from secretkit import Cloud
from secretkit.databases import databases
from secretkit.labs.lab02 import check
from secretkit.rotation_functions.drivers import bundle_files

# %% [markdown]
# ## The function file
#
# The cell below writes `lambda_function.py`, the file you would zip for AWS Lambda. The
# handler and the database helpers are given, in the shape of AWS's templates: the handler
# makes its own boto3 client at the endpoint in `SECRETS_MANAGER_ENDPOINT`, checks that
# the token is a version of this secret (already `AWSCURRENT`: the rotation is over, do
# nothing; otherwise it must be `AWSPENDING`), and calls one of the four step functions.
#
# Write the four step functions (Exercises 1-4), run the cell, then run the check cells
# below it. Each check deploys *your* step in a function of its own, in a world of its own,
# and rotates a secret through it: a first rotation, a retry after a failure, an
# unreachable database, a second rotation. Edit, re-run the cell, re-run the check.
#
# - **Exercise 1, `create_secret`.** Read the current value, replace its password with a
#   new random one (`service_client.get_random_password`, 16 characters or more), and store
#   it as version `token` with the label `AWSPENDING`. If version `token` already has a
#   value (this is a retry), keep it. Hint: `get_secret_dict(service_client, arn,
#   "AWSPENDING", token)` raises `ResourceNotFoundException` while the pending version has
#   no value.
# - **Exercise 2, `set_secret`.** Make the database accept the pending password: the user
#   logs in with the current password and changes its own (`get_connection`,
#   `set_own_password`). On a retry the password may already have changed: if the pending
#   password already logs in, there is nothing to do. If no login works, raise.
# - **Exercise 3, `test_secret`.** Log in with the pending credentials and run a query. If
#   that fails, **raise**: a failed step stops the rotation before `AWSCURRENT` moves.
# - **Exercise 4, `finish_secret`.** Move `AWSCURRENT` to version `token` with
#   `update_secret_version_stage`, naming the version that holds it now
#   (`RemoveFromVersionId`); Secrets Manager then gives that version `AWSPREVIOUS`. Leave
#   `AWSPENDING` alone: once it sits on the same version as `AWSCURRENT` the rotation is
#   complete.

# %%
# %%writefile lambda_function.py
"""Rotates the password of one PostgreSQL user kept in a Secrets Manager secret (single user)."""
import json
import logging
import os

import boto3
import pg
import pgdb

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def lambda_handler(event, context):
    """Run one rotation step; Secrets Manager invokes the function once per step."""
    arn = event["SecretId"]
    token = event["ClientRequestToken"]
    step = event["Step"]
    service_client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])

    versions = service_client.describe_secret(SecretId=arn)["VersionIdsToStages"]
    if token not in versions:
        raise ValueError("Secret version %s has no stage for rotation of secret %s." % (token, arn))
    if "AWSCURRENT" in versions[token]:
        logger.info("Secret version %s already set as AWSCURRENT for secret %s.", token, arn)
        return
    if "AWSPENDING" not in versions[token]:
        raise ValueError("Secret version %s not set as AWSPENDING for rotation of secret %s." % (token, arn))

    if step == "createSecret":
        create_secret(service_client, arn, token)
    elif step == "setSecret":
        set_secret(service_client, arn, token)
    elif step == "testSecret":
        test_secret(service_client, arn, token)
    elif step == "finishSecret":
        finish_secret(service_client, arn, token)
    else:
        raise ValueError("Invalid step parameter %s for secret %s" % (step, arn))


def create_secret(service_client, arn, token):
    """Exercise 1: store the new credentials as the AWSPENDING version `token`, once."""
    # BEGIN SOLUTION
    current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
    try:
        get_secret_dict(service_client, arn, "AWSPENDING", token)
        logger.info("createSecret: version %s of %s already has its value.", token, arn)
    except service_client.exceptions.ResourceNotFoundException:
        current_dict["password"] = service_client.get_random_password(
            PasswordLength=32, ExcludeCharacters=":/@\"'\\")["RandomPassword"]
        service_client.put_secret_value(SecretId=arn, ClientRequestToken=token,
                                        SecretString=json.dumps(current_dict), VersionStages=["AWSPENDING"])
        logger.info("createSecret: put the AWSPENDING value of %s as version %s.", arn, token)
    # END SOLUTION


def set_secret(service_client, arn, token):
    """Exercise 2: make the database accept the AWSPENDING password."""
    # BEGIN SOLUTION
    pending_dict = get_secret_dict(service_client, arn, "AWSPENDING", token)
    conn = get_connection(pending_dict)
    if conn:
        conn.close()
        logger.info("setSecret: the AWSPENDING password of %s already logs in.", arn)
        return
    conn = get_connection(get_secret_dict(service_client, arn, "AWSCURRENT"))
    if not conn:
        raise ValueError("Unable to log into database with current secret of secret arn %s" % arn)
    try:
        set_own_password(conn, pending_dict["username"], pending_dict["password"])
        logger.info("setSecret: set the AWSPENDING password of %s in the database.", arn)
    finally:
        conn.close()
    # END SOLUTION


def test_secret(service_client, arn, token):
    """Exercise 3: raise unless the AWSPENDING credentials log in."""
    # BEGIN SOLUTION
    conn = get_connection(get_secret_dict(service_client, arn, "AWSPENDING", token))
    if not conn:
        raise ValueError("Unable to log into database with pending secret of secret arn %s" % arn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT NOW()")
        conn.commit()
        logger.info("testSecret: logged in with the AWSPENDING password of %s.", arn)
    finally:
        conn.close()
    # END SOLUTION


def finish_secret(service_client, arn, token):
    """Exercise 4: make version `token` AWSCURRENT."""
    # BEGIN SOLUTION
    versions = service_client.describe_secret(SecretId=arn)["VersionIdsToStages"]
    current_version = next(version for version, stages in versions.items() if "AWSCURRENT" in stages)
    if current_version == token:
        return
    service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                               RemoveFromVersionId=current_version)
    logger.info("finishSecret: AWSCURRENT of %s moved to version %s.", arn, token)
    # END SOLUTION


def get_secret_dict(service_client, arn, stage, token=None):
    """The JSON of one version: `stage` alone, or the version `token` carrying `stage`."""
    if token:
        secret = service_client.get_secret_value(SecretId=arn, VersionId=token, VersionStage=stage)
    else:
        secret = service_client.get_secret_value(SecretId=arn, VersionStage=stage)
    secret_dict = json.loads(secret["SecretString"])
    for field in ("host", "username", "password"):
        if field not in secret_dict:
            raise KeyError("%s key is missing from secret JSON" % field)
    return secret_dict


def get_connection(secret_dict):
    """A connection with the secret's credentials, or None if the database refuses them."""
    try:
        return pgdb.connect(host=secret_dict["host"], user=secret_dict["username"],
                            password=secret_dict["password"], database=secret_dict.get("dbname", "postgres"),
                            port=int(secret_dict.get("port", 5432)), connect_timeout=5)
    except pg.InternalError as e:
        logger.info("Could not connect as %s: %s", secret_dict["username"], e)
        return None


def set_own_password(conn, username, password):
    """The user logged in on `conn` gives itself `password`."""
    with conn.cursor() as cur:
        cur.execute("SELECT quote_ident(%s)", (username,))
        escaped_username = cur.fetchone()[0]
        cur.execute("ALTER USER %s WITH PASSWORD %%s" % escaped_username, (password,))
    conn.commit()

# %%
check("q1", "lambda_function.py")

# %%
check("q2", "lambda_function.py")

# %%
check("q3", "lambda_function.py")

# %%
check("q4", "lambda_function.py")

# %% [markdown]
# ## Deploy it and let Secrets Manager run it
#
# Now do what you would do on AWS. Zip the file with the driver it imports (on AWS,
# `pip install PyGreSQL -t .` puts the real one next to your file; here the kit's stand-in
# goes in), make the function's execution role, create the function, and give Secrets
# Manager permission to invoke it. The role is what your code runs as: its boto3 client
# holds a session of the role, so the role's policy (this secret, and random passwords) is
# all the function may do; CreateFunction refuses a role that does not exist. Then
# `rotate_secret` stores the schedule, makes the `AWSPENDING` placeholder and invokes the
# four steps, each a Lambda invocation that takes its simulated time. Afterwards it rotates
# on the schedule by itself; each success or failure shows up as a notice in the Cloud's
# event log.
#
# `new_world()` makes a fresh Cloud, database and secret each time, so a cell that went
# wrong never spoils the next one. Until all four checks pass, the cells below only say so.

# %%
ready = all(check(q, "lambda_function.py").passed for q in ("q1", "q2", "q3", "q4"))


def new_world(seed):
    """A fresh Cloud with a PostgreSQL server, the shop's secret, and your function deployed."""
    cloud = Cloud(seed=seed)
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    db = databases(cloud).create("postgres", "shop-db.internal", "admin", "master-Pa55word-0000")
    db.add_user("app_user", "initial-Pa55word-0000")
    arn = sm.create_secret(Name="shop/prod/db",
                           SecretString=json.dumps(db.secret_dict("app_user", "initial-Pa55word-0000")))["ARN"]

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write("lambda_function.py")
        for path, text in bundle_files("pygresql").items():  # pg.py and pgdb.py
            archive.writestr(path, text)
    iam = cloud.client("iam")  # the execution role: Lambda may assume it; it may rotate this secret only
    role = iam.create_role(RoleName="shop-db-rotation-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="shop-db-rotation-role", PolicyName="rotation", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Resource": arn, "Action": [
                "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]},
            {"Effect": "Allow", "Action": "secretsmanager:GetRandomPassword", "Resource": "*"}]}))

    lam = cloud.client("lambda", region_name="us-east-1")
    function_arn = lam.create_function(
        FunctionName="shop-db-rotation", Runtime="python3.12", Handler="lambda_function.lambda_handler",
        Role=role["Role"]["Arn"], Timeout=30,
        Code={"ZipFile": buffer.getvalue()},
        Environment={"Variables": {"SECRETS_MANAGER_ENDPOINT": "https://secretsmanager.us-east-1.amazonaws.com"}},
    )["FunctionArn"]
    lam.add_permission(FunctionName="shop-db-rotation", StatementId="SecretsManagerRotationInvoke",
                       Action="lambda:InvokeFunction", Principal="secretsmanager.amazonaws.com")
    return cloud, sm, db, arn, function_arn


def labels(sm, arn):
    stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    return {version[:8]: sorted(names) for version, names in stages.items()}


def current_works(sm, db, arn):
    current = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    return db.accepts(current["username"], current["password"])


def notices(cloud, since):
    return [(e.time.strftime("%Y-%m-%d %H:%M:%S"), e.operation, dict(e.detail).get("step", ""))
            for e in cloud.events if e.kind == "notice" and e.time >= since and e.operation.startswith("Rotation")]


if ready:
    cloud, sm, db, arn, function_arn = new_world(2)
    started = cloud.clock.now
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 30})
    cloud.clock.advance(seconds=1)
    described = sm.describe_secret(SecretId=arn)
    print("labels:", labels(sm, arn), " AWSCURRENT logs in:", current_works(sm, db, arn))
    print("RotationEnabled:", described["RotationEnabled"], " next rotation:", f"{described['NextRotationDate']:%Y-%m-%d}")
    cloud.clock.advance(days=95)
    for row in notices(cloud, started):
        print(*row)
else:
    print("finish the four exercises first")

# %% [markdown]
# Each step was a Lambda invocation: the function's own log, as CloudWatch Logs would keep
# it, shows them (here, the last rotation's four steps).

# %%
if ready:
    for text in cloud.awslambda().kit_logs("shop-db-rotation")[-4:]:
        print(text.splitlines()[0])
        for line in text.splitlines()[1:-2]:
            if "[INFO]" in line:
                print("   ", line.split("\t")[-1])
else:
    print("finish the four exercises first")

# %% [markdown]
# ### A failure the service handles
#
# Take the database down and rotate now. `createSecret` runs inside the call; `setSecret`
# fails a moment later. The service does not raise anything to you: it logs the failure and
# retries the **whole** rotation later with the same token. A new `rotate_secret` in the
# meantime is refused, because a rotation is still in progress. Between `setSecret` and
# `finishSecret` the database already has the new password while `AWSCURRENT` still holds
# the old one: that window is what single-user rotation costs; the lecture's
# alternating-users strategy closes it.

# %%
if ready:
    cloud, sm, db, arn, function_arn = new_world(3)
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 30})
    cloud.clock.advance(seconds=1)
    started = cloud.clock.now
    db.down = True  # the injected failure
    sm.rotate_secret(SecretId=arn)
    cloud.clock.advance(minutes=1)
    print("after the failure:", labels(sm, arn))
    db.down = False
    print("database back; AWSCURRENT (the password setSecret never changed) logs in:", current_works(sm, db, arn))
    try:
        sm.rotate_secret(SecretId=arn)
    except sm.exceptions.InvalidRequestException as error:
        print("rotate again now ->", error.response["Error"]["Code"], ":", error.response["Error"]["Message"])
    cloud.clock.advance(minutes=10)  # the service's first retry is 5 minutes after the failure
    for row in notices(cloud, started):
        print(*row)
    print("after the retry:", labels(sm, arn), " AWSCURRENT logs in:", current_works(sm, db, arn))
else:
    print("finish the four exercises first")

# %% [markdown]
# ### Without the permission
#
# A function is not Secrets Manager's to call until its resource policy says so. Deploy the
# same file again without `add_permission` and ask for a rotation: the call is refused with
# AWS's own error, and the secret is left exactly as it was.

# %%
if ready:
    cloud, sm, db, arn, function_arn = new_world(4)
    lam = cloud.client("lambda", region_name="us-east-1")
    lam.remove_permission(FunctionName="shop-db-rotation", StatementId="SecretsManagerRotationInvoke")
    try:
        sm.rotate_secret(SecretId=arn, RotationLambdaARN=function_arn)
    except sm.exceptions.ClientError as error:
        print(error.response["Error"]["Code"], ":", error.response["Error"]["Message"])
    print("labels:", labels(sm, arn), " RotationEnabled:", sm.describe_secret(SecretId=arn).get("RotationEnabled", False))
else:
    print("finish the four exercises first")

# %% [markdown]
# ## Key points
#
# - Secrets Manager invokes one Lambda function four times: `createSecret`, `setSecret`,
#   `testSecret`, `finishSecret`, with the new version's id as `ClientRequestToken`; the
#   function's resource policy must let `secretsmanager.amazonaws.com` invoke it.
# - The function makes its own boto3 client (`SECRETS_MANAGER_ENDPOINT`) and its own
#   database connection: nothing is handed to it but the event.
# - `AWSPENDING` marks the version being rotated in; only `finishSecret` moves
#   `AWSCURRENT`, and Secrets Manager then gives the old version `AWSPREVIOUS`. The function
#   does not remove `AWSPENDING`: left on the `AWSCURRENT` version, it marks a finished
#   rotation (the next rotation moves it to the next new version).
# - Every step must be idempotent: check the state first (pending value exists? pending
#   password already works? token already current?), because a failed rotation is retried
#   with the same token.
# - A failure before `finishSecret` leaves `AWSCURRENT` untouched, so applications keep
#   working; `testSecret` must raise when the new credentials do not work, and no step may
#   swallow an error.
