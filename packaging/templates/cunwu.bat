@echo off
rem 村务通 launcher, copied beside the venv by install.bat: Windows Terminal
rem when the PC has it (better fonts and colours), else this console in UTF-8.
chcp 65001 >nul
where wt >nul 2>&1
if not errorlevel 1 (
    start "" wt -w new "%~dp0venv\Scripts\cunwu.exe" %*
    exit /b
)
"%~dp0venv\Scripts\cunwu.exe" %*
