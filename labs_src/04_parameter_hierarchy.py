# %% [markdown]
# # Lab 4 — Design a parameter hierarchy and rotate a parameter on a schedule
#
# **Time:** 30 minutes (5 reading, 25 exercises) · **Needs:** lecture part 4
#
# **Learning objectives.** By the end of this lab you can:
# - lay out configuration as a hierarchy of names (`/app/env/component/key`) and read one
#   environment with a single call;
# - choose `String` or `SecureString` per value, and read `SecureString`s decrypted;
# - rotate a parameter yourself: Parameter Store has no built-in rotation, so you write the
#   function *and* the schedule that calls it.
#
# On AWS the schedule would be an EventBridge rule such as `rate(30 days)` invoking a Lambda
# function. Here the Cloud's simulated clock plays the rule: `cloud.clock.call_later(delay,
# callback)` runs `callback` once `delay` of simulated time has passed, and
# `cloud.clock.advance(days=...)` moves time on.
#
# **Stopping and coming back.** A kernel restart loses every variable, the Cloud with them.
# To keep the Cloud, run `cloud.save("lab04.cloud")` before you stop. After a restart, run the
# set-up cell below, then, in a new cell, `cloud = Cloud.load("lab04.cloud")`,
# `ssm = cloud.client("ssm", region_name="us-east-1")` and
# `sm = cloud.client("secretsmanager", region_name="us-east-1")`: the Cloud is back as you left
# it, its clock included. Your answers live in the kernel, not in the Cloud: run their cells
# again before their checks.

# %%
import json
from datetime import timedelta

from secretkit import Cloud
from secretkit.labs import carry_on
from secretkit.labs.lab04 import check

cloud = Cloud(seed=4)
ssm = cloud.client("ssm", region_name="us-east-1")
sm = cloud.client("secretsmanager", region_name="us-east-1")
cloud.clock.now.date()

# %% [markdown]
# ## Warm-up: String and SecureString
#
# A `String` is stored as it is. A `SecureString` is encrypted with KMS (`alias/aws/ssm`
# unless you name a key), and a read returns ciphertext unless you ask for decryption.

# %%
ssm.put_parameter(Name="/demo/greeting", Value="hello", Type="String")
ssm.put_parameter(Name="/demo/token", Value="t0ken-Pa55", Type="SecureString")

plain = ssm.get_parameter(Name="/demo/token")["Parameter"]["Value"]
clear = ssm.get_parameter(Name="/demo/token", WithDecryption=True)["Parameter"]["Value"]
print("without WithDecryption:", len(plain), "characters of base64 ciphertext, not the token:", plain != clear)
print("with WithDecryption:   ", clear)

# %% [markdown]
# The errors you will meet (each cell fails on purpose):

# %% tags=["raises-exception"]
ssm.get_parameter(Name="/demo/missing")

# %% tags=["raises-exception"]
ssm.put_parameter(Name="/demo/greeting", Value="hi again", Type="String")  # no Overwrite=True

# %% [markdown]
# ## Exercise 1 — design the hierarchy
#
# Write `create_hierarchy(ssm)` that creates exactly these parameters (Standard tier):
#
# | name | type | value |
# |---|---|---|
# | `/shop/prod/db/host` | ? | `db.prod.internal` |
# | `/shop/prod/db/password` | ? | any password you like |
# | `/shop/dev/db/host` | ? | `db.dev.internal` |
# | `/shop/dev/db/password` | ? | any password you like |
#
# Choosing the type is part of the exercise.

# %%
def create_hierarchy(ssm):
    """Put the four /shop/... parameters of the table."""
    # BEGIN SOLUTION
    for env in ("prod", "dev"):
        ssm.put_parameter(Name=f"/shop/{env}/db/host", Value=f"db.{env}.internal", Type="String")
        ssm.put_parameter(Name=f"/shop/{env}/db/password", Value=f"first-{env}-Pa55word", Type="SecureString")
    # END SOLUTION

# %%
check("q1", create_hierarchy)

# %% [markdown]
# ## Exercise 2 — read one environment
#
# Write `read_config(ssm, env)` returning `{"host": ..., "password": ...}` for environment
# `env` (`"prod"` or `"dev"`), with the password decrypted. Use **one**
# `get_parameters_by_path` call; the last part of each name is the dict key.

# %%
def read_config(ssm, env):
    """{"host": ..., "password": ...} of one environment, read by path."""
    # BEGIN SOLUTION
    response = ssm.get_parameters_by_path(Path=f"/shop/{env}", Recursive=True, WithDecryption=True)
    return {p["Name"].rsplit("/", 1)[-1]: p["Value"] for p in response["Parameters"]}
    # END SOLUTION

# %%
check("q2", read_config)

# %% [markdown]
# ## Exercise 3 — the rotation function
#
# Write `rotate_password(ssm, sm, name)`: it writes a new random password (at least 16
# characters; Secrets Manager's `get_random_password` makes one) as a new version of
# parameter `name`, still encrypted.

# %%
def rotate_password(ssm, sm, name):
    """Write a fresh random password as the next version of SecureString parameter `name`."""
    # BEGIN SOLUTION
    password = sm.get_random_password(PasswordLength=24, ExcludePunctuation=True)["RandomPassword"]
    ssm.put_parameter(Name=name, Value=password, Type="SecureString", Overwrite=True)
    # END SOLUTION

# %%
check("q3", rotate_password)

# %% [markdown]
# ## Exercise 4 — the schedule
#
# Write `schedule_rotation(cloud, every_days, job)`: like a `rate(every_days days)` rule, it
# calls `job()` every `every_days` days of simulated time — the first time after one
# interval — for as long as the clock runs. A timer fires once; a rule keeps firing, and it
# fires again at its next time even when one run fails (a rotation whose database was down).
# `schedule_rotation` only arranges the calls: the caller moves the clock.

# %%
def schedule_rotation(cloud, every_days, job):
    """Call job() every every_days days, starting one interval from now."""
    # BEGIN SOLUTION
    def fire():
        # the next run is armed first, so a job that fails does not end the schedule
        cloud.clock.call_later(timedelta(days=every_days), fire, label="rotate parameter")
        job()

    cloud.clock.call_later(timedelta(days=every_days), fire, label="rotate parameter")
    # END SOLUTION

# %%
check("q4", schedule_rotation)

# %% [markdown]
# ## Watch it run, the AWS way
#
# Your `schedule_rotation` is what a scheduled rule does. On AWS you would not write the
# timer: you create an EventBridge rule `rate(30 days)` whose target is a Lambda function,
# and give EventBridge permission to invoke it. The function makes its own boto3 clients,
# as any Lambda function does. `kit_deploy_callable` is the kit's shortcut (not AWS's) for
# deploying a function written in the notebook; its execution role (what the function's
# code runs as: it may write this one parameter and generate passwords, nothing more), the
# rule, its target and the permission are the real IAM, EventBridge and Lambda calls. Once exercises 1 and 3 pass, this builds the
# hierarchy in an account of its own (so the cell gives the same output however often it
# runs), lets the rule rotate the production password for 95 days, and lists the
# parameter's versions.

# %%
if check("q1", create_hierarchy).passed and check("q3", rotate_password).passed:
    shop = Cloud(seed=40)
    shop_ssm = shop.client("ssm", region_name="us-east-1")
    shop_sm = shop.client("secretsmanager", region_name="us-east-1")

    def rotation_handler(event, context):
        import boto3  # inside the function: its own clients, in the function's region

        rotate_password(boto3.client("ssm"), boto3.client("secretsmanager"), "/shop/prod/db/password")

    with carry_on():
        create_hierarchy(shop_ssm)
        iam = shop.client("iam")
        role = iam.create_role(RoleName="rotate-shop-db-password-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
        iam.put_role_policy(RoleName="rotate-shop-db-password-role", PolicyName="rotate", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "ssm:PutParameter",
                 "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/shop/prod/db/password"},
                {"Effect": "Allow", "Action": "secretsmanager:GetRandomPassword", "Resource": "*"}]}))
        function_arn = shop.awslambda("us-east-1").kit_deploy_callable(
            "rotate-shop-db-password", rotation_handler, Role=role["Role"]["Arn"])["FunctionArn"]
        events = shop.client("events", region_name="us-east-1")
        rule_arn = events.put_rule(Name="rotate-shop-db-password-every-30-days", ScheduleExpression="rate(30 days)")["RuleArn"]
        shop.client("lambda", region_name="us-east-1").add_permission(
            FunctionName="rotate-shop-db-password", StatementId="EventBridgeInvoke", Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com", SourceArn=rule_arn)
        events.put_targets(Rule="rotate-shop-db-password-every-30-days", Targets=[{"Id": "rotate", "Arn": function_arn}])
        shop.clock.advance(days=95)
        for version in shop_ssm.get_parameter_history(Name="/shop/prod/db/password")["Parameters"]:
            print(f"version {version['Version']}  written {version['LastModifiedDate']:%Y-%m-%d}  {version['Type']}")
else:
    print("finish exercises 1 and 3 first")

# %% [markdown]
# ## Key points
#
# - Name parameters as a path, `/app/env/component/key`: one `get_parameters_by_path(...,
#   Recursive=True)` reads an environment, and IAM policies can grant by path.
# - Secrets are `SecureString`; read them with `WithDecryption=True`, or you get ciphertext.
# - Overwriting a parameter needs `Overwrite=True` and makes a new version; history keeps
#   the last 100.
# - Parameter Store has no built-in rotation: you own the function, the schedule (an
#   EventBridge rule such as `rate(30 days)` on AWS) and every failure in between. Secrets
#   Manager does this for you.
