"""A real S3-compatible server for tests: moto_server, started by .ci/run (PORTAL_TEST_S3_ENDPOINT).

Tests that need it skip locally without it and fail in CI. Each test gets a bucket of its own.
"""

import os
import uuid

import pytest

from campaign_portal.testing import require_service

ACCESS_KEY = "portal-test"
SECRET_KEY = "portal-test-secret"
REGION = "us-east-1"


def s3_endpoint() -> str:
    return require_service("S3-compatible storage (moto_server)", os.environ.get("PORTAL_TEST_S3_ENDPOINT"))


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def storage_env(endpoint: str, bucket: str) -> dict:
    """The environment a portal process needs to keep its media in `bucket` (see settings.py)."""
    return {
        "PORTAL_MEDIA_STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }


def storage_setting(endpoint: str, bucket: str) -> dict:
    """settings.STORAGES["default"] for `bucket`, as settings.py builds it from storage_env()."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }


class Bucket:
    def __init__(self, endpoint: str, name: str):
        self.endpoint, self.name = endpoint, name
        self.client = s3_client(endpoint)

    def object_keys(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def env(self) -> dict:
        return storage_env(self.endpoint, self.name)


@pytest.fixture
def bucket(settings):
    """A fresh private bucket on the S3-compatible server; the portal's media go there for this test."""
    endpoint = s3_endpoint()
    name = f"portal-test-{uuid.uuid4().hex[:12]}"
    store = Bucket(endpoint, name)
    store.client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": storage_setting(endpoint, name)}
    yield store
    keys = store.object_keys()
    for key in keys:
        store.client.delete_object(Bucket=name, Key=key)
    store.client.delete_bucket(Bucket=name)
