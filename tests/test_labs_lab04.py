"""Lab 4's checks against a table of wrong answers students write, each with its own message.

The hierarchy is read back name by name and type by type; the configuration read for both
environments; the rotation run twice and on a second parameter; the schedule with two
intervals, over a year, and through a job that fails once.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from _lambda_support import lambda_role

from secretkit import Cloud
from secretkit.labs import lab04
from _labs_support import answer_table_tests

NOTEBOOK = Cloud(seed=4)
NOTEBOOK_SSM = NOTEBOOK.client("ssm", region_name="us-east-1")


# --------------------------------------------------------------------------- q1
def hierarchy(*, password_type="SecureString", host_type="String", flat=False, tier="Standard",
              envs=("prod", "dev"), host="db.{env}.internal", description=False, name="/shop/{env}/db/",
              twice=False):
    def create_hierarchy(ssm):
        for env in envs:
            base = f"shop-{env}-db-" if flat else name.format(env=env)
            ssm.put_parameter(Name=base + "host", Value=host.format(env=env), Type=host_type, Tier=tier)
            extra = {"Description": f"password {env}-Pa55word"} if description else {}
            ssm.put_parameter(Name=base + "password", Value=f"{env}-Pa55word", Type=password_type, Tier=tier,
                              **extra)
            if twice:
                ssm.put_parameter(Name=base + "host", Value=host.format(env=env), Type=host_type, Tier=tier)
    return create_hierarchy


def misspelt(ssm):
    hierarchy(envs=("dev",))(ssm)
    hierarchy(name="/shop/production/db/", envs=("prod",))(ssm)


Q1 = [
    (hierarchy(password_type="String"),
     "a password is stored as a plain String: anyone allowed to read it sees it in the clear"),
    (hierarchy(flat=True), "flat names cannot be read or granted by path: start every name with /shop/<env>/"),
    (hierarchy(tier="Advanced"), "Advanced parameters cost $0.05 a month each: Standard is enough here"),
    (hierarchy(host_type="SecureString"), "a host name does not need encryption: keep it a String"),
    (hierarchy(host_type="StringList"), "a host name is a single value: a String, not a StringList"),
    (hierarchy(envs=("prod",)), "/shop/dev/db/host is missing"),
    (misspelt, "/shop/production/db/host is not a name of the table: is it a misspelt /shop/prod/db/host?"),
    (hierarchy(host="{env}.db.internal"), "the prod host name is not the one in the table"),
    (hierarchy(description=True), "the password is visible in the parameter's Description, which is not encrypted"),
    (hierarchy(name="/shop/{env}/db//"), "Parameter Store refused a name (ValidationException): a name like "
                                         "/app/env/component/key has a slash before each part and none at the end"),
    (hierarchy(twice=True), "put_parameter was called twice for one name (ParameterAlreadyExists): each of the four "
                            "parameters is created once"),
    (lambda ssm: hierarchy()(NOTEBOOK_SSM) if not NOTEBOOK_SSM.describe_parameters()["Parameters"] else None,
     lab04._OTHER_CLIENT),
]


# --------------------------------------------------------------------------- q2
def read_config(*, decrypt=True, recursive=True, path="/shop/{env}", key=lambda p: p["Name"].rsplit("/", 1)[-1],
                value=lambda p: p["Value"], shape=dict, first=False):
    def read(ssm, env):
        response = ssm.get_parameters_by_path(Path=path.format(env=env), Recursive=recursive, WithDecryption=decrypt)
        if first:
            return {"host": response["Parameters"][0]["Value"]}
        pairs = [(key(p), value(p)) for p in response["Parameters"]]
        return shape(pairs) if shape is dict else shape(v for _, v in pairs)
    return read


def per_name(ssm, env):
    return {key: ssm.get_parameter(Name=f"/shop/{env}/db/{key}", WithDecryption=True)["Parameter"]["Value"]
            for key in ("host", "password")}


def by_names(ssm, env):
    names = [f"/shop/{env}/db/host", f"/shop/{env}/db/password"]
    found = ssm.get_parameters(Names=names, WithDecryption=True)["Parameters"]
    return {p["Name"].rsplit("/", 1)[-1]: p["Value"] for p in found}


Q2 = [
    (read_config(decrypt=False), "read without WithDecryption returns ciphertext"),
    (read_config(recursive=False), lab04._NOT_RECURSIVE),
    (read_config(recursive=False, first=True), lab04._NOT_RECURSIVE + " (your code then failed on the empty result)"),
    (per_name, "one GetParametersByPath call reads a whole environment: no need for one call per name"),
    (by_names, "get_parameters needs every name spelled out: read the environment by path with "
               "get_parameters_by_path"),
    (read_config(path="/shop/prod"), "read the wrong environment: use the env argument in the path"),
    (read_config(key=lambda p: p["Name"]), "the keys are full parameter names: use only the last part of each name"),
    (read_config(value=lambda p: p), "each value is a whole parameter: use its 'Value' field"),
    (read_config(shape=list), "read_config returned a list: return a dict"),
    (read_config(path="shop/{env}"), "a path starts with a slash: read /shop/<env>, not shop/<env>"),
    (lambda ssm, env: read_config()(NOTEBOOK_SSM, env), lab04._OTHER_CLIENT),
]


# --------------------------------------------------------------------------- q3
def fresh(sm, length=20):
    return sm.get_random_password(PasswordLength=length)["RandomPassword"]


def delete_and_put(ssm, sm, name):
    ssm.delete_parameter(Name=name)
    ssm.put_parameter(Name=name, Value=fresh(sm), Type="SecureString")


Q3 = [
    (lambda ssm, sm, n: ssm.put_parameter(Name=n, Value=fresh(sm), Type="SecureString"),
     "ParameterAlreadyExists: writing a new version needs Overwrite=True"),
    (lambda ssm, sm, n: ssm.put_parameter(Name=n, Value=fresh(sm), Type="String", Overwrite=True),
     "the new password was written as a plain String: a SecureString cannot become a String "
     "(HierarchyTypeMismatchException)"),
    (lambda ssm, sm, n: ssm.put_parameter(Name=n, Value="the-same-Pa55word", Type="SecureString", Overwrite=True),
     "two rotations wrote the same password: generate a new one each time"),
    (lambda ssm, sm, n: ssm.put_parameter(Name=n, Value=fresh(sm, 8), Type="SecureString", Overwrite=True),
     "the new password is short: ask get_random_password for 16 characters or more"),
    (lambda ssm, sm, n: ssm.put_parameter(Name="/shop/prod/db/password", Value=fresh(sm), Type="SecureString",
                                          Overwrite=True),
     "asked to rotate another parameter, the function rotated the first one again: write to `name`"),
    (delete_and_put, "deleting and re-creating the parameter throws its history away (and leaves a moment with no "
                     "password): overwrite it to make a new version"),
    (lambda ssm, sm, n: sm.create_secret(Name=n.strip("/"), SecretString=fresh(sm)),
     "the new password went to Secrets Manager: write it as the parameter's next version in Parameter Store"),
    (lambda ssm, sm, n: ssm.put_parameter(Name=n, Value=sm.get_random_password(PasswordLength=20),
                                          Type="SecureString", Overwrite=True),
     "put_parameter was given get_random_password's whole response: the password is its RandomPassword field"),
    (lambda ssm, sm, n: NOTEBOOK_SSM.put_parameter(Name=n, Value=fresh(sm), Type="SecureString", Overwrite=True),
     lab04._NO_WRITE),
]


# --------------------------------------------------------------------------- q4
def schedule_ok(cloud, every_days, job):
    def fire():
        cloud.clock.call_later(timedelta(days=every_days), fire)
        job()

    cloud.clock.call_later(timedelta(days=every_days), fire)


def rearm_after(cloud, every_days, job):
    def fire():
        job()
        cloud.clock.call_later(timedelta(days=every_days), fire)

    cloud.clock.call_later(timedelta(days=every_days), fire)


def timer(*, first=lambda d: timedelta(days=d), every=lambda d: timedelta(days=d), rearms=1, job_args=()):
    def schedule(cloud, every_days, job):
        def fire():
            for _ in range(rearms):
                cloud.clock.call_later(every(every_days), fire)
            job(*job_args)

        cloud.clock.call_later(first(every_days), fire)
    return schedule


def three_timers(cloud, every_days, job):
    for n in (1, 2, 3):
        cloud.clock.call_later(timedelta(days=n * every_days), job)


def runs_the_clock(cloud, every_days, job):
    for _ in range(3):
        cloud.clock.advance(days=every_days)
        job()


Q4 = [
    (lambda cloud, days, job: days, "Parameter Store has no built-in rotation: schedule it yourself (nothing ran in "
                                    "95 days)"),
    (timer(first=lambda d: timedelta(0)), "the first rotation ran at once: a rate(30 days) rule first fires after 30 "
                                          "days"),
    (lambda cloud, days, job: cloud.clock.call_later(timedelta(days=days), job),
     "the job ran once: a scheduled rule repeats, so re-arm the timer each time it fires"),
    (timer(rearms=2), "the job ran more than once at the same moment: each run should arm exactly one next run"),
    (timer(first=lambda d: timedelta(hours=d), every=lambda d: timedelta(hours=d)),
     "the job ran every 1.25 days instead of every 30: a timedelta counts days with days=..."),
    (timer(first=lambda d: timedelta(days=30), every=lambda d: timedelta(days=30)),
     "with every_days=7 the job still ran after 30 days: the interval is hard-coded; use the every_days argument"),
    (three_timers, "the job stopped after 3 runs: a rule keeps firing for as long as the clock runs"),
    (rearm_after, "one failed run stopped the schedule: a rule fires again at its next time whether or not the last "
                  "run failed (arm the next run before calling job, or in a finally)"),
    (runs_the_clock, "schedule_rotation moved the clock itself: it should only arrange future calls (time moves when "
                     "the caller advances the clock)"),
    (timer(job_args=("rotate",)), "job takes no arguments: call it as job()"),
]

TABLES = {"q1": (Q1, hierarchy()), "q2": (Q2, read_config()),
          "q3": (Q3, lambda ssm, sm, n: ssm.put_parameter(Name=n, Value=fresh(sm), Type="SecureString",
                                                          Overwrite=True)),
          "q4": (Q4, schedule_ok)}
(test_each_wrong_answer_gets_its_own_message, test_the_table_is_long_enough_and_each_mistake_has_its_message,
 test_the_right_answer_passes) = answer_table_tests(lab04.check, TABLES)


def test_a_schedule_made_of_a_rule_and_a_function_passes_too():
    def with_a_rule(cloud, every_days, job):
        def handler(event, context):  # a failed run is logged, not raised: Lambda would retry the event
            try:
                job()
            except Exception as error:  # noqa: BLE001
                print("rotation failed:", error)

        lam = cloud.awslambda("us-east-1")
        arn = lam.kit_deploy_callable("rotate", handler, Role=lambda_role(cloud))["FunctionArn"]
        events = cloud.eventbridge("us-east-1")
        rule = events.put_rule(Name="rotate-every", ScheduleExpression=f"rate({every_days} days)")["RuleArn"]
        lam.add_permission(FunctionName="rotate", StatementId="events", Action="lambda:InvokeFunction",
                           Principal="events.amazonaws.com", SourceArn=rule)
        events.put_targets(Rule="rotate-every", Targets=[{"Id": "1", "Arn": arn}])

    assert lab04.check("q4", with_a_rule).passed
