"""The favicon exists, is in the staticfiles manifest, and /favicon.ico finds it (no 404 on every page)."""

import json

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_the_manifest_holds_the_favicons(tmp_path, settings):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=str(tmp_path), STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("img/favicon.ico", "img/favicon.svg", "img/apple-touch-icon.png"):
        assert name in manifest and (tmp_path / manifest[name]).stat().st_size > 100, name


def test_every_page_links_the_favicon_and_favicon_ico_redirects_to_it(client, staff):
    client.force_login(staff)
    page = client.get("/", follow=True).content.decode()
    assert 'rel="icon"' in page and "img/favicon.ico" in page and "img/favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("img/favicon.ico")
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.ico")
