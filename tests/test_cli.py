"""The command line: fast help, version, --db / CUNWU_DB, demo."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cunwu_tui import __version__
from cunwu_tui.cli import main
from cunwu_tui.paths import resolve_db_url

HEAVY = ("textual", "sqlalchemy", "sqlmodel", "openpyxl", "alembic", "chinese_calendar")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["demo", "--help"]])
def test_help_imports_nothing_heavy(args):
    code = (
        "import sys, json\n"
        "from cunwu_tui.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_help_and_version_text(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "村务通" in out and "--db" in out and "demo" in out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert __version__ in capsys.readouterr().out


def test_unknown_argument_is_a_chinese_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--frobnicate"])
    assert exc.value.code == 2
    assert "无法识别的参数" in capsys.readouterr().err


def test_db_resolution(tmp_path, monkeypatch):
    default = resolve_db_url(None)
    assert default.startswith("sqlite:///") and default.endswith("cunwu.db") and "cunwu-tui" in default
    monkeypatch.setenv("CUNWU_DB", str(tmp_path / "env.db"))
    assert resolve_db_url(None) == "sqlite:///" + str(tmp_path / "env.db")
    monkeypatch.setenv("CUNWU_DB", "sqlite:////x/y.db")
    assert resolve_db_url(None) == "sqlite:////x/y.db"
    assert resolve_db_url(str(tmp_path / "arg.db")) == "sqlite:///" + str(tmp_path / "arg.db")


@pytest.mark.parametrize("where", ["before", "after"])
def test_demo_with_db_anywhere(tmp_path, capsys, where):
    db = tmp_path / "示例.db"
    argv = ["--db", str(db), "demo"] if where == "before" else ["demo", "--db", str(db)]
    assert main(argv) == 0
    assert "青山村" in capsys.readouterr().out
    assert db.exists()
    # A second run refuses and says why, without a traceback.
    assert main(argv) == 2  # a refusal, in one Chinese line
    err = capsys.readouterr().err
    assert "只填入空数据库" in err and "Traceback" not in err


def test_demo_via_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUNWU_DB", str(tmp_path / "env.db"))
    assert main(["demo"]) == 0
    assert (tmp_path / "env.db").exists()


def test_python_dash_m(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "cunwu_tui", "--version"], capture_output=True, text=True, encoding="utf-8", check=True
    )
    assert __version__ in out.stdout


def test_first_frame_does_not_load_the_database_layer():
    """Building the app (everything before its first frame) stays light:
    SQLAlchemy, Alembic and openpyxl load later, in a worker."""
    code = (
        "import sys, json\n"
        "from cunwu_tui.ui.app import CunwuApp\n"
        "app = CunwuApp('sqlite:///:memory:')\n"
        "print(json.dumps([m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'openpyxl', 'pypinyin') if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
