"""Personal data in free text and in the log: domain/privacy.py, the log
filter in logsetup.py, SQLAlchemy without parameters, the ledgers."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from cunwu_tui.domain.idcard import check_character
from cunwu_tui.domain.privacy import has_personal, mask_personal
from identity_helpers import PIN

ID = "11010519491231002X"  # a valid 18-character number
MOBILE = "13812345678"


@pytest.mark.parametrize(
    "text, masked",
    [
        (f"来电 {MOBILE} 反映", "来电 138****5678 反映"),
        ("+86 138-0013-8000", "+86 138-****-8000"),
        (f"身份证{ID}号", "身份证110105********002X号"),
        ("11010519491231002x", "110105********002x"),
        ("110105 19491231 002X", "110105 ******** 002X"),
        ("旧证 110105491231002", "旧证 110105*****1002"),
        ("座机0371-12345678转", "座机0371-****5678转"),
        ("(010)12345678", "(010)****5678"),
        ("１３８００１３８０００", "１３８****８０００"),
    ],
)
def test_masks_ids_and_phones(text, masked):
    assert mask_personal(text) == masked
    assert has_personal(text) and not has_personal(masked)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-22 09:30",
        "〔2026〕第0001号",
        "村委〔2026〕第015号",
        "20261122-093000",
        "金额 12345678.00元",
        "12345678901234567890",
        "共 3 份",
        "cunwu_自动备份_20261202-180512.db",
        "110105********002X",
        "138****5678",
    ],
)
def test_leaves_dates_numbers_and_masked_values_alone(text):
    assert mask_personal(text) == text


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    st.integers(0, 999),
    st.text(alphabet="村民来电反映，。：", max_size=5),
    st.text(alphabet="村民来电反映，。：", max_size=5),
)
def test_any_id_number_in_text_is_masked(born, seq, before, after):
    first17 = f"110105{born:%Y%m%d}{seq:03d}"
    number = first17 + check_character(first17)
    out = mask_personal(before + number + after)
    assert number not in out and out == before + number[:6] + "*" * 8 + number[-4:] + after


@given(st.sampled_from("3456789"), st.integers(0, 10**9 - 1))
def test_any_mobile_in_text_is_masked(second, rest):
    number = f"1{second}{rest:09d}"
    out = mask_personal(f"电话{number}。")
    assert number not in out and out == f"电话{number[:3]}****{number[-4:]}。"


# -- the log ------------------------------------------------------------------
@pytest.fixture
def log_file(tmp_path, monkeypatch):
    """A fresh cunwu.log set up the way the app sets it up."""
    from cunwu_tui import logsetup, paths

    monkeypatch.setattr(logsetup, "_configured", None)
    monkeypatch.setattr(paths, "user_log_dir", lambda: tmp_path / "logs")
    root = logging.getLogger("cunwu")
    before = list(root.handlers)
    path = logsetup.setup_logging()
    yield path
    for h in list(root.handlers):
        if h not in before:
            root.removeHandler(h)
            h.close()


def test_log_filter_masks_message_args_and_exception(log_file):
    log = logging.getLogger("cunwu.test")
    log.warning("resident %s phone %s", ID, MOBILE)
    try:
        raise ValueError(f"bad row ({ID!r}, {MOBILE!r})")
    except ValueError:
        log.exception("save failed for %s", {"id_number": ID})
    text = log_file.read_text(encoding="utf-8")
    assert ID not in text and MOBILE not in text
    assert "110105********002X" in text and "138****5678" in text
    assert "ValueError: bad row" in text  # the traceback is still there, masked


def test_a_failed_save_logs_no_personal_data(services, log_file):
    """A full disk while adding a resident: the log says what failed, never
    the ID number, the phone or the statement's parameters."""
    import sqlite3

    from sqlalchemy import event

    from cunwu_tui.errors import SaveError

    def full(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO RESIDENT"):
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(services.core.engine, "before_cursor_execute", full)
    try:
        with pytest.raises(SaveError):
            services.residents.add("张三", id_number=ID, phone=MOBILE, address="三组")
    finally:
        event.remove(services.core.engine, "before_cursor_execute", full)
    text = log_file.read_text(encoding="utf-8")
    assert "write failed" in text and "database or disk is full" in text
    assert ID not in text and MOBILE not in text and "张三" not in text
    assert "hidden due to hide_parameters" in text


# -- the ledgers ----------------------------------------------------------------
def _rows(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)


def test_phone_typed_into_a_duty_entry_is_masked_in_the_ledgers(demo_services, tmp_path):
    s = demo_services
    s.set_operator(s.staff.list()[3].id, PIN)
    entry = s.duty.add_log(
        "来电",
        f"村民李四（{MOBILE}，身份证{ID}）反映三组路灯不亮",
        f"已告知电工，回电{MOBILE}",
        at=datetime(2026, 11, 20, 10, 0),
    )
    assert MOBILE in entry.content  # the record keeps what was typed
    paths = s.exports.export("2026-11", ["duty_log", "staff"], tmp_path / "out", today=date(2026, 12, 2))
    duty_log, staff = paths
    cells = "\n".join(str(c) for row in _rows(duty_log) for c in row)
    assert "村民李四（138****5678，身份证110105********002X）" in cells
    assert MOBILE not in cells and ID not in cells
    # the staff roster keeps the work phones whole: a phone column, not free text
    staff_cells = [c for row in _rows(staff) for c in row]
    assert any(p.phone and p.phone in staff_cells for p in s.staff.list())
    month = f"{datetime.now():%Y-%m}"
    [audit] = s.exports.export(month, ["audit"], tmp_path / "out2", today=date.today())
    audit_cells = "\n".join(str(c) for row in _rows(audit) for c in row)
    assert "村民李四" in audit_cells and MOBILE not in audit_cells and ID not in audit_cells
