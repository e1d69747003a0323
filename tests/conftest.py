"""Shared fixtures: a fresh seeded Cloud, its direct models and its boto3 clients."""

from __future__ import annotations

import pytest

import secretkit


@pytest.fixture
def cloud() -> secretkit.Cloud:
    return secretkit.Cloud(seed=0, start="2026-01-01")


@pytest.fixture
def sm(cloud: secretkit.Cloud):
    return cloud.secretsmanager("us-east-1")


@pytest.fixture
def kms(cloud: secretkit.Cloud):
    return cloud.kms("us-east-1")


@pytest.fixture
def client(cloud: secretkit.Cloud):
    return cloud.client("secretsmanager", region_name="us-east-1")


@pytest.fixture
def kms_client(cloud: secretkit.Cloud):
    return cloud.client("kms", region_name="us-east-1")


@pytest.fixture
def ssm(cloud: secretkit.Cloud):
    return cloud.ssm("us-east-1")


@pytest.fixture
def ssm_client(cloud: secretkit.Cloud):
    return cloud.client("ssm", region_name="us-east-1")
