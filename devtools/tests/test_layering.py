"""Development tools stay out of production: the core imports no app, production imports no tests nor devtools."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Every app of the project; the last one (devtools) is not production code.
APPS = ("directives", "pledges", "projects", "reports", "emulation", "devtools")


def _module(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imports(path: Path) -> set[str]:
    """Every module the file imports, at any depth (function-local too), relative imports made absolute."""
    package = _module(path) if path.name == "__init__.py" else _module(path)[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}  # `from . import tests`
    return names


def _production_modules():
    for folder in ("campaign_portal", *APPS[:-1]):
        for path in (ROOT / folder).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or path.name in ("conftest.py", "testing.py"):
                continue
            yield path


def test_the_scan_sees_relative_and_local_imports(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    module = tmp_path / "pledges" / "views.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from .tests import factories\n    from ..directives import models\n")
    assert {"pledges.tests", "pledges.tests.factories", "directives.models"} <= _imports(module)


def test_no_production_module_imports_tests_or_devtools():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _production_modules()
        for name in _imports(path)
        if ".tests" in f".{name}" or name.split(".")[0] == "devtools"
    ]
    assert offenders == []


def test_the_core_imports_no_app():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _production_modules()
        if path.relative_to(ROOT).parts[:2] == ("campaign_portal", "core")
        for name in _imports(path)
        if name.split(".")[0] in APPS
    ]
    assert offenders == []


def test_production_settings_leave_devtools_out():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "PYTEST", "DEBUG"))}
    env.update(DEBUG="0", SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="campaign_portal.settings")
    code = (
        "import django; django.setup(); from django.conf import settings; print('devtools' in settings.INSTALLED_APPS)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    env["PORTAL_DEVTOOLS"] = "1"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
