#!/usr/bin/env bash
# CI's proof of the offline bundle: build it (which fails if any dependency,
# the [postgres] extra's included, lacks a wheel for Windows or x86_64 Linux
# on CPython 3.10-3.13), install the Linux half into a fresh prefix without
# the network index (with the PostgreSQL driver), use it, then install it
# again as an upgrade and check the data is still there.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# has TEXT CMD...: CMD's output contains TEXT (no pipe into grep -q: with
# pipefail, a writer cut off by grep's early exit would fail the check)
has() {
    local want=$1 out; shift
    out=$("$@") || { echo "bundle check: failed: $*" >&2; return 1; }
    [[ "$out" == *"$want"* ]] || { echo "bundle check: no '$want' from: $*" >&2; printf '%s\n' "$out" | head -20 >&2; return 1; }
}

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
has install.sh python -m zipfile -l "$work"/dist/cunwu-tui-*-offline.zip
# the PostgreSQL driver (issue #20) for every required platform and Python,
# with tzdata for Windows (psycopg's win32-only requirement, which pip
# download would leave out)
python - "$bundle" <<'PY'
import sys, pathlib
b = pathlib.Path(sys.argv[1])
names = [p.name for p in (b / "wheels").glob("*.whl")]
text = (b / "BUNDLE.txt").read_text(encoding="utf-8")
assert "psycopg" in text and any(n.startswith("psycopg-") for n in names), "no psycopg in the bundle"
for py in ("310", "311", "312", "313"):
    for plat in ("win_amd64", "x86_64"):
        assert any(n.startswith(f"psycopg_binary-") and f"-cp{py}-" in n and plat in n for n in names), (py, plat)
assert any(n.startswith("tzdata-") for n in names), "no tzdata for psycopg on Windows"
PY

export HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_STATE_HOME="$work/home/state" \
       XDG_CACHE_HOME="$work/home/cache" XDG_CONFIG_HOME="$work/home/config"
mkdir -p "$HOME/Desktop"
unset CUNWU_DB
# pip must not reach any index: only the bundle's wheels
PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null sh "$bundle/install.sh" --prefix "$work/app"
test -x "$HOME/.local/bin/cunwu" && test -f "$HOME/Desktop/村务通.desktop"
# installed with the [postgres] extra: the driver imports (its libpq included)
"$work/app/venv/bin/python" -c "import psycopg; assert psycopg.pq.__impl__ == 'binary', psycopg.pq.__impl__; psycopg.pq.version()"
has "用法：cunwu" "$HOME/.local/bin/cunwu" --help
has "青山村" "$HOME/.local/bin/cunwu" demo --db "$work/村务 数据/示例.db"

# An office database from an older release (schema at 0003, with its data).
old="$work/旧版/cunwu.db"
mkdir -p "$(dirname "$old")"
"$work/app/venv/bin/python" - "$old" <<'PY'
import sqlite3, sys
from cunwu_tui.db.engine import make_engine, upgrade
upgrade(make_engine("sqlite:///" + sys.argv[1]), "0003")
con = sqlite3.connect(sys.argv[1])
con.execute("INSERT INTO staff (name, phone, roles, active, created_at) "
            "VALUES ('赵丽', '13903510004', '文书', 1, '2025-01-02 09:00:00')")
con.commit()
PY

# Upgrade with a newer bundle: the same project with a higher version.
newer="$work/newer"
mkdir -p "$newer"
git ls-files -z | xargs -0 cp --parents -t "$newer"
sed -i 's/^__version__ = "\(.*\)"/__version__ = "\1.post1"/' "$newer/src/cunwu_tui/__init__.py"
py=$(python -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
python packaging/build_bundle.py --source "$newer" --out "$work/dist2" --python "$py" --target linux_x86_64
PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null sh "$work"/dist2/cunwu-tui-*-offline/install.sh --prefix "$work/app" --no-desktop
has post1 "$HOME/.local/bin/cunwu" --version
# the demo village is still there, and the old database migrates on first start, backed up first
has "最低生活保障" "$HOME/.local/bin/cunwu" lookup --db "$work/村务 数据/示例.db" 低保
"$HOME/.local/bin/cunwu" duty --db "$work/村务 数据/示例.db" >/dev/null
has "数据库已升级" "$HOME/.local/bin/cunwu" lookup --db "$old" 低保
# the copy before the upgrade is in the managed backup folder: <stem>_备份/<stem>_升级前_<time>.db
has "_升级前_" ls -R "$(dirname "$old")"
"$work/app/venv/bin/python" - "$old" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
assert con.execute("SELECT name FROM staff").fetchall() == [("赵丽",)], "staff lost in the upgrade"
from cunwu_tui.db.engine import head_revisions
got = {r for (r,) in con.execute("SELECT version_num FROM alembic_version")}
assert got == set(head_revisions()), f"not migrated to every head: {sorted(got)}"
PY
echo "bundle check: passed"
