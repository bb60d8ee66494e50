"""Import hygiene (issue #17): no module takes another module's private
names, and the import contracts in pyproject.toml hold.

A name that starts with ``_`` belongs to its module. Another module of the
app that needs it gets a public name, or the helper moves to where both can
import it (ui/widgets.py for the screens' text helpers, services/demo_base.py
for the demo's shared parts). Imports inside functions count as well."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "cunwu_tui"


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def private_uses(source: str, me: str, is_package: bool, modules: set[str]) -> list[tuple[int, str]]:
    """(line, what) for every private name of another app module that
    module ``me`` imports or reads as ``module._name``."""
    tree = ast.parse(source)
    package = me if is_package else me.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    bound: dict[str, str] = {}  # local name -> the app module it stands for

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            if origin != PACKAGE and not origin.startswith(PACKAGE + "."):
                continue
            for alias in node.names:
                full = f"{origin}.{alias.name}"
                if full in modules:
                    bound[alias.asname or alias.name] = full
                if is_private(alias.name) and origin != me:
                    found.append((node.lineno, f"from {origin} import {alias.name}"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        bound[PACKAGE] = PACKAGE

    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain: list[str] = []
        value: ast.expr = node
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if not isinstance(value, ast.Name) or value.id not in bound:
            continue
        chain.reverse()  # a.b.c._x -> [b, c, _x] after the name a
        target = bound[value.id]
        for attr in chain[:-1]:
            if f"{target}.{attr}" not in modules:
                break
            target = f"{target}.{attr}"
        else:
            if is_private(chain[-1]) and target != me:
                found.append((node.lineno, f"{target}.{chain[-1]}"))
    return found


def app_modules(src: Path) -> dict[str, Path]:
    return {module_name(p, src): p for p in sorted((src / PACKAGE).rglob("*.py"))}


def test_no_private_names_across_modules():
    modules = app_modules(SRC)
    assert len(modules) > 50
    names = set(modules)
    problems = []
    for me, path in modules.items():
        for line, what in private_uses(path.read_text(encoding="utf-8"), me, path.name == "__init__.py", names):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not problems, "private names used across modules:\n" + "\n".join(problems)


def test_the_check_sees_what_it_should():
    modules = {"cunwu_tui", "cunwu_tui.a", "cunwu_tui.a.b", "cunwu_tui.c", "cunwu_tui.ui", "cunwu_tui.ui.x"}
    source = (
        "import cunwu_tui.a.b\n"
        "import cunwu_tui.c as c\n"
        "from cunwu_tui.a import b\n"
        "from . import x\n"
        "from cunwu_tui.a.b import _hidden, public\n"
        "def f():\n"
        "    from cunwu_tui.c import _lazy\n"
        "    return cunwu_tui.a.b._deep, c._alias, b._bound, x._relative, c.public, c.__doc__, b.obj._attr\n"
    )
    found = sorted(what for _, what in private_uses(source, "cunwu_tui.ui.y", False, modules))
    assert found == sorted(
        [
            "from cunwu_tui.a.b import _hidden",
            "from cunwu_tui.c import _lazy",
            "cunwu_tui.a.b._deep",
            "cunwu_tui.c._alias",
            "cunwu_tui.a.b._bound",
            "cunwu_tui.ui.x._relative",
        ]
    )
    # a module's own private names are its own business
    assert (
        private_uses("import cunwu_tui.c as me\nme._own\nfrom cunwu_tui.c import _x\n", "cunwu_tui.c", False, modules)
        == []
    )


def test_import_contracts_hold():
    """The contracts of [tool.importlinter] (pyproject.toml): layers, no
    database or screen libraries in domain and ledgers, no cycles. .ci/run
    runs lint-imports as well; this keeps the README's test command whole."""
    pytest.importorskip("importlinter")
    exe = Path(sys.executable).with_name("lint-imports")
    command = str(exe) if exe.exists() else shutil.which("lint-imports")
    if command is None:
        pytest.skip("lint-imports is not on PATH")
    done = subprocess.run(
        [command, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
