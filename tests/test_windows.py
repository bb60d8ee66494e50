"""Windows correctness that Linux can test (#19): opening exports with the
default program, paths with Chinese characters and spaces, a GBK console."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cunwu_tui import desktop


def test_open_path_uses_startfile_on_windows(tmp_path, monkeypatch):
    f = tmp_path / "青山村_用印登记台账_2026-11.xlsx"
    f.write_bytes(b"x")
    opened = []
    monkeypatch.setattr(desktop.sys, "platform", "win32")
    monkeypatch.setattr(desktop.os, "startfile", lambda p: opened.append(p), raising=False)
    assert desktop.open_path(f) == ""
    assert opened == [str(f)]


def test_open_path_uses_xdg_open_on_linux(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(desktop.sys, "platform", "linux")
    monkeypatch.setattr(desktop.os, "name", "posix")
    monkeypatch.setattr(desktop.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(desktop.subprocess, "Popen", lambda args, **kw: calls.append((args, kw)))
    assert desktop.open_path(tmp_path) == ""
    assert calls[0][0] == ["/usr/bin/xdg-open", str(tmp_path)] and calls[0][1]["start_new_session"]


def test_open_path_says_what_is_wrong(tmp_path, monkeypatch):
    assert "找不到" in desktop.open_path(tmp_path / "没有.xlsx")
    monkeypatch.setattr(desktop.sys, "platform", "linux")
    monkeypatch.setattr(desktop.os, "name", "posix")
    monkeypatch.setattr(desktop.shutil, "which", lambda name: None)
    assert "xdg-open" in desktop.open_path(tmp_path)

    def refuse(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(desktop.shutil, "which", lambda name: "/usr/bin/xdg-open")
    monkeypatch.setattr(desktop.subprocess, "Popen", refuse)
    assert "无法打开" in desktop.open_path(tmp_path)


def test_gbk_console_and_a_path_with_chinese_and_spaces(tmp_path):
    db = tmp_path / "村务 数据" / "青山村 2026.db"
    env = {
        **os.environ,
        "PYTHONIOENCODING": "gbk",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "d"),
        "XDG_STATE_HOME": str(tmp_path / "s"),
        "XDG_CACHE_HOME": str(tmp_path / "c"),
    }
    env.pop("CUNWU_DB", None)
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "cunwu_tui", *a],
        capture_output=True,
        env=env,
        timeout=180,
    )
    out = run("demo", "--db", str(db))
    assert out.returncode == 0, out.stderr.decode("gbk", "replace")
    # 𠮷 is not in GBK: replaced on the console, never a UnicodeEncodeError
    out = run("lookup", "--db", str(db), "𠮷")
    assert out.returncode == 1 and "Traceback" not in out.stderr.decode("gbk")
    assert "没有找到与「?」相关的事项" in out.stderr.decode("gbk")
    out = run("lookup", "--db", str(db), "低保")
    assert out.returncode == 0 and "最低生活保障" in out.stdout.decode("gbk")


@pytest.mark.parametrize("platform", ["win32", "linux"])
def test_export_names_are_valid_on_windows(platform, monkeypatch):
    from cunwu_tui.ledgers.engine import Period
    from cunwu_tui.ledgers.naming import ledger_filename

    monkeypatch.setattr(sys, "platform", platform)
    name = ledger_filename('青山村:"一组"/二组?', "用印登记台账*", Period(2026, 11))
    assert not set(name) & set('<>:"/\\|?*') and name.endswith("_2026-11.xlsx")
