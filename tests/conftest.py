from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolate(tmp_path_factory, monkeypatch):
    """Never touch the real user data or log dirs, whatever the test does."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("CUNWU_DB", raising=False)
    monkeypatch.delenv("CUNWU_THEME", raising=False)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return "sqlite:///" + str(tmp_path / "cunwu.db")


@pytest.fixture
def services(db_url):
    from cunwu_tui.services import open_services

    s = open_services(db_url)
    yield s
    s.close()


@pytest.fixture
def demo_services(services):
    from cunwu_tui.services.demo import fill_demo

    fill_demo(services, today=date(2026, 11, 22))
    return services
