"""Build the offline bundle (离线安装包) for an office PC without internet.

    python packaging/build_bundle.py [--out dist] [--python 3.10 3.11 3.12 3.13]
                                     [--windows-python-installer python-3.12.x-amd64.exe]

writes ``dist/cunwu-tui-<version>-offline/`` and a zip of it:

    wheels/            the project's wheel and every dependency as wheels for
                       win_amd64, manylinux x86_64 and (where wheels exist)
                       manylinux aarch64, CPython 3.10 to 3.13, the
                       [postgres] extra's (psycopg, issue #20) included
    install.bat        Windows: makes a virtual environment with the Python
                       already on the PC and installs with --no-index
    install.sh         Linux (统信 UOS, 麒麟): the same
    安装说明.txt        how to install, in Chinese
    BUNDLE.txt         what the wheelhouse holds, per platform and Python

Only pip is used (``pip wheel`` and ``pip download --only-binary=:all:``):
a missing wheel for Windows or x86_64 Linux fails the build, which is how CI
proves the wheelhouse complete. aarch64 is best effort and says so (with the
PostgreSQL driver, else without it, else not at all).

The installers install the [postgres] extra too, without asking: psycopg is
imported only when the database is a PostgreSQL server (db/engine.py), so a
single PC never loads it; it costs about 4 MB of wheels per platform and
Python in the bundle and 13 MB on the PC, and spares a service hall a second
step. Where the bundle has no psycopg wheel for the PC, they install without it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "templates"
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
# Wheels that run on the PC: Windows 64-bit; Linux with glibc 2.17 to 2.28
# (统信 UOS 20 and 麒麟 V10 ship glibc 2.28).
TARGETS: dict[str, tuple[tuple[str, ...], bool]] = {
    "win_amd64": (("win_amd64",), True),
    "linux_x86_64": (
        (
            "manylinux_2_28_x86_64",
            "manylinux_2_17_x86_64",
            "manylinux2014_x86_64",
            "manylinux_2_5_x86_64",
            "manylinux1_x86_64",
        ),
        True,
    ),
    "linux_aarch64": (("manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"), False),
}
# The extra the installers install with the project (see above).
EXTRA = "postgres"
# Requirements the project's wheels need on a target but that pip download
# leaves out: it evaluates environment markers against the machine building
# the bundle, not the --platform asked for. psycopg needs tzdata on Windows
# (``tzdata; sys_platform == "win32"``: Windows has no time zone database).
MARKER_ONLY: dict[str, tuple[str, ...]] = {"win_amd64": ("tzdata",)}


def version(root: Path = ROOT) -> str:
    text = (root / "src" / "cunwu_tui" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    assert m, "no __version__"
    return m.group(1)


def run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def build(
    out: Path,
    pythons: tuple[str, ...],
    installer: Path | None = None,
    targets: tuple[str, ...] = tuple(TARGETS),
    root: Path = ROOT,
) -> Path:
    name = f"cunwu-tui-{version(root)}-offline"
    folder = out / name
    if folder.exists():
        shutil.rmtree(folder)
    wheels = folder / "wheels"
    wheels.mkdir(parents=True)
    pip = [sys.executable, "-m", "pip"]
    run(pip + ["wheel", "--no-deps", "--wheel-dir", str(wheels), str(root)])
    project = next(wheels.glob("cunwu_tui-*.whl"))
    report = [
        f"村务通 {version(root)} 离线安装包",
        f"项目：{project.name}",
        "安装时一并装上 PostgreSQL 驱动 psycopg（服务大厅几台电脑共用一个数据库时用；单机用不到，也不影响）。",
        "",
    ]
    for target in targets:
        platforms, required = TARGETS[target]
        for py in pythons:
            cmd = pip + [
                "download",
                "--only-binary=:all:",
                "--implementation",
                "cp",
                "--python-version",
                py,
                "--dest",
                str(wheels),
                "--quiet",
            ]
            for p in platforms:
                cmd += ["--platform", p]
            extras = list(MARKER_ONLY.get(target, ()))
            try:
                run(cmd + [f"{project}[{EXTRA}]", *extras])
            except subprocess.CalledProcessError:
                if required:
                    raise SystemExit(f"no complete set of wheels for {target} CPython {py}: see pip's message above")
            else:
                report.append(f"{target} CPython {py}: 完整（含 PostgreSQL 驱动 psycopg）")
                continue
            try:  # best effort: the project alone
                run(cmd + [str(project)])
            except subprocess.CalledProcessError:
                report.append(f"{target} CPython {py}: 缺少部分依赖的二进制包，此平台不能离线安装")
                continue
            report.append(f"{target} CPython {py}: 完整，但没有 PostgreSQL 驱动（只能使用本机数据库文件）")
    shutil.copy2(TEMPLATES / "install.sh", folder / "install.sh")
    (folder / "install.sh").chmod(0o755)
    for template in ("install.bat", "cunwu.bat", "安装说明.txt"):
        text = (TEMPLATES / template).read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
        # cmd.exe reads a batch file in the console's code page: GBK (936) on
        # a Chinese Windows; Notepad reads the note as UTF-8 with its BOM.
        # CRLF line ends for both.
        data = text.encode("gbk") if template.endswith(".bat") else "\ufeff".encode("utf-8") + text.encode("utf-8")
        (folder / template).write_bytes(data)
    if installer is not None:
        shutil.copy2(installer, folder / installer.name)
        report.append(f"附带 Windows 版 Python 安装程序：{installer.name}")
    report += ["", "wheels/ 中的文件："] + sorted(p.name for p in wheels.glob("*.whl"))
    (folder / "BUNDLE.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    archive = out / f"{name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*")):
            info = zipfile.ZipInfo.from_file(f, f.relative_to(out).as_posix())
            info.flag_bits |= 0x800  # UTF-8 names: 安装说明.txt stays readable in Windows' unzip
            if f.is_file():
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, f.read_bytes())
    print(f"bundle: {folder}\narchive: {archive}")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the offline bundle of cunwu-tui.")
    parser.add_argument("--out", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    parser.add_argument("--python", nargs="+", default=list(PYTHONS), help="CPython versions (default: 3.10-3.13)")
    parser.add_argument(
        "--windows-python-installer",
        type=Path,
        default=None,
        help="a python.org Windows installer to ship alongside (optional)",
    )
    parser.add_argument(
        "--target", nargs="+", choices=list(TARGETS), default=list(TARGETS), help="platforms (default: all)"
    )
    parser.add_argument("--source", type=Path, default=ROOT, help="the project to bundle (default: this checkout)")
    args = parser.parse_args(argv)
    build(Path(args.out), tuple(args.python), args.windows_python_installer, tuple(args.target), args.source.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
