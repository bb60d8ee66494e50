"""Backups (备份) and restore (恢复): `cunwu backup`, `cunwu restore`, F9 备份 and
the daily automatic backup all go through here.

A backup is a consistent copy made with SQLite's online backup API while
other windows may be writing (db/engine.py ``snapshot``), checked with
``PRAGMA integrity_check``, written under a temporary name, fsynced and
renamed, named ``〈村名〉_备份_20261202-180512.db``, with a manifest beside
it (``….json``: app version, schema revisions, row counts per table, the
seal register's chain head, sha256 of the file).

The managed folder (``cunwu_备份`` beside ``cunwu.db``) holds the automatic
backups (``〈村名〉_自动备份_….db``: 7 daily + 12 monthly by default, the
oldest pruned first), the copies made before a migration (``升级前``) and
before a restore (``恢复前``), and ``status.json`` (the last good backup and
the last failure, for the 工作台). Backups to another place (a USB stick)
are never pruned.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cunwu_tui import __version__
from cunwu_tui.errors import ValidationError
from cunwu_tui.paths import backup_dir_for, is_postgres_url, make_private, private_mkdir, sqlite_file

if TYPE_CHECKING:
    from cunwu_tui.services.core import Core
    from cunwu_tui.services.settings import SettingsService

log = logging.getLogger("cunwu.backup")

# Settings (in the database, so a restored backup carries them too).
BACKUP_DIR = "backup.dir"
KEEP_DAILY = "backup.keep_daily"
KEEP_MONTHLY = "backup.keep_monthly"
WARN_DAYS = "backup.warn_days"
BACKUP_NOW = "backup_now"  # the action a warning asks for: a backup to the remembered place (a stick)
BACKUP_NOW_WORDS = "请在设置的备份页立即备份。"
DEFAULTS = {KEEP_DAILY: 7, KEEP_MONTHLY: 12, WARN_DAYS: 7}

MANUAL, AUTO = "备份", "自动备份"
STATUS_FILE = "status.json"
MANIFEST_FORMAT = "cunwu-backup/1"
SQLITE_HEADER = b"SQLite format 3\x00"


# What the restore question shows: the registers a clerk recognises, the
# kernel's around the features' (cunwu_tui/feature.py Feature.counted).
def shown_registers() -> tuple[tuple[str, str], ...]:
    from cunwu_tui.feature import counted_tables

    return (("staff", "人员"), *counted_tables().items(), ("audit_log", "操作日志"))


_AUTO_NAME = re.compile(r"_自动备份_(\d{8})-(\d{6})(?:-\d+)?\.db$")


class BackupError(Exception):
    """A backup or restore that did not happen; str() is Chinese and says why.
    Nothing was changed."""


# -- plain values -------------------------------------------------------------
@dataclass(frozen=True)
class BackupSettings:
    dir: str  # where 立即备份 writes ("" = the managed folder)
    managed_dir: str  # the managed folder (automatic backups)
    keep_daily: int
    keep_monthly: int
    warn_days: int


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Path
    at: datetime
    kind: str
    sha256: str
    size: int
    counts: dict[str, int]
    pruned: tuple[Path, ...] = ()


@dataclass(frozen=True)
class BackupStatus:
    last_ok_at: datetime | None
    last_ok_path: str
    last_error_at: datetime | None
    last_error: str
    warning: str  # "" when all is well: what the 工作台 says otherwise, in words
    last_manual_at: datetime | None = None  # the last 立即备份 / `cunwu backup` (to a stick)
    last_manual_path: str = ""
    last_auto_at: datetime | None = None
    last_auto_path: str = ""
    # when the warning asks for a backup to a stick: what is wrong (without
    # the remedy) and the action that helps, for a screen to name its keys
    warning_fact: str = ""
    warning_action: str = ""  # BACKUP_NOW or ""
    on_server: bool = False  # a PostgreSQL server's database: backed up there (SERVER_BACKUP_LINE)

    @property
    def line(self) -> str:
        if self.on_server:
            return SERVER_BACKUP_LINE
        if self.last_ok_at is None:
            return "还没有备份。"
        return f"上次备份：{self.last_ok_at:%Y-%m-%d %H:%M}　{self.last_ok_path}"

    @property
    def lines(self) -> list[str]:
        """For the 工作台: the last backup to a stick and the last automatic one."""
        out = []
        if self.on_server:
            return [SERVER_BACKUP_LINE]
        if self.last_manual_at is not None:
            out.append(f"上次备份到U盘等：{self.last_manual_at:%Y-%m-%d %H:%M}　{self.last_manual_path}")
        if self.last_auto_at is not None:
            out.append(f"上次自动备份：{self.last_auto_at:%Y-%m-%d %H:%M}　{self.last_auto_path}")
        return out or ["还没有备份。"]


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds (checked: header, integrity, revision,
    manifest hash)."""

    path: Path
    size: int
    sha256: str
    revisions: tuple[str, ...]
    needs_upgrade: bool
    village: str
    township: str
    first_at: datetime | None
    last_at: datetime | None
    counts: dict[str, int]
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def period_text(self) -> str:
        if self.first_at is None or self.last_at is None:
            return "没有操作记录"
        return f"{self.first_at:%Y-%m-%d} 至 {self.last_at:%Y-%m-%d %H:%M}"

    def summary(self) -> str:
        made = self.manifest.get("created_at", "")
        lines = [
            f"文件：{self.path}",
            f"村(社区)：{self.village or '未填写'}" + (f"（{self.township}）" if self.township else ""),
            f"记录时间：{self.period_text}",
        ]
        if made:
            lines.append(f"备份时间：{made.replace('T', ' ')[:16]}")
        lines.append("内容：" + "，".join(f"{label}{self.counts.get(t, 0)}条" for t, label in shown_registers()))
        if self.needs_upgrade:
            lines.append("这是旧版本的备份，恢复后自动升级。")
        return "\n".join(lines)


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    set_aside: Path | None  # the database that was there before, or None


# -- helpers --------------------------------------------------------------------
def _reason(exc: BaseException) -> str:
    from cunwu_tui.ledgers.naming import os_reason

    if isinstance(exc, OSError):
        return os_reason(exc)
    text = str(exc).lower()
    if "full" in text:
        return "磁盘空间不足"
    if "readonly" in text or "read-only" in text:
        return "磁盘是只读的（U盘可能开了写保护）"
    if "unable to open" in text:
        return "无法在这里新建文件（没有写入权限，或位置不存在）"
    return type(exc).__name__


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_only(path: Path) -> sqlite3.Connection:
    """Open a backup without writing a byte (a stick may be read-only)."""
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro&immutable=1", uri=True)


def _tables(con: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def _counts(con: sqlite3.Connection) -> dict[str, int]:
    return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _tables(con) if t != "alembic_version"}


def _setting(con: sqlite3.Connection, key: str) -> str:
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return ""
    return row[0] if row else ""


def _moment(raw: object) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.fromisoformat(str(raw).replace(" ", "T")[:19])
    except ValueError:
        return None


def _chain_head(con: sqlite3.Connection) -> dict[str, Any]:
    """The seal register's last link (position, hash), for the manifest."""
    best = (0, "")
    for table in ("seal_use", "seal_void"):
        try:
            row = con.execute(f"SELECT chain_seq, hash FROM {table} ORDER BY chain_seq DESC LIMIT 1").fetchone()
        except sqlite3.Error:
            continue
        if row and row[0] > best[0]:
            best = (int(row[0]), str(row[1]))
    return {"position": best[0], "hash": best[1]}


def _evidence_heads(con: sqlite3.Connection) -> dict[str, Any]:
    """Every register's chain head {register: [links, hash]} (services/
    evidence.py): ``cunwu verify --against 备份.json`` checks a database
    against it later. Empty for a copy without the chain."""
    from cunwu_tui.domain.evidence import GENESIS, registers

    out = {}
    for register in registers():
        try:
            row = con.execute(
                "SELECT seq, hash FROM evidence_link WHERE register_name = ? ORDER BY seq DESC LIMIT 1", (register,)
            ).fetchone()
        except sqlite3.Error:
            return {}
        out[register] = [int(row[0]), str(row[1])] if row else [0, GENESIS]
    return out


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomically: a temporary file beside ``path``, fsync, rename."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def _safe_name(text: str) -> str:
    from cunwu_tui.ledgers.naming import safe_filename

    return safe_filename((text or "").strip()[:40], fallback="村务通")


def _destination(raw: str) -> Path:
    """The folder to write into: created if only the last part is missing;
    ValidationError (field ``dir``) if it is missing, not a folder, read-only
    or full."""
    folder = Path(os.path.expandvars(raw.strip())).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ValidationError({"dir": f"{folder} 是一个文件，不是文件夹，请换一个备份位置。"})
    if not folder.exists():
        if not folder.parent.exists() or folder.parent == folder:
            raise ValidationError({"dir": f"备份位置 {folder} 不存在（U盘是否插好？），请插好U盘或换一个位置。"})
        try:
            private_mkdir(folder)
        except OSError as exc:
            raise ValidationError({"dir": f"无法在 {folder.parent} 中新建备份文件夹：{_reason(exc)}。"}) from exc
    return folder


def write_backup(
    db_path: Path, folder: Path, village: str, kind: str = MANUAL, now: datetime | None = None
) -> BackupResult:
    """One checked backup of ``db_path`` into ``folder`` (which exists) with
    its manifest. Raises ValidationError (``dir``: the folder is read-only or
    full) or BackupError (the database itself failed the check); nothing is
    left behind either way."""
    from cunwu_tui.db.engine import SnapshotCheckFailed, snapshot

    now = now or datetime.now()
    if not db_path.exists():
        raise BackupError(f"找不到数据库文件：{db_path}")
    needed = sum(p.stat().st_size for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists())
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    if free is not None and free < needed + (1 << 20):
        raise ValidationError(
            {
                "dir": f"备份位置 {folder} 空间不足：需要约 {needed // (1 << 20) + 1} MB，"
                f"只剩 {free // (1 << 20)} MB。请清理U盘或换一个位置。"
            }
        )
    stem = f"{_safe_name(village)}_{kind}_{now:%Y%m%d-%H%M%S}"
    target = folder / f"{stem}.db"
    n = 2
    while target.exists() or target.with_suffix(".json").exists():
        target = folder / f"{stem}-{n}.db"
        n += 1
    try:
        snapshot(db_path, target)
    except SnapshotCheckFailed as exc:
        log.error("database failed the integrity check during backup: %s", exc)
        raise BackupError("数据库自检未通过（文件可能已损坏），没有生成备份。请保留现有的备份，不要覆盖。") from exc
    except (OSError, sqlite3.Error) as exc:
        log.warning("backup to %s failed: %r", folder, exc)
        raise ValidationError({"dir": f"无法写入备份位置 {folder}：{_reason(exc)}。没有留下不完整的文件。"}) from exc
    manifest_path = target.with_suffix(".json")
    try:
        con = _read_only(target)
        try:
            counts = _counts(con)
            revisions = sorted(r[0] for r in con.execute("SELECT version_num FROM alembic_version"))
            head = _chain_head(con)
            evidence = _evidence_heads(con)
            first, last = con.execute("SELECT MIN(at), MAX(at) FROM audit_log").fetchone()
            township = _setting(con, "profile.township")
        finally:
            con.close()
        size = target.stat().st_size
        digest = sha256_of(target)
        manifest = {
            "format": MANIFEST_FORMAT,
            "app": "cunwu-tui",
            "app_version": __version__,
            "created_at": now.isoformat(timespec="seconds"),
            "kind": kind,
            "village": village,
            "township": township,
            "database": db_path.name,
            "file": target.name,
            "size": size,
            "sha256": digest,
            "schema_revisions": revisions,
            "tables": counts,
            "period": {"first": first, "last": last},
            "seal_chain_head": head,
            "evidence": evidence,
        }
        _write_json(manifest_path, manifest)
    except BaseException as exc:
        for p in (target, manifest_path):
            try:
                os.remove(p)
            except OSError:
                pass
        if isinstance(exc, (OSError, sqlite3.Error)):
            raise ValidationError(
                {"dir": f"无法写入备份位置 {folder}：{_reason(exc)}。没有留下不完整的文件。"}
            ) from exc
        raise
    return BackupResult(target, manifest_path, now, kind, digest, size, counts)


def prune(folder: Path, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete the automatic backups in ``folder`` that are neither among the
    newest of the last ``keep_daily`` days nor the newest of the last
    ``keep_monthly`` months (restic's keep-daily / keep-monthly), oldest
    first. Other files (manual backups, 升级前, 恢复前) are never touched."""
    autos = []
    for p in folder.glob("*.db"):
        m = _AUTO_NAME.search(p.name)
        if m:
            autos.append((m.group(1) + m.group(2), p))
    autos.sort(reverse=True)
    keep: set[Path] = set()
    days: set[str] = set()
    months: set[str] = set()
    for stamp, p in autos:
        if stamp[:8] not in days and len(days) < keep_daily:
            days.add(stamp[:8])
            keep.add(p)
        if stamp[:6] not in months and len(months) < keep_monthly:
            months.add(stamp[:6])
            keep.add(p)
    removed = []
    for stamp, p in reversed(autos):  # oldest first
        if p in keep:
            continue
        for q in (p, p.with_suffix(".json")):
            try:
                os.remove(q)
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("cannot prune %s: %s", q, exc)
        removed.append(p)
    return removed


# -- inspecting and restoring ---------------------------------------------------
def inspect_backup(file: str | Path) -> BackupInfo:
    """Check a backup file without changing it: SQLite header and size, the
    integrity check, a revision this app knows, the manifest's sha256 if a
    manifest lies beside it. BackupError (Chinese) when it is refused."""
    from cunwu_tui.db.engine import head_revisions, known_revisions

    path = Path(file).expanduser()
    shown = str(path)
    if not path.exists():
        raise BackupError(f"找不到文件：{shown}")
    if path.is_dir():
        raise BackupError(f"{shown} 是一个文件夹，请选择备份文件（.db）。")
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise BackupError(f"无法读取文件 {shown}：{_reason(exc)}。") from exc
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise BackupError(f"{shown} 不是村务通的备份文件（不是 SQLite 数据库）。")
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(header[28:32], "big")
    valid_count = header[24:28] == header[92:96]
    if page < 512 or size % page or (valid_count and pages and pages * page != size):
        raise BackupError(f"{shown} 不完整（文件被截断，可能没有复制完），不能用来恢复。")
    try:
        digest = sha256_of(path)
        con = _read_only(path)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"无法读取文件 {shown}：{_reason(exc)}。") from exc
    try:
        try:
            check = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{shown} 已损坏（{exc}），不能用来恢复。") from exc
        if check != ["ok"]:
            raise BackupError(f"{shown} 已损坏（数据库自检未通过），不能用来恢复。")
        tables = set(_tables(con))
        if not {"alembic_version", "setting", "staff", "audit_log"} <= tables:
            raise BackupError(f"{shown} 不是村务通的数据库，不能用来恢复。")
        revisions = tuple(sorted(r[0] for r in con.execute("SELECT version_num FROM alembic_version")))
        unknown = set(revisions) - known_revisions()
        if not revisions:
            raise BackupError(f"{shown} 没有版本信息，不是完整的村务通数据库，不能用来恢复。")
        if unknown:
            raise BackupError(
                f"{shown} 来自更新版本的村务通（数据库版本 {'、'.join(sorted(unknown))}），请先升级本机的村务通再恢复。"
            )
        counts = _counts(con)
        first, last = con.execute("SELECT MIN(at), MAX(at) FROM audit_log").fetchone()
        village, township = _setting(con, "profile.village"), _setting(con, "profile.township")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{shown} 已损坏（{exc}），不能用来恢复。") from exc
    finally:
        con.close()
    manifest: dict[str, Any] = {}
    manifest_path = path.with_suffix(".json")
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            expected = str(manifest.get("sha256", ""))
        except (OSError, ValueError, AttributeError) as exc:
            raise BackupError(
                f"说明文件 {manifest_path.name} 无法读取或已损坏，不能确认备份完好。确需恢复，请把它移走后再试。"
            ) from exc
        if expected and expected != digest:
            raise BackupError(
                f"{shown} 与说明文件 {manifest_path.name} 中的校验值不一致：文件可能已损坏或被改动过，不能用来恢复。"
            )
    return BackupInfo(
        path,
        size,
        digest,
        revisions,
        frozenset(revisions) != head_revisions(),
        village,
        township,
        _moment(first),
        _moment(last),
        counts,
        manifest,
    )


def _checkpoint(db: Path) -> None:
    """Fold the WAL into the database file so that it is one file again
    (best effort: a corrupt database is moved aside as it is)."""
    try:
        con = sqlite3.connect(db.resolve().as_uri() + "?mode=rw", uri=True, timeout=5)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.execute("PRAGMA journal_mode=DELETE")
        finally:
            con.close()
    except sqlite3.Error as exc:
        log.warning("checkpoint of %s before restore failed: %s", db, exc)


def _sidecars(db: Path) -> list[Path]:
    return [db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal")]


# The 工作台's and F9's line for a server's database.
SERVER_BACKUP_LINE = "数据库在服务器上：由管理服务器的人用 pg_dump 备份。"

# A database on a PostgreSQL server (issue #20) is not a file on this PC:
# the copy to a USB stick, the automatic copies and a restore are the
# server's business (pg_dump / pg_restore, README "服务大厅").
SERVER_BACKUP = (
    "数据库在 PostgreSQL 服务器上，不在这台电脑上：备份和恢复请由管理服务器的人"
    "用 pg_dump / pg_restore 在服务器上做（见说明书“服务大厅”一节）。"
)


def restore_backup(
    url: str, file: str | Path, expected_sha256: str | None = None, now: datetime | None = None
) -> RestoreResult:
    """Put the backup ``file`` in place of the database at ``url``.

    Refused (BackupError, nothing changed) when the file fails the checks,
    differs from what was shown (``expected_sha256``), or another window or
    command has the database open (the exclusive instance lock). The current
    database is first set aside into the managed backup folder
    (``〈库名〉_恢复前_….db``); the restored one is then opened, which upgrades
    an older backup through the migrations. If that fails, the database that
    was there is put back."""
    from cunwu_tui.db.engine import SnapshotCheckFailed, snapshot
    from cunwu_tui.db.lock import DatabaseInUse, hold_exclusive

    db = sqlite_file(url)
    if is_postgres_url(url):
        raise BackupError(SERVER_BACKUP)
    if db is None:
        raise BackupError("只能恢复到数据库文件（不是文件的数据库无法恢复）。")
    info = inspect_backup(file)
    if expected_sha256 and info.sha256 != expected_sha256:
        raise BackupError(f"{info.path} 在确认之后被改动过，请重新选择。")
    now = now or datetime.now()
    try:
        private_mkdir(db.parent)
    except OSError as exc:
        raise BackupError(f"无法创建数据文件夹 {db.parent}：{_reason(exc)}。") from exc
    try:
        lock = hold_exclusive(db)
    except DatabaseInUse as exc:
        raise BackupError(str(exc)) from exc
    try:
        incoming = db.with_name(f".{db.name}.restore-{secrets.token_hex(4)}")
        try:
            snapshot(info.path, incoming, read_only=True)  # a checked copy beside the database, then verified again
            if sha256_of(info.path) != info.sha256:
                raise BackupError(f"{info.path} 在恢复过程中被改动过，未作任何改动。")
        except SnapshotCheckFailed as exc:
            raise BackupError(f"{info.path} 已损坏（数据库自检未通过），不能用来恢复。") from exc
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(f"无法把备份复制到 {db.parent}：{_reason(exc)}。未作任何改动。") from exc
        except BaseException:
            _remove(incoming)
            raise
        set_aside = None
        moved: list[tuple[Path, Path]] = []
        try:
            if db.exists() and db.stat().st_size > 0:
                _checkpoint(db)
                folder = private_mkdir(backup_dir_for(db))
                set_aside = folder / f"{db.stem}_恢复前_{now:%Y%m%d-%H%M%S}{db.suffix}"
                n = 2
                while set_aside.exists():
                    set_aside = folder / f"{db.stem}_恢复前_{now:%Y%m%d-%H%M%S}-{n}{db.suffix}"
                    n += 1
                for src in (db, *_sidecars(db)):
                    if src.exists():
                        dst = set_aside.with_name(set_aside.name + src.name[len(db.name) :])
                        os.replace(src, dst)
                        moved.append((dst, src))
            else:
                for src in (db, *_sidecars(db)):
                    _remove(src)
            os.replace(incoming, db)
            make_private(db)
        except OSError as exc:
            _remove(incoming)
            for dst, src in reversed(moved):
                os.replace(dst, src)
            raise BackupError(f"无法替换数据库 {db}：{_reason(exc)}。未作任何改动。") from exc
        try:
            _open_restored(url, info)
        except Exception as exc:
            log.exception("restored database failed to open; putting the old one back")
            for p in (db, *_sidecars(db)):
                _remove(p)
            for dst, src in reversed(moved):
                os.replace(dst, src)
            raise BackupError(
                f"恢复后无法打开数据库（{exc if _chinese(exc) else type(exc).__name__}），已放回原来的数据库。"
            ) from exc
        return RestoreResult(info, set_aside)
    finally:
        lock.release()


def _open_restored(url: str, info: BackupInfo) -> None:
    """Open (and so upgrade) the restored database and put the restore on
    its record."""
    from cunwu_tui.services import open_services

    services = open_services(url, lock=False)
    try:
        with services.core.write() as s:
            services.core.audit(
                s,
                "backup",
                info.path.name,
                "恢复",
                None,
                {"file": str(info.path), "sha256": info.sha256, "revisions": list(info.revisions)},
            )
    finally:
        services.close()


def _chinese(exc: BaseException) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))


def _remove(path: Path) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("cannot remove %s: %s", path, exc)


# -- the service ------------------------------------------------------------
class BackupService:
    """Backups of the open database."""

    def __init__(self, core: Core, settings: SettingsService, url: str):
        self.core = core
        self.settings = settings
        self.url = url

    @property
    def db_path(self) -> Path | None:
        return sqlite_file(self.url)

    @property
    def on_server(self) -> bool:
        """The database is on a PostgreSQL server: backed up there (SERVER_BACKUP)."""
        return is_postgres_url(self.url)

    def managed_dir(self) -> Path:
        db = self.db_path
        if db is None:
            raise BackupError(SERVER_BACKUP if self.on_server else "内存中的数据库不能备份。")
        return backup_dir_for(db)

    # settings
    def _int(self, key: str) -> int:
        raw = self.settings.get(key, "")
        return int(raw) if raw.isdigit() else DEFAULTS[key]

    def current_settings(self) -> BackupSettings:
        managed = (
            str(self.managed_dir())
            if self.db_path
            else ("（不适用：" + SERVER_BACKUP_LINE + "）" if self.on_server else "")
        )
        return BackupSettings(
            self.settings.get(BACKUP_DIR, ""),
            managed,
            self._int(KEEP_DAILY),
            self._int(KEEP_MONTHLY),
            self._int(WARN_DAYS),
        )

    def save_settings(self, dir: str, keep_daily: object, keep_monthly: object, warn_days: object) -> BackupSettings:
        from cunwu_tui.domain import inputs

        f = inputs.Fields()
        values = {
            KEEP_DAILY: f.integer("keep_daily", keep_daily, "每日保留份数", 1, 999, unit="份"),
            KEEP_MONTHLY: f.integer("keep_monthly", keep_monthly, "每月保留份数", 0, 999, unit="份"),
            WARN_DAYS: f.integer("warn_days", warn_days, "提醒天数", 1, 999, unit="天"),
        }
        folder = f.text("dir", dir, "备份位置", 260).strip()
        if folder and not Path(folder).expanduser().is_absolute():
            f.errors.setdefault("dir", "请填写完整路径，如 E:\\村务通备份 或 /media/u盘/村务通备份。")
        f.done()
        self.settings.set(BACKUP_DIR, folder)
        for key, value in values.items():
            self.settings.set(key, str(value))
        return self.current_settings()

    # backing up
    def backup_now(self, to: str | None = None) -> BackupResult:
        """A backup into ``to``, else the remembered destination, else the
        managed folder. ValidationError(``dir``) for a destination that is
        missing, read-only or full; BackupError otherwise."""
        db = self.db_path
        if db is None:
            raise BackupError(SERVER_BACKUP if self.on_server else "内存中的数据库不能备份。")
        raw = (to if to is not None else self.settings.get(BACKUP_DIR, "")).strip()
        try:
            folder = _destination(raw) if raw else private_mkdir(self.managed_dir())
            result = write_backup(db, folder, self.settings.profile().village, MANUAL)
        except (ValidationError, BackupError) as exc:
            self._record_failure(MANUAL, _message(exc))
            raise
        self._record_success(result)
        return result

    def auto_backup(self, today: date | None = None) -> BackupResult | None:
        """The day's automatic backup into the managed folder, unless one
        was made today already; then prune the old generations. Never
        raises: a failure is recorded for the 工作台 and logged."""
        db = self.db_path
        if db is None or not db.exists():
            return None
        today = today or self.core.today()
        folder = self.managed_dir()
        stamp = f"{today:%Y%m%d}"
        if folder.is_dir() and any(
            (m := _AUTO_NAME.search(p.name)) is not None and m.group(1) == stamp for p in folder.glob("*.db")
        ):
            return None
        try:
            private_mkdir(folder)
            now = self.core.now()  # the real time, unless a clock is set (the demo, tests)
            if now.date() != today:  # the app's own day (tests, a clock set by the demo)
                now = datetime.combine(today, now.time())
            result = write_backup(db, folder, self.settings.profile().village, AUTO, now)
        except Exception as exc:  # recorded and shown on the 工作台, never raised
            log.warning("automatic backup failed: %s", _message(exc))
            self._record_failure(AUTO, _message(exc))
            return None
        s = self.current_settings()
        removed = prune(folder, s.keep_daily, s.keep_monthly)
        self._record_success(result)
        return BackupResult(
            result.path,
            result.manifest,
            result.at,
            result.kind,
            result.sha256,
            result.size,
            result.counts,
            tuple(removed),
        )

    # status
    def _status_path(self) -> Path:
        return self.managed_dir() / STATUS_FILE

    def _read_status(self) -> dict[str, Any]:
        try:
            data = json.loads(self._status_path().read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError, BackupError):
            return {}

    def _write_status(self, data: dict[str, Any]) -> None:
        try:
            private_mkdir(self.managed_dir())
            _write_json(self._status_path(), data)
        except (OSError, BackupError) as exc:
            log.warning("cannot record backup status: %s", exc)

    def _record_success(self, result: BackupResult) -> None:
        data = self._read_status()
        entry = {
            "at": result.at.isoformat(timespec="seconds"),
            "path": str(result.path),
            "kind": result.kind,
            "sha256": result.sha256,
        }
        data["last_ok"] = entry
        data["last_manual" if result.kind == MANUAL else "last_auto"] = entry
        if (data.get("last_error") or {}).get("kind") == result.kind:
            data.pop("last_error", None)
        self._write_status(data)

    def _record_failure(self, kind: str, message: str) -> None:
        data = self._read_status()
        data["last_error"] = {"at": self.core.now().isoformat(timespec="seconds"), "kind": kind, "message": message}
        self._write_status(data)

    def status(self, now: datetime | None = None) -> BackupStatus:
        """The last good backup and the last failure; ``warning`` says what
        the 工作台 must show (a failure, or no backup for too long)."""
        now = now or self.core.now()
        data = self._read_status() if self.db_path else {}
        ok = data.get("last_ok") or {}
        manual = data.get("last_manual") or {}
        err = data.get("last_error") or {}
        ok_at, err_at = _moment(ok.get("at")), _moment(err.get("at"))
        manual_at = _moment(manual.get("at"))
        warn_days = self._int(WARN_DAYS)
        warning = fact = ""
        if err_at is not None:  # cleared by the next success of the same kind
            what = "自动备份" if err.get("kind") == AUTO else "备份"
            warning = f"{err_at:%m-%d %H:%M} {what}失败：{err.get('message', '')}"
        elif manual_at is None:
            # the automatic copies sit on the same disk: they do not count
            fact = "还没有把数据备份到U盘"
        elif (now.date() - manual_at.date()).days >= warn_days:
            fact = f"已经{(now.date() - manual_at.date()).days}天没有备份到U盘了（上次 {manual_at:%Y-%m-%d}）"
        if self.on_server:  # no copy on this PC to remind of: the server is backed up with pg_dump
            fact = ""
        if fact:
            warning = f"{fact}：{BACKUP_NOW_WORDS}"
        auto = data.get("last_auto") or {}
        return BackupStatus(
            ok_at,
            str(ok.get("path", "")),
            err_at,
            str(err.get("message", "")),
            warning,
            manual_at,
            str(manual.get("path", "")),
            _moment(auto.get("at")),
            str(auto.get("path", "")),
            fact,
            BACKUP_NOW if fact else "",
            self.on_server,
        )


def _message(exc: BaseException) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        return "；".join(str(v) for v in errors.values())
    return str(exc) or type(exc).__name__
