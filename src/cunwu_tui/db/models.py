"""SQLModel tables.

Every change to these tables goes with an Alembic migration in
``cunwu_tui/db/migrations/versions`` (tests check the two agree).
Screens never see these objects: services convert them to plain dataclasses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

# Times are the office's local wall-clock time, stored naive: what the clerk
# saw is what the ledger shows. (Newer SQLModel maps ``datetime`` to a UTC
# type; this keeps the column a plain DateTime on every version.)

from decimal import Decimal

from sqlalchemy import DateTime, Index, Numeric, UniqueConstraint, text as sa_text
from sqlmodel import Field, SQLModel


class Setting(SQLModel, table=True):
    """Key/value settings (village profile, remembered choices): kept in the
    database so that a backup carries them."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="")


class Staff(SQLModel, table=True):
    """A member of staff (人员). Never deleted: old records refer to them."""

    __tablename__ = "staff"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=32)
    phone: str = Field(default="", max_length=32)
    roles: str = Field(default="", description="roles joined with '、'")
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=DateTime)
    admin: bool = Field(default=False, description="may add staff, change roles, reset PINs")


class AuditLog(SQLModel, table=True):
    """Append-only record of every write: who, when, what, before and after."""

    __tablename__ = "audit_log"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=DateTime, index=True)
    operator_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    operator_name: str = Field(default="", max_length=32)
    entity: str = Field(max_length=32, index=True)
    entity_id: str = Field(default="", max_length=64)
    action: str = Field(max_length=32)
    before: str = Field(default="", description="JSON")
    after: str = Field(default="", description="JSON")


class Seal(SQLModel, table=True):
    """A seal (印章) with its keeper and the role that approves its use."""

    __tablename__ = "seal"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    short_name: str = Field(default="", max_length=16, description="prefix of register numbers")
    keeper_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    approver_role: str = Field(default="", max_length=32)
    major_body: str = Field(default="", max_length=64, description="who decides major matters")
    active: bool = Field(default=True)
    note: str = Field(default="")


class HolidaySchedule(SQLModel, table=True):
    """A year's official holiday schedule entered by the clerk, for years the
    chinesecalendar package does not cover. Stored in the line format of
    ``domain.workdays.format_schedule_lines``."""

    __tablename__ = "holiday_schedule"

    year: int = Field(primary_key=True)
    source: str = Field(default="")
    content: str = Field(default="")
    updated_at: datetime = Field(sa_type=DateTime)


class LocalMatter(SQLModel, table=True):
    """A matter the village adds to the shipped catalog (本村事项). Never
    deleted, only withdrawn (``active``), so that cases can still name it.
    Multi-line fields hold one item per line."""

    __tablename__ = "local_matter"

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=128)
    aliases: str = Field(default="", description="aliases joined with '、'")
    category: str = Field(default="", max_length=32)
    where: str = Field(default="")
    fees: str = Field(default="")
    time_limit: str = Field(default="", description="as the village states it, e.g. 5个工作日")
    conditions: str = Field(default="", description="one per line")
    documents: str = Field(default="", description="one per line")
    notes: str = Field(default="", description="one per line")
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=DateTime)


class MatterAddition(SQLModel, table=True):
    """A village's document or note added to a matter of the catalog
    (shipped or local), by matter code: it survives an upgrade of the
    shipped catalog. Withdrawn, never deleted."""

    __tablename__ = "matter_addition"

    id: Optional[int] = Field(default=None, primary_key=True)
    matter_code: str = Field(max_length=32, index=True)
    kind: str = Field(max_length=16, description="document | note")
    text: str = Field(default="")
    form: str = Field(default="", max_length=16, description="原件 / 复印件 / 原件及复印件")
    count: Optional[int] = Field(default=None)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=DateTime)


class Notice(SQLModel, table=True):
    """A public notice (公示). Its period follows from start, length and unit
    (computed on read, so an entered holiday schedule corrects it). Closed or
    withdrawn with a result or reason on record; never deleted."""

    __tablename__ = "notice"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_notice_year_seq"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    year: int
    seq: int
    title: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    round: str = Field(default="", max_length=8)
    places: str = Field(default="", description="joined with '、'")
    start_at: datetime = Field(sa_type=DateTime, index=True)
    length: int
    unit: str = Field(max_length=8)
    summary: str = Field(default="")
    photo_path: str = Field(default="")
    backdate_reason: str = Field(default="", description="why the start is before the day it was entered")
    matter_code: str = Field(default="", max_length=32)
    case_ref: str = Field(default="", max_length=64, description="the linked case, once cases exist")
    case_step: Optional[int] = Field(default=None)
    previous_id: Optional[int] = Field(default=None, foreign_key="notice.id", description="the round before")
    operator_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    operator_name: str = Field(default="", max_length=32)
    created_at: datetime = Field(sa_type=DateTime)
    closed_at: Optional[datetime] = Field(default=None, sa_type=DateTime, index=True)
    result: str = Field(default="", max_length=16)
    result_note: str = Field(default="")
    withdrawn_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    withdraw_reason: str = Field(default="")


class NoticePerson(SQLModel, table=True):
    """A person listed on a notice (name, group, ID number, amount)."""

    __tablename__ = "notice_person"

    id: Optional[int] = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    seq: int
    name: str = Field(max_length=32)
    group_name: str = Field(default="", max_length=32)
    id_number: str = Field(default="", max_length=18)
    amount: Optional[Decimal] = Field(default=None, sa_type=Numeric(14, 2))
    note: str = Field(default="")


class NoticeObjection(SQLModel, table=True):
    """An objection (异议) received during a notice. Append-only: its
    handling is a separate record (ObjectionOutcome)."""

    __tablename__ = "notice_objection"

    id: Optional[int] = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    received_at: datetime = Field(sa_type=DateTime)
    from_name: str = Field(default="", max_length=32, description="'' for anonymous")
    content: str
    received_by: str = Field(max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class ObjectionOutcome(SQLModel, table=True):
    """How an objection was handled: 核实 result and the answer to the objector."""

    __tablename__ = "objection_outcome"

    id: Optional[int] = Field(default=None, primary_key=True)
    objection_id: int = Field(foreign_key="notice_objection.id", unique=True)
    handling: str
    result: str = Field(max_length=8, description="成立 / 不成立")
    answered_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class Resident(SQLModel, table=True):
    """A resident (村(居)民) who applies for something: reused across cases.
    Corrections are audited; never deleted (cases refer to them)."""

    __tablename__ = "resident"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=32, index=True)
    id_type: str = Field(default="居民身份证", max_length=32)
    id_number: str = Field(default="", max_length=64, index=True)
    phone: str = Field(default="", max_length=32)
    group_name: str = Field(
        default="", max_length=32, description="村民小组", index=True
    )  # searched by name or group: both through an index
    address: str = Field(default="")
    note: str = Field(default="")
    created_at: datetime = Field(sa_type=DateTime)


class ResidentMerge(SQLModel, table=True):
    """A duplicate registration of a resident merged into the one kept, with
    the reason. Append-only (triggers refuse UPDATE/DELETE); the duplicate's
    cases stay as they were taken in and are listed with the kept one."""

    __tablename__ = "resident_merge"
    __table_args__ = (UniqueConstraint("duplicate_id", name="uq_resident_merge_duplicate"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    duplicate_id: int = Field(foreign_key="resident.id")
    kept_id: int = Field(foreign_key="resident.id", index=True)
    reason: str
    operator_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class SealUse(SQLModel, table=True):
    """An entry of the seal register (用印登记). Append-only: a row is never
    updated or deleted (triggers refuse it); a mistake is voided by a
    SealVoid row. Names (seal, people) are kept as they were at the time.
    Each row is a link of the register's hash chain (features.seals.numbers)."""

    __tablename__ = "seal_use"
    __table_args__ = (
        UniqueConstraint("seal_id", "year", "seq", name="uq_seal_use_number"),
        # Corrections only: the index holds the few entries that correct another, so that the statistics
        # (ANALYZE) see it as selective; with every NULL in it SQLite preferred reading the whole register.
        Index(
            "ix_seal_use_refers_to_id",
            "refers_to_id",
            sqlite_where=sa_text("refers_to_id IS NOT NULL"),
            postgresql_where=sa_text("refers_to_id IS NOT NULL"),
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    chain_seq: int = Field(unique=True, description="place in the register's hash chain")
    seal_id: int = Field(foreign_key="seal.id")
    seal_name: str = Field(max_length=64)
    year: int
    seq: int
    number: str = Field(max_length=48, description="e.g. 村委〔2026〕第015号")
    used_at: datetime = Field(sa_type=DateTime, index=True)
    title: str = Field(max_length=200, description="文件名称")
    purpose: str = Field(default="", description="用印事由")
    copies: int
    destination: str = Field(default="", max_length=200, description="送往单位/用途")
    applicant_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    applicant_name: str = Field(max_length=32)
    applicant_outsider: bool = Field(default=False)
    approver_id: int = Field(foreign_key="staff.id")
    approver_name: str = Field(max_length=32)
    major: bool = Field(default=False, description="重大事项")
    meeting_type: str = Field(default="", max_length=16)
    meeting_date: Optional[date] = Field(default=None)
    meeting_ref: str = Field(default="", max_length=64, description="决议 or record number")
    keeper_id: int = Field(foreign_key="staff.id")
    keeper_name: str = Field(max_length=32)
    note: str = Field(default="")
    refers_to_id: Optional[int] = Field(
        default=None, foreign_key="seal_use.id", description="the voided entry it corrects"
    )
    operator_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
    needs_approval: bool = Field(default=False, description="entered since PINs: approval in person (Approval)")


class SealVoid(SQLModel, table=True):
    """The void (作废) of a seal register entry: its own append-only row and
    chain link; the voided entry stays as it was."""

    __tablename__ = "seal_void"

    id: Optional[int] = Field(default=None, primary_key=True)
    chain_seq: int = Field(unique=True)
    use_id: int = Field(foreign_key="seal_use.id", unique=True)
    number: str = Field(max_length=48, description="the voided entry's number")
    reason: str
    operator_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class CaseRecord(SQLModel, table=True):
    """A case taken in (受理登记). What was taken in never changes (a trigger
    refuses UPDATE of those columns and any DELETE); everything that happens
    afterwards is a CaseEvent. ``status``, ``next_due`` and the columns
    after them are a summary of the events (the same replay as the detail),
    rewritten in the transaction of every event, so the lists and the
    工作台 read them without replaying; ``summary_version`` below
    SUMMARY_VERSION (features/cases/service.py) means not yet summarised this way
    (an upgraded database: the app's start-up worker does it once; the
    lists replay such a case meanwhile). Not under the evidence chain: the
    app rewrites them."""

    __tablename__ = "case_record"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_case_number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    year: int
    seq: int
    number: str = Field(max_length=32, unique=True, description="〔2026〕第0001号")
    matter_code: str = Field(max_length=64, index=True)
    matter_name: str = Field(max_length=200)
    seed: str = Field(default="", max_length=64, description="the source whose steps the case follows")
    resident_id: int = Field(foreign_key="resident.id", index=True)
    applicant_name: str = Field(max_length=32)
    channel: str = Field(max_length=16, description="来访/来电/来信/网上/上级交办")
    first_officer_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    first_officer_name: str = Field(max_length=32, description="首问人")
    kind: str = Field(max_length=16, description="即办件/承诺件/上报件")
    petition: bool = Field(default=False, description="handled as 信访 under 信访工作条例")
    documents: str = Field(default="", description="JSON: [[name, received], ...]")
    note: str = Field(default="")
    received_at: datetime = Field(sa_type=DateTime, index=True)
    limit_value: Optional[int] = Field(default=None)
    limit_unit: str = Field(default="", max_length=8)
    due_date: Optional[date] = Field(default=None, description="承诺办结日期")
    due_provisional: bool = Field(default=False)
    operator_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)
    status: str = Field(default="在办", max_length=16, index=True)
    next_due: Optional[date] = Field(default=None, index=True)
    closed_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    next_due_what: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    next_due_provisional: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    current_step: Optional[int] = Field(default=None)
    missing_documents: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    summary_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class SealTally(SQLModel, table=True):
    """The seal register's totals (entries, copies of the entries not
    voided), kept by the service in each entry's and each void's
    transaction for F5's unfiltered list; recounted at each start-up."""

    __tablename__ = "seal_tally"

    key: str = Field(primary_key=True, max_length=16)
    entries: int = Field(default=0)
    copies: int = Field(default=0)


class SealPending(SQLModel, table=True):
    """The seal register's entries waiting for their approver (待审批): one
    row per entry saved without the approver's PIN, removed in the
    transaction of its approval or its void, so the 工作台 and F5 find them
    without reading the register. Not evidence: recounted at each start-up
    (the seal register's checkpoint)."""

    __tablename__ = "seal_pending"

    use_id: int = Field(primary_key=True)


class CaseSearchChar(SQLModel, table=True):
    """Which cases hold a character in their applicant's name, matter or
    number, and an ASCII digit in the first two (features.cases.rules.index_chars;
    a number's digits are in every case), written with the case at intake:
    F4's search reads the cases holding every typed character instead of
    every case. Not evidence: rebuilt from the cases when missing."""

    __tablename__ = "case_search_char"
    __table_args__ = {"sqlite_with_rowid": False}  # clustered by (ch, case_id): half the size, one seek a character

    ch: str = Field(primary_key=True, max_length=4)
    case_id: int = Field(primary_key=True)


class ResidentSearchChar(SQLModel, table=True):
    """Which residents hold a character in their name (domain.inputs.
    search_chars), written with each registration and correction: the
    applicant picker and the residents' list find part of a name (a given
    name such as 秀英) among the few residents holding every typed character
    instead of reading every resident. Not evidence: rebuilt from the
    residents when missing."""

    __tablename__ = "resident_search_char"
    __table_args__ = {"sqlite_with_rowid": False}  # clustered by (ch, resident_id), like case_search_char

    ch: str = Field(primary_key=True, max_length=4)
    resident_id: int = Field(primary_key=True)


class CaseStatusCount(SQLModel, table=True):
    """How many cases are in each status, kept by the case service in the
    transaction that changes a status (the F4 list's totals read it, not
    every case); recounted at each start-up."""

    __tablename__ = "case_status_count"

    status: str = Field(primary_key=True, max_length=16)
    n: int = Field(default=0)


class CaseEvent(SQLModel, table=True):
    """One thing done on a case: a step, a branch taken, a return, an outcome,
    a refusal's follow-up, a petition's decision. Append-only (triggers
    refuse UPDATE and DELETE); the case's state is replayed from these."""

    __tablename__ = "case_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_record.id", index=True)
    kind: str = Field(max_length=24)
    step: Optional[int] = Field(default=None)
    label: str = Field(default="", max_length=64)
    on_date: Optional[date] = Field(default=None, description="the date the event names (told on, chase on ...)")
    text: str = Field(default="")
    data: str = Field(default="", description="JSON: the event's other fields")
    operator_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime, index=True)


# -- 值班 (duty) -------------------------------------------------------------
# The month's rota (duty_month, duty_day) is edited until it is published;
# after that every change is also an append-only duty_change row. The duty
# log, substitutions, handovers, their items, closures, confirmations and
# voids are append-only registers: triggers refuse UPDATE and DELETE.


class DutyMonth(SQLModel, table=True):
    """A month's rota: 草稿 until published, then changes are recorded."""

    __tablename__ = "duty_month"
    __table_args__ = (UniqueConstraint("year", "month", name="uq_duty_month"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    year: int
    month: int
    status: str = Field(default="草稿", max_length=8, description="草稿 / 已发布")
    leave_lines: str = Field(default="", description="leave and unavailable days, one per line")
    night: bool = Field(default=False, description="separate night duty (夜间值班) is kept")
    generated_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    published_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    published_by: str = Field(default="", max_length=32)


class DutyDay(SQLModel, table=True):
    """One duty day (08:30 to 08:30 the next day): who is on duty, the
    night person where night duty is kept separately (17:30 to 08:30), the
    带班领导, and on holidays the 值班领导. Names kept as they were."""

    __tablename__ = "duty_day"

    id: Optional[int] = Field(default=None, primary_key=True)
    day: date = Field(unique=True)
    kind: str = Field(max_length=8, description="工作日 / 休息日 / 节假日")
    staff_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    staff_name: str = Field(default="", max_length=32)
    night_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    night_name: str = Field(default="", max_length=32)
    leader_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    leader_name: str = Field(default="", max_length=32)
    chief_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    chief_name: str = Field(default="", max_length=32)


class DutyChange(SQLModel, table=True):
    """A change to a published rota: what, from whom to whom, why, who, when."""

    __tablename__ = "duty_change"

    id: Optional[int] = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    role: str = Field(max_length=8, description="值班人员 / 夜间值班 / 带班领导 / 值班领导")
    old_name: str = Field(default="", max_length=32)
    new_name: str = Field(default="", max_length=32)
    reason: str
    operator_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class DutyLog(SQLModel, table=True):
    """An entry of the duty log (值班记录)."""

    __tablename__ = "duty_log"

    id: Optional[int] = Field(default=None, primary_key=True)
    shift_day: date = Field(index=True)
    at: datetime = Field(sa_type=DateTime, index=True)
    kind: str = Field(max_length=8)
    content: str = Field(description="情况")
    action: str = Field(default="", description="处理情况")
    staff_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    staff_name: str = Field(max_length=32, description="who was on duty and wrote it")
    leader_told: bool = Field(default=False)
    told_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    leader_name: str = Field(default="", max_length=32)
    refers_to_id: Optional[int] = Field(
        default=None, foreign_key="duty_log.id", description="the voided entry it corrects"
    )
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class DutySubstitution(SQLModel, table=True):
    """A substitution (替班): ``by`` covers for ``away`` from start to end."""

    __tablename__ = "duty_substitution"

    id: Optional[int] = Field(default=None, primary_key=True)
    start_at: datetime = Field(sa_type=DateTime, index=True)
    end_at: datetime = Field(sa_type=DateTime)
    away_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    away_name: str = Field(default="", max_length=32)
    by_id: int = Field(foreign_key="staff.id")
    by_name: str = Field(max_length=32)
    reason: str = Field(max_length=8)
    note: str = Field(default="")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class DutyHandover(SQLModel, table=True):
    """A handover (交接班) at the end of a duty day."""

    __tablename__ = "duty_handover"

    id: Optional[int] = Field(default=None, primary_key=True)
    shift_day: date = Field(index=True, description="the duty day handed over")
    handed_at: datetime = Field(sa_type=DateTime)
    outgoing_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    outgoing_name: str = Field(max_length=32)
    incoming_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    incoming_name: str = Field(max_length=32)
    note: str = Field(default="")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class DutyItem(SQLModel, table=True):
    """An open item carried over at a handover (遗留事项), open until closed."""

    __tablename__ = "duty_item"

    id: Optional[int] = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="duty_handover.id", index=True)
    text: str
    recorded_at: datetime = Field(sa_type=DateTime)


class DutyItemClose(SQLModel, table=True):
    """The closing of an open item: when, by whom, how."""

    __tablename__ = "duty_item_close"

    id: Optional[int] = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="duty_item.id", unique=True)
    closed_at: datetime = Field(sa_type=DateTime)
    note: str = Field(default="")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class DutyConfirm(SQLModel, table=True):
    """The incoming person's confirmation of a handover (接班确认)."""

    __tablename__ = "duty_confirm"

    id: Optional[int] = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="duty_handover.id", unique=True)
    confirmed_at: datetime = Field(sa_type=DateTime)
    by_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    by_name: str = Field(max_length=32)
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class DutyVoid(SQLModel, table=True):
    """The void (作废) of a duty log entry or a substitution; the voided
    record stays as it was."""

    __tablename__ = "duty_void"
    __table_args__ = (UniqueConstraint("kind", "target_id", name="uq_duty_void_target"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, description="log / substitution")
    target_id: int
    reason: str
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class DutyCaseLink(SQLModel, table=True):
    """A duty log entry (来访、来信) taken in as a case (受理登记)."""

    __tablename__ = "duty_case_link"
    __table_args__ = (UniqueConstraint("log_id", name="uq_duty_case_link_log"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    log_id: int = Field(foreign_key="duty_log.id")
    case_id: int = Field(index=True, description="case_record.id (no FK: another migration branch)")
    case_number: str = Field(max_length=32)
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)


class HolidayRota(SQLModel, table=True):
    """A long holiday's rota (中长假值班表): the period, and when it was filed
    with the township (报上级机关备案) and everyone notified. Its days are the
    duty_day rows of the period."""

    __tablename__ = "holiday_rota"
    __table_args__ = (UniqueConstraint("start", name="uq_holiday_rota_start"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=16)
    start: date
    end: date
    filed_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    filed_to: str = Field(default="", max_length=64)
    filed_by: str = Field(default="", max_length=32)
    notified_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    notified_note: str = Field(default="")
    notified_by: str = Field(default="", max_length=32)
    created_at: datetime = Field(sa_type=DateTime)


# -- 防篡改 (tamper evidence) ---------------------------------------------------


class EvidenceLink(SQLModel, table=True):
    """A link of a register's hash chain (domain/evidence.py): one per row
    written by the app (新增) and per change the app made to it (修改), in
    the same transaction. Append-only (triggers refuse UPDATE/DELETE)."""

    __tablename__ = "evidence_link"
    __table_args__ = (
        UniqueConstraint("register_name", "seq", name="uq_evidence_link_seq"),
        Index("ix_evidence_link_row", "table_name", "row_id"),
        Index("ix_evidence_link_at", "register_name", "at", "seq"),  # a month's heads (ledger export)
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    register_name: str = Field(max_length=16, description="登记簿, e.g. 用印登记")
    seq: int = Field(description="place in the register's chain, from 1")
    table_name: str = Field(max_length=32)
    row_id: int
    op: str = Field(max_length=8, description="新增 / 修改")
    at: datetime = Field(sa_type=DateTime)
    row_digest: str = Field(max_length=64)
    tags: str = Field(default="", description="2 hex characters per covered column")
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


# -- identity and approvals (#13) ----------------------------------------------


class StaffCredential(SQLModel, table=True):
    """A member of staff's personal PIN, kept only as a slow salted hash
    (domain.pins). Replaced when reset or changed; every change audited."""

    __tablename__ = "staff_credential"
    __table_args__ = (UniqueConstraint("staff_id", name="uq_staff_credential_staff"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    pin_hash: str = Field(max_length=200)
    set_at: datetime = Field(sa_type=DateTime)
    set_by_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    set_by_name: str = Field(default="", max_length=32)


class PinState(SQLModel, table=True):
    """Wrong PIN tries in a row and when the next try is allowed (the lock).
    A counter, not evidence: each wrong try is also in the operation log."""

    __tablename__ = "pin_state"

    staff_id: int = Field(primary_key=True, foreign_key="staff.id")
    failures: int = Field(default=0)
    not_before: Optional[datetime] = Field(default=None, sa_type=DateTime)


class Approval(SQLModel, table=True):
    """An approval given by the approver in person: written only after the
    approver typed their own PIN (services/identity.py). Append-only
    (triggers refuse UPDATE and DELETE). ``kind`` says what was approved
    (用印审批, 否定报备领导意见, 办件延期, 信访延期, 中长假值班表审签);
    ``subject_table``/``subject_id`` the record it is about."""

    __tablename__ = "approval"

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    subject_table: str = Field(max_length=32)
    subject_id: int = Field(index=True)
    approver_id: int = Field(foreign_key="staff.id")
    approver_name: str = Field(max_length=32)
    agree: bool = Field(default=True)
    text: str = Field(default="")
    operator_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    operator_name: str = Field(default="", max_length=32)
    recorded_at: datetime = Field(sa_type=DateTime)
