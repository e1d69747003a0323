# %% [markdown]
# # Lab 7 — A stack of secrets: write the template, preview a change, reference a secret
#
# **Time:** 30 minutes (5 reading, 25 exercises) · **Needs:** lecture part 7
#
# **Learning objectives.** By the end of this lab you can:
# - write a CloudFormation template that makes a secret with a **generated** password and a
#   parameter beside it, deployable once per stage (`dev`, `prod`) from the same text;
# - **preview** a change with a change set, and read which resources it adds, modifies or
#   removes, without applying it;
# - write a **dynamic reference** that hands a secret's password to a database, so the
#   password never appears in the template.
#
# The CloudFormation client is a genuine boto3 client; the kit checks every template with
# cfn-lint, as AWS does, and makes the resources in its own Secrets Manager, Parameter Store
# and RDS.
#
# **Stopping and coming back.** Your templates live in the notebook's cells, and each check
# deploys them in a Cloud of its own: after a kernel restart, Run All. To keep the Cloud you
# were trying stacks in, `cloud.save("lab07.cloud")` before you stop and
# `cloud = Cloud.load("lab07.cloud")` after the set-up cell (then make its clients again with
# `cloud.client(...)`): its stacks, secrets and clock come back as you left them.

# %%
import json

from secretkit import Cloud
from secretkit.labs import carry_on
from secretkit.labs.lab07 import check

cloud = Cloud(seed=7)
cfn = cloud.client("cloudformation", region_name="us-east-1")
sm = cloud.client("secretsmanager", region_name="us-east-1")
ssm = cloud.client("ssm", region_name="us-east-1")

# %% [markdown]
# ## Warm-up: a template CloudFormation refuses
#
# A template is checked before anything is made: this cell fails on purpose, because it
# names a resource type that does not exist. Read the error.

# %% tags=["raises-exception"]
cfn.validate_template(TemplateBody="""
Resources:
  Db:
    Type: AWS::SecretsManager::Secrets
""")

# %% [markdown]
# A template can also be valid and still fail while it is deployed. This one asks for a
# `SecureString` parameter, which CloudFormation cannot create (secrets belong in Secrets
# Manager, or are read by reference). The stack starts, the resource fails, and the stack
# rolls back, leaving nothing behind but the stack's record (`ROLLBACK_COMPLETE`), whose events say why:

# %%
cfn.create_stack(StackName="warm-up", TemplateBody="""
Resources:
  Password:
    Type: AWS::SSM::Parameter
    Properties:
      Type: SecureString
      Value: hunter2
""")
print(cfn.describe_stacks(StackName="warm-up")["Stacks"][0]["StackStatus"])
for event in reversed(cfn.describe_stack_events(StackName="warm-up")["StackEvents"]):
    if event["ResourceStatus"].endswith("FAILED"):
        print(event["LogicalResourceId"], "-", event["ResourceStatusReason"])

# %% [markdown]
# ## Exercise 1 — the template
#
# Write `SHOP_TEMPLATE`, a template (YAML or JSON text) that takes a parameter `Stage`
# (`dev` or `prod`) and makes:
#
# | resource | what |
# |---|---|
# | a secret named `shop/<Stage>/db` | JSON `{"username": "shop_app", "password": ...}`, the password **generated** by Secrets Manager, at least 20 characters |
# | a parameter `/shop/<Stage>/db/host` | a `String`, value `db.<Stage>.internal` |
# | an output `SecretArn` | the secret's ARN |
#
# The check deploys it twice into one account, as `prod` and as `dev`: both stacks must
# work side by side. (`!Sub shop/${Stage}/db` fills a parameter into a string.)

# %%
# BEGIN SOLUTION | SHOP_TEMPLATE = ...
SHOP_TEMPLATE = """
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub shop/${Stage}/db
      GenerateSecretString:
        SecretStringTemplate: '{"username": "shop_app"}'
        GenerateStringKey: password
        PasswordLength: 24
        ExcludeCharacters: '"@/\\'
  DbHost:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub /shop/${Stage}/db/host
      Type: String
      Value: !Sub db.${Stage}.internal
Outputs:
  SecretArn:
    Value: !Ref DbSecret
"""
# END SOLUTION

# %%
check("q1", SHOP_TEMPLATE)

# %% [markdown]
# ## Exercise 2 — preview a change
#
# Write `preview(cfn, stack_name, template_body, parameters)`: it creates a **change set**
# for the existing stack `stack_name` with the new template and parameters, and returns a
# list of `(action, logical_id)` pairs, one per change (`("Add", "Search")`,
# `("Modify", "DbHost")`...). It must **not** apply anything. On AWS a change set takes a
# moment to compute (a waiter, `change_set_create_complete`, waits for it); in the kit it
# is ready at once. `preview` may be called many times for one stack.

# %%
def preview(cfn, stack_name, template_body, parameters):
    """The (action, logical id) of every change the new template would make; nothing applied."""
    # BEGIN SOLUTION
    name = f"preview-{len(cfn.list_change_sets(StackName=stack_name)['Summaries']) + 1}"
    cfn.create_change_set(StackName=stack_name, ChangeSetName=name, TemplateBody=template_body, Parameters=parameters)
    changes = cfn.describe_change_set(StackName=stack_name, ChangeSetName=name)["Changes"]
    cfn.delete_change_set(StackName=stack_name, ChangeSetName=name)
    return [(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"]) for c in changes]
    # END SOLUTION

# %%
check("q2", preview)

# %% [markdown]
# ## Exercise 3 — a dynamic reference
#
# A database made by the same stack needs the secret's password as its
# `MasterUserPassword`. Writing the password in the template would put it in plain text
# for anyone who can read the template; a **dynamic reference** makes CloudFormation read
# it from the secret while it creates the database.
#
# Write `db_password_reference(secret_name)` returning the reference text for the
# `password` key of the JSON in secret `secret_name`.

# %%
def db_password_reference(secret_name):
    """The dynamic reference to the password in secret `secret_name`."""
    # BEGIN SOLUTION
    return f"{{{{resolve:secretsmanager:{secret_name}:SecretString:password}}}}"
    # END SOLUTION

# %%
check("q3", db_password_reference)

# %% [markdown]
# ## Watch it run: the stack, a preview, and the database
#
# Once the three checks pass, this deploys your template as `prod` in the notebook's
# account, previews adding a database that takes its password by your reference, applies
# that change, and shows that the database accepts the secret's credentials while the
# template holds no password.

# %%
if all(check(q, answer).passed for q, answer in (("q1", SHOP_TEMPLATE), ("q2", preview), ("q3", db_password_reference))):
    from secretkit.databases import databases

    with carry_on():
        stage = [{"ParameterKey": "Stage", "ParameterValue": "prod"}]
        cfn.create_stack(StackName="shop", TemplateBody=SHOP_TEMPLATE, Parameters=stage)
        print("stack:", cfn.describe_stacks(StackName="shop")["Stacks"][0]["StackStatus"])
        with_db = SHOP_TEMPLATE.replace("Outputs:", f"""  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: 20
      MasterUsername: shop_app
      MasterUserPassword: '{db_password_reference("shop/prod/db")}'
Outputs:""", 1)
        print("preview:", preview(cfn, "shop", with_db, stage))
        cfn.update_stack(StackName="shop", TemplateBody=with_db, Parameters=stage)
        print("stack:", cfn.describe_stacks(StackName="shop")["Stacks"][0]["StackStatus"])
        address = cloud.client("rds", region_name="us-east-1").describe_db_instances()["DBInstances"][0]["Endpoint"]["Address"]
        credentials = json.loads(sm.get_secret_value(SecretId="shop/prod/db")["SecretString"])
        print("the database accepts the secret's credentials:", databases(cloud).get(address).accepts("shop_app", credentials["password"]))
        print("the password is in the template:", credentials["password"] in json.dumps(cfn.get_template(StackName="shop")))
else:
    print("finish exercises 1 to 3 first")

# %% [markdown]
# ## Key points
#
# - One template, deployed per stage: build every name from the `Stage` parameter
#   (`!Sub shop/${Stage}/db`), or the second stack collides with the first.
# - Let `GenerateSecretString` make passwords: a password written in a template is readable
#   by anyone allowed `GetTemplate`.
# - A change set lists what an update would add, modify, replace or remove, and applies
#   nothing until you execute it.
# - `{{resolve:secretsmanager:<secret>:SecretString:<key>}}` hands a secret's value to a
#   resource at create or update time, and only then: after a rotation, code reads the
#   secret itself (lecture 7's stale-reference trap).
