# %% [markdown]
# # Lab 1 — Store and read secrets safely with boto3
#
# **Time:** 25 minutes (5 reading, 20 exercises) · **Needs:** lecture part 1
#
# **Learning objectives.** By the end of this lab you can:
# - store structured credentials as one JSON secret, keeping the secret *out* of the metadata;
# - read the current value back and parse it;
# - tell "the secret does not exist" apart from every other error, and handle only that one;
# - delete a secret so that it can still be restored.
#
# Every call below goes to a genuine boto3 client. secretkit answers it in process, with the
# same fields and error codes AWS returns, so the code you write here works against AWS unchanged.
#
# **How the checks work.** After each exercise a check cell prints one line:
# `✓` when the checks pass, `✗` with the name of the mistake it found, `…` while the exercise
# is still untouched. A check never shows the answer.
#
# **Stopping and coming back.** A kernel restart loses every variable, the Cloud with them.
# To keep the Cloud, run `cloud.save("lab01.cloud")` before you stop. After a restart, run the
# set-up cell below, then, in a new cell, `cloud = Cloud.load("lab01.cloud")` and
# `sm = cloud.client("secretsmanager", region_name="us-east-1")`: the Cloud is back as you left
# it, its clock included. Your answers live in the kernel, not in the Cloud: run their cells
# again before their checks.

# %%
import json

from secretkit import Cloud
from secretkit.labs.lab01 import check

cloud = Cloud(seed=1)  # a fresh simulated account; the same seed gives the same ids every run
sm = cloud.client("secretsmanager", region_name="us-east-1")
sm.meta.region_name

# %% [markdown]
# ## Warm-up: one secret, one read
#
# A secret holds a value (here a small JSON document) and is always encrypted with KMS.
# With no `KmsKeyId`, Secrets Manager uses the account's managed key `aws/secretsmanager`.

# %%
created = sm.create_secret(
    Name="shop/dev/db",
    Description="Database login for the dev shop",
    SecretString=json.dumps({"username": "shop", "password": "dev-only-Pa55"}),
)
print(created["ARN"])
print("first version:", created["VersionId"])

# %%
value = sm.get_secret_value(SecretId="shop/dev/db")
print(sorted(k for k in value if k != "ResponseMetadata"))
print("labels of the version read:", value["VersionStages"])

# %% [markdown]
# The response carries the whole version: `SecretString`, its `VersionId` and its staging
# labels. The value itself is text — you parse it yourself.
#
# ## Exercise 1 — store credentials
#
# Write `store_credentials(client, name, username, password)`: it creates a secret called
# `name` whose value is a JSON object with the fields `username` and `password`, and returns
# the new secret's ARN. Keep the password out of anything that is not encrypted.

# %%
def store_credentials(client, name, username, password):
    """Create secret `name` holding {"username": ..., "password": ...}; return its ARN."""
    # BEGIN SOLUTION
    response = client.create_secret(
        Name=name,
        SecretString=json.dumps({"username": username, "password": password}),
    )
    return response["ARN"]
    # END SOLUTION

# %%
check("q1", store_credentials)

# %% [markdown]
# ## Exercise 2 — read the password
#
# Write `read_password(client, name)`: it returns the `password` field of the secret's
# **current** value (the version labelled `AWSCURRENT`), as a string.

# %%
def read_password(client, name):
    """The password in the current version of secret `name`."""
    # BEGIN SOLUTION
    response = client.get_secret_value(SecretId=name)
    return json.loads(response["SecretString"])["password"]
    # END SOLUTION

# %%
check("q2", read_password)

# %% [markdown]
# ## The errors you will meet
#
# Each cell below fails on purpose. Read the error code and the message: they are exactly
# what AWS sends, and your code should react to the *code*, never to the message text.

# %% tags=["raises-exception"]
sm.get_secret_value(SecretId="shop/dev/no-such-secret")

# %% tags=["raises-exception"]
sm.create_secret(Name="shop/dev/db", SecretString="a second secret with the same name")

# %%
sm.create_secret(Name="shop/dev/old-api-key", SecretString="k-123")
sm.delete_secret(SecretId="shop/dev/old-api-key", RecoveryWindowInDays=7)["Name"]

# %% tags=["raises-exception"]
sm.get_secret_value(SecretId="shop/dev/old-api-key")  # pending deletion is not "not found"

# %% [markdown]
# boto3 turns every error into `botocore.exceptions.ClientError`. Its
# `response["Error"]["Code"]` is the AWS code, and the client exposes a class per code, such
# as `client.exceptions.ResourceNotFoundException`, so you can catch just one of them.

# %%
try:
    sm.get_secret_value(SecretId="shop/dev/no-such-secret")
except sm.exceptions.ResourceNotFoundException as error:
    print("caught:", error.response["Error"]["Code"])

# %% [markdown]
# ## Exercise 3 — read, or None if it does not exist
#
# Write `read_or_none(client, name)`: the secret's `SecretString`, or `None` when **no such
# secret exists**. Every other error (a secret pending deletion, a throttle, a permission
# problem) must still reach the caller: hiding it would turn an outage into "no password".

# %%
def read_or_none(client, name):
    """SecretString of `name`, or None only when the secret does not exist."""
    # BEGIN SOLUTION
    try:
        return client.get_secret_value(SecretId=name)["SecretString"]
    except client.exceptions.ResourceNotFoundException:
        return None
    # END SOLUTION

# %%
check("q3", read_or_none)

# %% [markdown]
# ## Exercise 4 — retire a secret, recoverably
#
# Write `retire(client, name)`: delete the secret so that someone who notices a mistake
# within a week can still bring it back with `restore_secret`.

# %%
def retire(client, name):
    """Schedule secret `name` for deletion, keeping it restorable for at least 7 days."""
    # BEGIN SOLUTION
    client.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    # END SOLUTION

# %%
check("q4", retire)

# %% [markdown]
# ## Key points
#
# - One secret can hold several related values as a JSON object; build it with `json.dumps`
#   and read it with `json.loads`.
# - Only the secret's *value* is encrypted. Names, descriptions and tags are metadata that
#   anyone allowed to list secrets can read.
# - `get_secret_value` without a stage or version returns `AWSCURRENT`, the version
#   applications should use.
# - Handle errors by code, and only the ones you expect: `ResourceNotFoundException` means
#   "no such secret"; `InvalidRequestException` on a read here means it is pending deletion.
# - `delete_secret` keeps a recovery window of 7–30 days (30 by default);
#   `ForceDeleteWithoutRecovery` has no way back.
