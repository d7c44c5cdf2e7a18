"""bench_load never touches the portal's own database, and its driver script is valid Python."""

import ast
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from devtools.management.commands import bench_load


def test_refuses_to_run_on_the_bench_database_name(tmp_path):
    database = bench_load.BenchDatabase({"ENGINE": "django.db.backends.postgresql", "NAME": "cp_bench_load"}, tmp_path)
    with pytest.raises(CommandError):
        database.create()


def test_refuses_when_the_configured_sqlite_file_is_the_bench_file(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    default = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(tmp_path) / "bench_load.sqlite3")}
    with pytest.raises(CommandError):
        bench_load.BenchDatabase(default, tmp_path).create()


def test_sqlite_bench_database_is_a_separate_file(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    default = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "portal.sqlite3")}
    database = bench_load.BenchDatabase(default, tmp_path)
    url = database.create()
    assert url.endswith("bench_load.sqlite3") and "portal.sqlite3" not in url
    database.drop()


def test_driver_script_parses_and_free_port_is_free():
    ast.parse(bench_load.DRIVER)
    assert 1024 < bench_load.free_port() < 65536


def test_each_configured_database_gets_its_own_bench_database(tmp_path):
    names = {
        bench_load.BenchDatabase({"ENGINE": "django.db.backends.postgresql", "NAME": name}, tmp_path).name
        for name in ("cp_bench_map", "cp_bench_engine")
    }
    assert names == {"cp_bench_map_load", "cp_bench_engine_load"}
