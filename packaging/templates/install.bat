@echo off
rem 村务通 离线安装（Windows 10/11）。build_bundle.py writes this file in GBK with CRLF.
rem Makes a virtual environment with the Python already on the PC and installs
rem from the wheels beside this file, without the internet. Run it again with
rem a newer bundle to upgrade: the database stays in %LOCALAPPDATA%\cunwu-tui.
setlocal EnableExtensions
set "HERE=%~dp0"
set "PREFIX=%LOCALAPPDATA%\cunwu-tui\app"
set "PY="

rem The py launcher first (python.org installs it), newest Python first.
for %%V in (3.13 3.12 3.11 3.10) do (
    if not defined PY (
        py -%%V -c "import sys" >nul 2>&1 && set "PY=py -%%V"
    )
)
rem Then python on PATH (not the Microsoft Store placeholder: it fails this check).
if not defined PY (
    python -c "import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)" >nul 2>&1 && set "PY=python"
)
if not defined PY (
    echo 没有找到 Python 3.10 或更新版本。
    echo 请先安装 Python：本安装包中如有 python-3.x-amd64.exe，双击安装，并勾选“Add python.exe to PATH”；
    echo 否则请到 https://www.python.org/downloads/windows/ 下载 Windows installer 64-bit（可请乡镇信息员用U盘带来）。
    echo 装好后再双击本文件。Windows 7 不能运行本软件。
    pause
    exit /b 1
)

echo 正在安装到 %PREFIX% ...
if not exist "%PREFIX%\venv\Scripts\python.exe" (
    %PY% -m venv "%PREFIX%\venv"
    if errorlevel 1 (
        echo 无法创建运行环境（venv）。请确认 Python 安装完整后重试。
        pause
        exit /b 1
    )
)
rem With the PostgreSQL driver (psycopg, for a service hall's shared database;
rem loaded only when the database is a server); without it if the bundle has
rem no psycopg wheel for this Python (pip's complaint kept back: the plain
rem install shows its own if it fails too).
"%PREFIX%\venv\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%wheels" --upgrade --quiet "cunwu-tui[postgres]" 2>nul
if not errorlevel 1 goto installed
"%PREFIX%\venv\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%wheels" --upgrade --quiet cunwu-tui
if errorlevel 1 (
    echo 安装失败：本安装包里没有适合这台电脑的 Python 版本的文件，请看 BUNDLE.txt。
    pause
    exit /b 1
)
echo （本安装包中没有适合这台电脑的 PostgreSQL 驱动，只能使用本机的数据库文件。）

:installed
rem The launcher: Windows Terminal when there is one, else the console.
copy /y "%HERE%cunwu.bat" "%PREFIX%\cunwu.bat" >nul

rem A shortcut on the desktop.
powershell -NoProfile -ExecutionPolicy Bypass -Command "$s = (New-Object -ComObject WScript.Shell).CreateShortcut([Environment]::GetFolderPath('Desktop') + '\村务通.lnk'); $s.TargetPath = '%PREFIX%\cunwu.bat'; $s.WorkingDirectory = '%USERPROFILE%'; $s.Description = '村务通'; $s.Save()" >nul 2>&1

"%PREFIX%\venv\Scripts\cunwu.exe" --version
echo 安装完成。双击桌面上的“村务通”打开。
echo 想先看看示例：在本文件夹打开命令提示符，输入 "%PREFIX%\venv\Scripts\cunwu.exe" demo --db 示例.db
pause
