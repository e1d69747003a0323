"""recommend(): lecture 6's guidance on choosing Secrets Manager, Parameter Store or both."""

from __future__ import annotations

from decimal import Decimal

import pytest

from secretkit.pricing import BOTH, PARAMETER_STORE, SECRETS_MANAGER, Needs, recommend


@pytest.mark.parametrize("need", ["rotation", "database_credentials", "replication"])
def test_rotation_database_credentials_and_replication_call_for_secrets_manager(need):
    r = recommend(Needs(**{need: True}))
    assert r.service == SECRETS_MANAGER
    assert any(word in " ".join(r.reasons).lower() for word in ("rotation", "database", "replication"))


@pytest.mark.parametrize("need", [{"hierarchy": True}, {"mixed_configuration": True}, {"config_values": 40}, {}])
def test_configuration_hierarchy_and_mixed_values_call_for_parameter_store(need):
    r = recommend(Needs(**need))
    assert r.service == PARAMETER_STORE
    assert any("SecureString" in reason for reason in r.reasons)


def test_both_together_reads_secrets_through_the_reference_path():
    r = recommend(Needs(rotation=True, database_credentials=True, hierarchy=True, mixed_configuration=True))
    assert r.service == BOTH
    assert any("/aws/reference/secretsmanager/" in reason for reason in r.reasons)


def test_a_tight_budget_without_hard_needs_picks_the_free_tier():
    r = recommend({"secrets": 50, "monthly_budget": 5})
    assert r.service == PARAMETER_STORE
    assert r.monthly_secrets_cost == Decimal("20.00")
    assert any("$20.00" in reason and "$5.00" in reason for reason in r.reasons)


def test_over_budget_with_rotation_still_needs_secrets_manager_and_says_so():
    r = recommend(Needs(rotation=True, replication=True, secrets=10, replicas_per_secret=1, monthly_budget=Decimal(5)))
    assert r.service == SECRETS_MANAGER
    assert r.monthly_secrets_cost == Decimal("8.00")
    assert any("over the $5.00 budget" in reason for reason in r.reasons)
    assert str(r).startswith("Choose: Secrets Manager")


def test_unknown_needs_are_refused():
    with pytest.raises(TypeError):
        recommend({"blockchain": True})
