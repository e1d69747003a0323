# %% [markdown]
# # Lab 8 — Who can read a secret: write the policies that decide
#
# **Time:** 30 minutes (5 reading, 25 exercises) · **Needs:** lecture part 8
#
# **Learning objectives.** By the end of this lab you can:
# - write an identity policy that lets an application read exactly one secret;
# - write a KMS key policy that keeps the key manageable and lets a reader use it only
#   through Secrets Manager;
# - write a secret's resource policy that lets one reader of a partner account in, with an
#   explicit deny for everyone else outside your account;
# - read an `AccessDeniedException` and `cloud.explain()` to find which policy decided.
#
# Each exercise is a function that returns a policy document (a dict). Its check tries
# your policy in a fresh simulated account, through boto3 clients acting as the principals
# it is about, and names the first call that came out wrong.
#
# **Stopping and coming back.** Your policies live in the notebook's cells, and every check
# makes a fresh account: after a kernel restart, Run All. To keep the Cloud you were trying
# policies in, `cloud.save("lab08.cloud")` before you stop and `cloud = Cloud.load("lab08.cloud")`
# after the set-up cell: its users, roles, policies and access keys come back as you left
# them (make its clients again with `cloud.client(...)`, with the same keys).

# %%
import json

from secretkit import Cloud
from secretkit.labs.lab08 import ACCOUNT, PARTNER, check

cloud = Cloud(seed=8)
iam = cloud.client("iam")
sm = cloud.client("secretsmanager")
sm.create_secret(Name="prod-db-credentials", SecretString="s3cr3t")
iam.create_user(UserName="newcomer")
key = iam.create_access_key(UserName="newcomer")["AccessKey"]
newcomer = cloud.client("secretsmanager", aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=key["SecretAccessKey"])
print(cloud.client("sts", aws_access_key_id=key["AccessKeyId"],
                   aws_secret_access_key=key["SecretAccessKey"]).get_caller_identity()["Arn"])

# %% [markdown]
# ## Warm-up: read a refusal
#
# A user with no policy may do nothing. The message names who asked, for what, on which
# resource, and which kind of policy was missing; `cloud.explain()` says the same in plain
# words, with the statements that decided (this cell fails on purpose):

# %% tags=["raises-exception"]
newcomer.get_secret_value(SecretId="prod-db-credentials")

# %%
print(cloud.explain())

# %% [markdown]
# ## Exercise 1 — an application that reads exactly its secret
#
# Write `app_read_policy(secret_name, region, account)`: the identity policy of a role that
# may **read** (`secretsmanager:GetSecretValue`) the secret `secret_name` of `account` in
# `region`, and nothing else: no other secret, no writes, no listing. Remember that a
# secret's ARN is its name, a hyphen and six random characters.

# %%
def app_read_policy(secret_name, region, account):
    """The identity policy of a role that may read exactly one secret."""
    # BEGIN SOLUTION
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": f"arn:aws:secretsmanager:{region}:{account}:secret:{secret_name}-??????",
    }]}
    # END SOLUTION

# %%
check("q1", app_read_policy)

# %% [markdown]
# ## Exercise 2 — a customer key whose policy decides
#
# Write `key_policy(account, reader_role_arn)`: the key policy of a customer managed key
# that protects one secret. It must
#
# - let the account administer and use the key through its IAM policies (a key policy that
#   does not name the account locks out even its root user, for good);
# - let the role `reader_role_arn` decrypt with the key, but **only through Secrets
#   Manager** in us-east-1 (the condition key for that is `kms:ViaService`);
# - let nobody else decrypt.

# %%
def key_policy(account, reader_role_arn):
    """The key policy of a customer managed key read through Secrets Manager."""
    # BEGIN SOLUTION
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM policies", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "The reader, through Secrets Manager only", "Effect": "Allow",
         "Principal": {"AWS": reader_role_arn}, "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}},
    ]}
    # END SOLUTION

# %%
check("q2", key_policy)

# %% [markdown]
# ## Exercise 3 — a reader in a partner account, and a deny for everyone else
#
# Write `guard_policy(account, partner_reader_arn)`: the resource policy of a secret that
#
# - allows the user `partner_reader_arn` (in another account) to read it;
# - **explicitly denies** `GetSecretValue` to every principal outside `account` except that
#   reader, whatever their own policies say;
# - leaves your own account's principals to their IAM policies;
# - passes `BlockPublicPolicy` (an Allow to `"*"` without a condition on who the caller is
#   would be refused).
#
# Useful condition keys: `aws:PrincipalAccount` and `aws:PrincipalArn`. Several
# operators in one `Condition` must all hold for the statement to apply.

# %%
def guard_policy(account, partner_reader_arn):
    """A secret's resource policy: one partner reader in, every other outsider denied."""
    # BEGIN SOLUTION
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "PartnerReader", "Effect": "Allow", "Principal": {"AWS": partner_reader_arn},
         "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
        {"Sid": "NobodyElseOutside", "Effect": "Deny", "Principal": "*",
         "Action": "secretsmanager:GetSecretValue", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:PrincipalAccount": account},
                       "ArnNotEquals": {"aws:PrincipalArn": partner_reader_arn}}},
    ]}
    # END SOLUTION

# %%
check("q3", guard_policy)

# %% [markdown]
# ## See it decide
#
# Once exercise 3 passes, this puts your guard on the secret, lets the partner account in
# (with a customer key, since `aws/secretsmanager` never serves another account) and shows
# what each caller gets, with the explanation of the refusal.

# %%
if check("q3", guard_policy).passed:
    partner = cloud.kit_add_account(PARTNER)
    kms = cloud.client("kms")
    shared_key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "kms:Decrypt",
         "Resource": "*"}]}))["KeyMetadata"]["Arn"]
    shared = sm.create_secret(Name="shared-orders", SecretString="for the partner", KmsKeyId=shared_key)["ARN"]
    partner_iam = cloud.client("iam", **partner)
    clients = {}
    for name in ("reader", "someone-else"):  # the users first: a policy can name only users that exist
        partner_iam.create_user(UserName=name)
        partner_iam.put_user_policy(UserName=name, PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*",
                                                    "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"]}]}))
        creds = partner_iam.create_access_key(UserName=name)["AccessKey"]
        clients[name] = cloud.client("secretsmanager", aws_access_key_id=creds["AccessKeyId"],
                                     aws_secret_access_key=creds["SecretAccessKey"])
    sm.put_resource_policy(SecretId=shared, ResourcePolicy=json.dumps(
        guard_policy(ACCOUNT, f"arn:aws:iam::{PARTNER}:user/reader")))
    for name, client in clients.items():
        try:
            print(f"{name}: reads {client.get_secret_value(SecretId=shared)['SecretString']!r}")
        except client.exceptions.ClientError as exc:
            print(f"{name}: {exc.response['Error']['Code']}")
            print(cloud.explain(exc))
else:
    print("finish exercise 3 first")

# %% [markdown]
# ## Key points
#
# - Grant a secret by name with `-??????`: `name*` also matches every longer name.
# - A key policy is authoritative: it must name the account (so IAM policies may decide) or
#   the principal; pin readers to Secrets Manager with `kms:ViaService`.
# - Across accounts both the secret's policy and the reader's own policy must allow, and
#   the key must be a customer managed one that lets the reader decrypt.
# - An explicit deny overrides every allow; scope it with conditions so that it refuses
#   only whom you mean.
