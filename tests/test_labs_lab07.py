"""Lab 7's checks against a table of wrong answers students write, each with its own message.

Each wrong template differs from the right one in exactly the way its message names; the
functions of questions 2 and 3 are the mistakes written out.
"""

from __future__ import annotations

from _labs_support import answer_table_tests

from secretkit.labs import lab07

RIGHT = lab07.REFERENCE_TEMPLATE


def changed(old, new, text=RIGHT):
    assert old in text
    return text.replace(old, new)


Q1 = [
    ({"Resources": {}}, "SHOP_TEMPLATE is a dict: write the template as text (YAML or JSON)"),
    (42, "SHOP_TEMPLATE is an int: write the template as text (YAML or JSON)"),
    (changed("      Type: String\n      Value: !Sub db", "      Type: SecureString\n      Value: !Sub db"),
     "CloudFormation cannot create SecureString parameters: the host is a plain String, and the password belongs in "
     "the secret"),
    (changed("Type: AWS::SSM::Parameter", "Type: AWS::SSM::Parameters"),
     "CloudFormation refuses the template: Template format error: Unrecognized resource types: [AWS::SSM::Parameters]"),
    (changed("Parameters:\n  Stage:\n    Type: String\n    AllowedValues: [dev, prod]\n", "").replace("${Stage}", "prod"),
     "the template has no parameter named Stage: the stage is given when each stack is created"),
    (changed("Name: !Sub shop/${Stage}/db", "Name: shop/prod/db"),
     "the dev stack collides with the prod stack: a name in the template does not use the Stage; build the names with "
     "!Sub and ${Stage}"),
    (changed("Name: !Sub /shop/${Stage}/db/host", "Name: /shop/prod/db/host"),
     "the dev stack collides with the prod stack: a name in the template does not use the Stage; build the names with "
     "!Sub and ${Stage}"),
    (changed("Name: !Sub shop/${Stage}/db", "Name: !Sub shop-${Stage}-db"),
     "no secret is named shop/<stage>/db for this stack's Stage"),
    (changed("""      GenerateSecretString:
        SecretStringTemplate: '{"username": "shop_app"}'
        GenerateStringKey: password
        PasswordLength: 24
        ExcludePunctuation: true""", """      SecretString: '{"username": "shop_app", "password": "correct-horse-battery-staple"}'"""),
     "the password is written in the template: anyone allowed GetTemplate reads it; let GenerateSecretString make it"),
    (changed("""        SecretStringTemplate: '{"username": "shop_app"}'
        GenerateStringKey: password
""", ""),
     "the secret's value is not a JSON object with username and password: SecretStringTemplate gives the JSON, "
     "GenerateStringKey the key of the password"),
    (changed("GenerateStringKey: password", "GenerateStringKey: pass"),
     "the secret has no password key: GenerateStringKey names the key the generated password goes under"),
    (changed('{"username": "shop_app"}', '{"username": "admin"}'), "the secret's username is not the one asked for"),
    (changed("PasswordLength: 24", "PasswordLength: 12"),
     "the generated password is short: ask for a PasswordLength of 20 or more"),
    (changed("Value: !Sub db.${Stage}.internal", "Value: db.prod.internal"),
     "the host parameter's value does not follow the stack's Stage"),
    (changed("Outputs:\n  SecretArn:\n    Value: !Ref DbSecret\n", ""), "the stack has no output named SecretArn"),
    (changed("Value: !Ref DbSecret", "Value: !Sub ${DbSecret}-name"),
     "the output SecretArn is not the secret's ARN (Ref of a secret gives its ARN)"),
]


def applies(cfn, stack_name, template_body, parameters):
    cfn.update_stack(StackName=stack_name, TemplateBody=template_body, Parameters=parameters)
    return []


def executes(cfn, stack_name, template_body, parameters):
    cfn.create_change_set(StackName=stack_name, ChangeSetName="x", TemplateBody=template_body, Parameters=parameters)
    cfn.execute_change_set(StackName=stack_name, ChangeSetName="x")
    return []


def whole_response(cfn, stack_name, template_body, parameters):
    cfn.create_change_set(StackName=stack_name, ChangeSetName="x", TemplateBody=template_body, Parameters=parameters)
    return cfn.describe_change_set(StackName=stack_name, ChangeSetName="x")


def changes_list(cfn, stack_name, template_body, parameters):
    cfn.create_change_set(StackName=stack_name, ChangeSetName="x", TemplateBody=template_body, Parameters=parameters)
    return cfn.describe_change_set(StackName=stack_name, ChangeSetName="x")["Changes"]


def fixed_name(cfn, stack_name, template_body, parameters):
    cfn.create_change_set(StackName=stack_name, ChangeSetName="preview", TemplateBody=template_body, Parameters=parameters)
    changes = cfn.describe_change_set(StackName=stack_name, ChangeSetName="preview")["Changes"]
    return [(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"]) for c in changes]


def types_not_actions(cfn, stack_name, template_body, parameters):
    name = f"p{len(cfn.list_change_sets(StackName=stack_name)['Summaries'])}"
    cfn.create_change_set(StackName=stack_name, ChangeSetName=name, TemplateBody=template_body, Parameters=parameters)
    changes = cfn.describe_change_set(StackName=stack_name, ChangeSetName=name)["Changes"]
    return [(c["ResourceChange"]["ResourceType"], c["ResourceChange"]["LogicalResourceId"]) for c in changes]


def another_client(cfn, stack_name, template_body, parameters):
    from secretkit import Cloud

    return Cloud(seed=9).client("cloudformation", region_name="us-east-1").list_stacks() and []


def right_preview(cfn, stack_name, template_body, parameters):
    name = f"p{len(cfn.list_change_sets(StackName=stack_name)['Summaries'])}"
    cfn.create_change_set(StackName=stack_name, ChangeSetName=name, TemplateBody=template_body, Parameters=parameters)
    changes = cfn.describe_change_set(StackName=stack_name, ChangeSetName=name)["Changes"]
    return [(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"]) for c in changes]


_FIRST = {}


def remembers_the_first(cfn, stack_name, template_body, parameters):
    if "answer" not in _FIRST:
        _FIRST["answer"] = right_preview(cfn, stack_name, template_body, parameters)
        return _FIRST["answer"]
    right_preview(cfn, stack_name, template_body, parameters)
    return _FIRST["answer"]


APPLIED = "you applied the change: a change set only describes what would happen, until it is executed"
Q2 = [
    (applies, APPLIED),
    (executes, APPLIED),
    (another_client, "no call reached the client passed in: use the cfn argument"),
    (whole_response, "preview returned the whole response: return a list of (action, logical id) pairs, one per change"),
    (changes_list, "each item should be an (action, logical id) pair, e.g. the ResourceChange's Action and "
                   "LogicalResourceId"),
    (types_not_actions, "the changes listed are not those of the change set"),
    (fixed_name, "a change set's name can be used once per stack: make a new name on each call, or delete the change "
                 "set after reading it"),
]

Q3 = [
    (lambda name: 42, "db_password_reference returned an int: return the reference as text"),
    (lambda name: f"resolve:secretsmanager:{name}:SecretString:password",
     "a dynamic reference is written {{resolve:...}}, braces included"),
    (lambda name: f"{{{{resolve:ssm-secure:{name}}}}}",
     "resolve:ssm reads Parameter Store: the password is in a Secrets Manager secret (resolve:secretsmanager)"),
    (lambda name: "{{resolve:secretsmanager:shop/prod/db:SecretString:password}}",
     "the reference does not name the secret it was given: use the secret_name argument"),
    (lambda name: f"{{{{resolve:secretsmanager:{name}:password}}}}",
     "after the secret's name comes SecretString, then the JSON key"),
    (lambda name: f"{{{{resolve:secretsmanager:{name}:SecretString}}}}",
     "without a JSON key the reference gives the whole JSON document, not the password"),
    (lambda name: f"{{{{resolve:secretsmanager:{name}:SecretString:username}}}}",
     "the JSON key picks the value the database gets: here, the password"),
]


def right_reference(name):
    return f"{{{{resolve:secretsmanager:{name}:SecretString:password}}}}"


TABLES = {"q1": (Q1, RIGHT), "q2": (Q2, right_preview), "q3": (Q3, right_reference)}
# Two ways of naming without the Stage collide alike, and two ways of applying the change are one mistake.
(test_each_wrong_answer_gets_its_own_message, test_the_table_is_long_enough_and_each_mistake_has_its_message,
 test_the_right_answer_passes) = answer_table_tests(lab07.check, TABLES, before_each=_FIRST.clear,
                                                    shared_hints={"q1": 1, "q2": 1})


def test_a_preview_that_remembers_its_first_answer_is_caught():
    _FIRST.clear()
    result = lab07.check("q2", remembers_the_first)
    assert result.message == ("the second preview, of another template, listed the first one's changes: use the "
                              "template_body argument")


def test_the_short_form_without_secret_string_passes_too():
    assert lab07.check("q3", lambda name: f"{{{{resolve:secretsmanager:{name}::password}}}}").passed


def test_placeholders_are_not_answered_yet():
    assert lab07.check("q1", ...).status == "unanswered"

    def preview(cfn, stack_name, template_body, parameters):
        ...

    assert lab07.check("q2", preview).status == "unanswered"
