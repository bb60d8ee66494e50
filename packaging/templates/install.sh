#!/bin/sh
# 村务通 离线安装（Linux：统信 UOS、麒麟 Kylin 等）。
# Makes a virtual environment with the Python already on the PC and installs
# from the wheels beside this script, without the internet. Run it again with
# a newer bundle to upgrade: the database and settings stay where they are
# (the user data folder) and are migrated the first time the new version opens.
#
#   sh install.sh [--prefix 目录] [--python 解释器] [--no-desktop]
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX="${CUNWU_HOME:-$HOME/.local/share/cunwu-tui/app}"
PY=""
DESKTOP=1
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX="$2"; shift 2 ;;
        --python) PY="$2"; shift 2 ;;
        --no-desktop) DESKTOP=0; shift ;;
        *) echo "不认识的参数：$1（可用：--prefix 目录、--python 解释器、--no-desktop）" >&2; exit 2 ;;
    esac
done

good_python() {
    "$1" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 10) else 1)' >/dev/null 2>&1
}

if [ -z "$PY" ]; then
    for c in python3.13 python3.12 python3.11 python3.10 python3; do
        if command -v "$c" >/dev/null 2>&1 && good_python "$c"; then PY=$(command -v "$c"); break; fi
    done
fi
if [ -z "$PY" ] || ! good_python "$PY"; then
    echo "没有找到可用的 Python 3.10 或更新版本（需要带 venv 模块）。" >&2
    echo "统信 UOS、麒麟、Debian、Ubuntu：请在应用商店或终端中安装 python3 和 python3-venv，" >&2
    echo "  例如：sudo apt install python3 python3-venv（没有网络时，可请乡镇信息员用U盘带来安装包）；" >&2
    echo "其他系统：到 https://www.python.org/downloads/ 下载 3.10 或更新版本。装好后再运行本脚本。" >&2
    exit 1
fi

echo "使用 $("$PY" --version 2>&1)（$PY）安装到 $PREFIX"
mkdir -p "$PREFIX"
if [ ! -x "$PREFIX/venv/bin/python" ]; then
    "$PY" -m venv "$PREFIX/venv"
fi
pip_install() {
    "$PREFIX/venv/bin/python" -m pip install --no-index --find-links "$HERE/wheels" --upgrade --quiet "$@"
}
# With the PostgreSQL driver (psycopg, for a service hall's shared database;
# loaded only when the database is a server). Where the bundle has no psycopg
# wheel for this PC (ARM, see BUNDLE.txt), without it: pip's complaint is
# kept back, and the plain install shows its own if it fails too.
if ! pip_install "cunwu-tui[postgres]" 2>/dev/null; then
    pip_install cunwu-tui
    echo "（本安装包中没有适合这台电脑的 PostgreSQL 驱动，只能使用本机的数据库文件。）"
fi

# Launcher: ~/.local/bin/cunwu, and a desktop entry that opens a terminal.
mkdir -p "$HOME/.local/bin"
cat > "$HOME/.local/bin/cunwu" <<EOF
#!/bin/sh
exec "$PREFIX/venv/bin/cunwu" "\$@"
EOF
chmod 755 "$HOME/.local/bin/cunwu"

if [ "$DESKTOP" = 1 ]; then
    apps="$HOME/.local/share/applications"
    mkdir -p "$apps"
    cat > "$apps/cunwu-tui.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=村务通
Comment=村(社区)委会办公室：受理登记、用印、值班、公示、台账
Exec=$PREFIX/venv/bin/cunwu
Terminal=true
Categories=Office;
EOF
    desk=""
    if command -v xdg-user-dir >/dev/null 2>&1; then desk=$(xdg-user-dir DESKTOP 2>/dev/null || true); fi
    for d in "$desk" "$HOME/桌面" "$HOME/Desktop"; do
        if [ -n "$d" ] && [ -d "$d" ]; then
            cp "$apps/cunwu-tui.desktop" "$d/村务通.desktop"
            chmod 755 "$d/村务通.desktop"
            break
        fi
    done
fi

"$PREFIX/venv/bin/cunwu" --version
echo "安装完成。打开方式：桌面上的“村务通”，或在终端中输入 cunwu（如提示找不到命令，请输入 $HOME/.local/bin/cunwu）。"
echo "想先看看示例：cunwu demo --db 示例.db && cunwu --db 示例.db"
