from __future__ import annotations

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
    # PINs: a cheaper scrypt for speed (the production cost is tested in
    # test_identity.py; each stored hash names the cost it was made with).
    from cunwu_tui.domain import pins

    monkeypatch.setattr(pins, "SCRYPT_N", 2**10)


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


@pytest.fixture
def demo_db(db_url):
    """The demo village as of 2026-11-22 (test_app.TODAY) in a database the
    app tests open (test_backup and test_export lay their own)."""
    from cunwu_tui.services import open_services
    from cunwu_tui.services.demo import fill_demo

    s = open_services(db_url)
    fill_demo(s, today=date(2026, 11, 22))
    s.close()
    return db_url


@pytest.fixture
def pin_stdin(monkeypatch):
    """The CLI reads the operator's PIN from stdin when it is not a terminal:
    the demo PIN, for as many commands as a test runs."""
    import io
    import sys

    from cunwu_tui.services.demo import DEMO_PIN

    monkeypatch.setattr(sys, "stdin", io.StringIO((DEMO_PIN + "\n") * 50))
