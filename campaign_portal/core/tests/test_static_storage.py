"""Production's static storage (core.storage): hashed addresses from the manifest, each worked out once."""

import json

import pytest

from campaign_portal.core.storage import PortalStaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"paths": {"css/portal.css": "css/portal.0123abcd.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return PortalStaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_the_hashed_address_is_given_and_kept(storage, monkeypatch):
    assert storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"
    monkeypatch.setattr(storage, "hashed_files", {})  # a second manifest lookup would now fail
    assert storage.url("css/portal.css") == "/static/css/portal.0123abcd.css"


def test_a_file_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/nowhere.css")
    assert "css/nowhere.css" not in storage._urls
