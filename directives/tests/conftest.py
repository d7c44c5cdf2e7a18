"""Shared fixtures of the directives tests: a staff-made Letter 7019 in its usual states."""

from pathlib import Path

import pytest
from django.test import TestCase

from directives import services

LETTER_7019 = (Path(__file__).resolve().parents[1] / "fixtures_data" / "official-letter-7019.txt").read_text(
    encoding="utf-8"
)


def make_letter(staff, province, *, publish=True, **overrides):
    """Letter 7019 imported through the parser and services, as the import page does."""
    data = services.directive_import_text(LETTER_7019)
    fields = {**data["fields"], "issuer": province.province, **overrides}
    directive = services.directive_create(
        user=staff, fields=fields, requirements=data["requirements"], references=data["references"]
    )
    if publish:
        with TestCase.captureOnCommitCallbacks(execute=True):  # the notification task runs on commit
            directive = services.directive_publish(user=staff, directive=directive)
    return directive


@pytest.fixture
def letter(staff, province):
    return make_letter(staff, province)


@pytest.fixture
def draft_letter(staff, province):
    return make_letter(staff, province, publish=False)
