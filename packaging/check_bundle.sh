#!/usr/bin/env bash
# CI's proof of the offline bundle: build it (which fails if any dependency
# lacks a wheel for Windows or x86_64 Linux on CPython 3.10-3.13), install
# the Linux half into a fresh prefix without the network index, use it, then
# install it again as an upgrade and check the data is still there.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python packaging/build_bundle.py --out "$work/dist"
bundle=$(ls -d "$work"/dist/cunwu-tui-*-offline)
test -f "$bundle/install.bat" && test -f "$bundle/cunwu.bat" && test -f "$bundle/安装说明.txt"
python - "$bundle" <<'PY'
import sys, pathlib
b = pathlib.Path(sys.argv[1])
bat = (b / "install.bat").read_bytes()
assert b"\r\n" in bat and "村务通".encode("gbk") in bat, "install.bat must be GBK with CRLF"
assert (b / "安装说明.txt").read_bytes().startswith(b"\xef\xbb\xbf"), "the note needs its BOM for Notepad"
PY
python -m zipfile -l "$work"/dist/cunwu-tui-*-offline.zip | grep -q "install.sh"

export HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_STATE_HOME="$work/home/state" \
       XDG_CACHE_HOME="$work/home/cache" XDG_CONFIG_HOME="$work/home/config"
mkdir -p "$HOME/Desktop"
unset CUNWU_DB
# pip must not reach any index: only the bundle's wheels
PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null sh "$bundle/install.sh" --prefix "$work/app"
test -x "$HOME/.local/bin/cunwu" && test -f "$HOME/Desktop/村务通.desktop"
"$HOME/.local/bin/cunwu" --help | grep -q "用法：cunwu"
"$HOME/.local/bin/cunwu" demo --db "$work/村务 数据/示例.db" | grep -q "青山村"

# upgrade: the same bundle again (a newer one works the same way)
PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null sh "$bundle/install.sh" --prefix "$work/app" --no-desktop
"$HOME/.local/bin/cunwu" lookup --db "$work/村务 数据/示例.db" 低保 | grep -q "最低生活保障"
"$HOME/.local/bin/cunwu" duty --db "$work/村务 数据/示例.db" >/dev/null
echo "bundle check: passed"
