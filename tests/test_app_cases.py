"""F4 受理登记 at 80x24, driven by real keys: an intake refused then saved
with the 一次性告知书 of what is missing, the steps to 办结; a refusal
(否定报备) with its deadlines and follow-ups; the 工作台 panel."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from cunwu_tui.features.cases.service import CaseIntake
from cunwu_tui.ui.app import CunwuApp
from cunwu_tui.features.cases.screens import CaseDetailScreen, CasesScreen, IntakeForm, ResidentForm, SimpleForm
from cunwu_tui.ui.screens.dialogs import ConfirmDialog
from cunwu_tui.features.lookup.screens import LetterDialog

from test_app import SIZE, TODAY, start, type_text, wait_for
from identity_helpers import PIN

ID = "11010519491231002X"


@pytest.fixture(autouse=True)
def _papers_in_tmp(tmp_path, monkeypatch):
    """Receipts and letters are written to ./exports: keep them out of the checkout."""
    monkeypatch.chdir(tmp_path)


def detail_text(screen) -> str:
    return str(screen.query_one("#case-detail", Static).render())


def error_of(screen, field: str) -> str:
    return str(screen.query_one(f"#err-{field}", Static).render())


async def new_intake(pilot, query: str):
    app = pilot.app
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
    await wait_for(pilot, lambda: app.services.catalog.ready)
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, IntakeForm))
    await type_text(pilot, query)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    return app.screen


async def pick_applicant(pilot, name: str):
    await type_text(pilot, name)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_intake_refused_then_saved_letter_steps_and_conclusion(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        cases = app.services.cases
        before = len(cases.list("全部"))
        form = await new_intake(pilot, "住院报销")
        assert form.code == "MS-ZHUYUAN-BAOXIAO"
        assert "已选" in str(form.query_one("#matter-chosen", Static).render())
        # the applicant is new: Ctrl+R registers them; a wrong check digit is refused at the field
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ResidentForm))
        rform = app.screen
        await type_text(pilot, "吴小燕")
        rform.query_one("#f-id_number", Input).value = "110105194912310021"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ResidentForm) and "校验" in error_of(rform, "id_number")
        assert app.services.residents.search("吴小燕") == []
        rform.query_one("#f-id_number", Input).value = ID.lower()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is form)
        assert form.resident_id is not None
        assert "110105********002X" in str(form.query_one("#resident-chosen", Static).render())
        # no time limit for a 承诺件: refused, says why, keeps what was typed, saves nothing
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "承诺办结时限" in error_of(form, "limit")
        assert len(cases.list("全部")) == before
        assert form.code == "MS-ZHUYUAN-BAOXIAO" and form.resident_id is not None
        form.query_one("#f-limit", Input).focus()
        await type_text(pilot, "5")
        await pilot.press("ctrl+s")
        # the 收件回执 first (限时办结制), written for printing
        await wait_for(pilot, lambda: isinstance(app.screen, LetterDialog))
        assert "收件回执" in app.screen._text and "经办人" in app.screen._text and app.screen._path.endswith(".xlsx")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        # the document was not ticked: the letter lists it
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterDialog))
        assert "尚缺材料" in app.screen._text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        detail = app.screen
        row = cases.row(detail.case_id)
        assert row.number.startswith(f"〔{row.received_at.year}〕第") and row.next_due_what == "承诺办结"
        assert "下一步：第1步" in detail_text(detail)
        steps = len(detail.detail.steps)
        for n in range(steps):
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
            await type_text(pilot, f"已办{n + 1}")
            await pilot.press("enter")  # Enter on the only field saves
            await wait_for(pilot, lambda: app.screen is detail)
        assert detail.detail.finished_steps and "J 登记办结" in detail_text(detail)
        await pilot.press("j")
        await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
        await pilot.press("ctrl+s")  # no result: refused
        await pilot.pause()
        assert isinstance(app.screen, SimpleForm) and "办理结果" in error_of(app.screen, "result")
        await type_text(pilot, "已报销")
        await pilot.press("ctrl+s")  # a document is still missing: the reason is asked for
        await pilot.pause()
        assert isinstance(app.screen, SimpleForm) and "理由" in error_of(app.screen, "missing_reason")
        app.screen.query_one("#f-missing_reason", Input).value = "医院已直接传送结算单"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        assert cases.row(detail.case_id).status == "办结"
        assert "办理结果：已报销" in detail_text(detail)
        text = detail_text(detail)
        assert text.count("完成步骤") == steps and "受理登记" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("s", "s", "s")  # 在办 -> 即将到期 -> 逾期 -> 办结
        await pilot.pause()
        table = app.screen.query_one("#case-table", DataTable)
        assert any(row.number.split("〕")[1] in str(c) for i in range(table.row_count) for c in table.get_row_at(i))


async def test_refusal_with_its_deadlines_and_follow_ups(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        services = app.services
        resident = services.residents.add("李四", "居民身份证", ID)
        form = await new_intake(pilot, "hkqy")  # 户口迁移 by its initials
        assert form.code == "MS-HUKOU-QIANYI"
        form.query_one("#f-resident", Input).focus()
        await pick_applicant(pilot, "李四")
        assert form.resident_id == resident.id
        form.query_one("#f-limit", Input).value = "10"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterDialog))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        detail = app.screen
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
        refuse = app.screen
        await pilot.press("ctrl+s")  # reason and basis are required
        await pilot.pause()
        assert "理由" in error_of(refuse, "reason") and "依据" in error_of(refuse, "basis")
        assert services.cases.row(detail.case_id).status == "在办"
        refuse.query_one("#f-reason", Input).value = "迁入地不符合落户条件"
        refuse.query_one("#f-basis", Input).value = "《户口登记条例》第十条"
        refuse.query_one("#f-beyond").focus()
        await pilot.press("space")  # beyond the clerk's authority: a leader must be chosen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "领导" in error_of(refuse, "leader")
        refuse.query_one("#f-leader").value = next(p.id for p in services.staff.list() if p.name == "李秀英")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        text = detail_text(detail)
        assert "【否定报备】不予受理" in text and "领导审核意见" in text and "书面告知申请人" in text
        assert "L 领导意见" in str(detail.query_one("#case-keys", Static).render())
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
        opinion = app.screen
        await pilot.press("ctrl+s")  # 同意 by default, but the leader has not typed her PIN
        await pilot.pause()
        assert app.screen is opinion and "李秀英" in error_of(opinion, "leader_pin")
        opinion.query_one("#f-leader_pin", Input).focus()
        await type_text(pilot, PIN)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        # Y prints the 不予受理告知书; W then records when it was handed over
        assert "Y 不予受理告知书" in str(detail.query_one("#case-keys", Static).render())
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterDialog))
        paper = app.screen._text
        assert "不予受理告知书" in paper and "迁入地不符合落户条件" in paper and "《户口登记条例》第十条" in paper
        assert app.screen._path.endswith(".xlsx")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
        app.screen.query_one("#f-told_on", Input).value = f"{services.core.now():%Y-%m-%d}"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
        app.screen.query_one("#f-signed_by", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "签收" in error_of(app.screen, "signed_by")
        app.screen.query_one("#f-materials", Input).value = "户口簿复印件"
        app.screen.query_one("#f-signed_by", Input).value = "李四"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        text = detail_text(detail)
        assert "退还材料：户口簿复印件，签收人：李四" in text
        assert not services.cases.row(detail.case_id).overdue
        [ledger] = [
            r
            for r in services.cases.refusals_between(
                services.core.now().date().replace(day=1), date_after(services.core.now().date())
            )
            if r.applicant == "李四"
        ]
        assert ledger.leader == "李秀英" and ledger.told_on is not None


def date_after(d):
    from datetime import timedelta

    return d + timedelta(days=1)


async def test_dashboard_counts_due_and_overdue_cases(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        text = str(app.screen.query_one("#cases", Static).render())
        c = app.services.cases.counts(TODAY)
        assert f"逾期 {c.overdue} 件" in text and f"今日到期 {c.due_today} 件" in text
        if c.oldest_overdue:
            assert c.oldest_overdue.number in text


async def test_intake_started_from_the_matter_lookup(demo_db):
    from cunwu_tui.features.lookup.screens import LookupScreen, MatterScreen

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen) and app.services.catalog.ready)
        await type_text(pilot, "zybx")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MatterScreen))
        assert app.screen.code == "MS-ZHUYUAN-BAOXIAO"
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeForm))
        assert app.screen.code == "MS-ZHUYUAN-BAOXIAO"
        assert "住院报销" in str(app.screen.query_one("#matter-chosen", Static).render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))


async def test_void_a_case_taken_in_by_mistake(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        cases = app.services.cases
        target = next(r for r in cases.list("在办") if r.status == "在办")
        app.push_screen(CaseDetailScreen(target.id))
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        detail = app.screen
        assert "Z 作废" in str(detail.query_one("#case-keys", Static).render())
        await pilot.press("z")
        await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "作废原因" in error_of(app.screen, "void_reason") and cases.row(target.id).status == "在办"
        await type_text(pilot, "重复登记")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        assert cases.row(target.id).status == "已作废"
        assert "作废原因：重复登记" in detail_text(detail)
        assert "Z 作废" not in str(detail.query_one("#case-keys", Static).render())


async def test_a_branch_is_chosen_by_its_place_in_the_list(demo_db):
    """B offers the branches the case can take; the choice saved is the one
    picked (the Select holds its index, no packed "label|step" text), and a
    key the case does not allow says why."""
    from textual.widgets import Select

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        s = app.services
        clerk = next(p for p in s.staff.list() if p.active)
        rid = s.residents.search("李德全")[0].id
        d = s.cases.intake_defaults("MS-DIBAO", "000_df0ea5699719fa07.txt")
        row = s.cases.add(
            CaseIntake(
                matter_code="MS-DIBAO",
                resident_id=rid,
                channel="来访",
                first_officer_id=clerk.id,
                kind="承诺件",
                received=[True] * len(d.documents),
                limit_value=20,
                limit_unit="工作日",
                seed=d.seed,
            )
        )
        for n in (1, 2, 3):
            s.cases.complete_step(row.id, n)
        choices = s.cases.detail(row.id).choices
        assert len(choices) >= 2
        app.push_screen(CaseDetailScreen(row.id))
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        detail = app.screen
        keys = str(detail.query_one("#case-keys", Static).render())
        assert keys.startswith("B 选择办理情况") and "D 办理本步" not in keys
        assert "请按 B 选择办理情况" in detail_text(detail)
        await pilot.press("d")  # no step to do before the choice: says so, stays
        await pilot.pause()
        assert app.screen is detail
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
        app.screen.query_one("#f-choice", Select).value = len(choices) - 1
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        after = s.cases.detail(row.id)
        assert not after.choices and after.timeline[-1].what == "办理情况"
        want = choices[-1]
        assert want.first_step is None or after.current_step == want.first_step


def _case_waiting_on_its_notice(db_url) -> str:
    """A 低保 case (seed 000) at its 第一次公示 step with the notice running."""

    from cunwu_tui.services import open_services
    from cunwu_tui.services.core import day_clock

    s = open_services(db_url, clock=day_clock(TODAY))  # the app's day (CunwuApp(today=TODAY))
    clerk = next(p for p in s.staff.list() if p.active)
    s.set_operator(clerk.id, PIN)
    rid = s.residents.search("李德全")[0].id
    d = s.cases.intake_defaults("MS-DIBAO", "000_df0ea5699719fa07.txt")
    row = s.cases.add(
        CaseIntake(
            "MS-DIBAO",
            rid,
            "来访",
            clerk.id,
            "承诺件",
            [True] * len(d.documents),
            "",
            20,
            "工作日",
            False,
            "000_df0ea5699719fa07.txt",
        )
    )
    for n in (1, 2, 3):
        s.cases.complete_step(row.id, n)
    s.cases.choose(row.id, "")
    for n in (6, 7, 8):
        s.cases.complete_step(row.id, n)
    s.cases.publish_notice(row.id, "低保第一次公示：李德全", "公开栏", s.core.now(), 7, "日")
    s.close()
    return row.number


async def test_a_case_waiting_on_its_notice_suggests_no_refused_key(demo_db):
    number = _case_waiting_on_its_notice(demo_db)
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        screen = app.screen
        await pilot.press("slash")
        await type_text(pilot, number[number.index("第") + 1 : -1])
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        detail = app.screen
        text = detail_text(detail)
        keys = str(detail.query_one("#case-keys", Static).render())
        assert "下一步：第9步" in text and "按 D" not in text
        assert "期满并登记结果后才能完成本步" in text
        assert "第一次公示〔" in text and "公示中" in text  # the step's notice chain
        assert "D 办理本步" not in keys and "G 发布公示" not in keys and "J 办结" not in keys
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is detail and app.services.cases.detail(detail.case_id).current_step == 9
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_f4_search_looks_in_every_status_and_shows_the_filter(demo_db):
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        screen = app.screen
        bar = lambda: str(screen.query_one("#case-filter", Static).render())  # noqa: E731
        assert bar().startswith("筛选：在办")
        # 李德全's 户口迁移 is concluded: a search still finds it
        await pilot.press("slash")
        await type_text(pilot, "李德全")
        await pilot.pause()
        table = screen.query_one("#case-table", DataTable)
        assert table.row_count >= 1 and "查找范围：全部状态" in bar()
        statuses = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
        assert "办结" in statuses
        # choosing a filter with S limits the search, and says so
        await pilot.press("escape", "s")
        await pilot.pause()
        assert bar().startswith("筛选：在办") and "找到" in bar()
        assert "办结" not in {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
        await pilot.press("s", "s", "s")
        await pilot.pause()
        assert bar().startswith("筛选：办结")
        assert {str(table.get_row_at(i)[3]) for i in range(table.row_count)} == {"办结"}


def _case_missing_documents(db_url) -> tuple[str, int]:
    from cunwu_tui.services import open_services
    from cunwu_tui.services.core import day_clock

    s = open_services(db_url, clock=day_clock(TODAY))  # the app's day (CunwuApp(today=TODAY))
    clerk = next(p for p in s.staff.list() if p.active)
    s.set_operator(clerk.id, PIN)
    rid = s.residents.search("陈小军")[0].id
    n = len(s.cases.intake_defaults("MS-HUKOU-QIANYI").documents)
    row = s.cases.add(CaseIntake("MS-HUKOU-QIANYI", rid, "来访", clerk.id, "承诺件", [False] * n, "", 5, "工作日"))
    s.close()
    return row.number, n


async def test_late_documents_and_concluding_with_some_still_missing(demo_db):
    from cunwu_tui.features.cases.screens import LateDocumentsForm

    number, n = _case_missing_documents(demo_db)
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("slash")
        await type_text(pilot, number[number.index("第") + 1 : -1])
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        detail = app.screen
        assert detail.detail.row.number == number
        assert "C 补交" in str(detail.query_one("#case-keys", Static).render())
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, LateDocumentsForm))
        form = app.screen
        await pilot.press("ctrl+s")  # nothing ticked: refused at the field
        await pilot.pause()
        assert app.screen is form and "勾选" in error_of(form, "documents")
        await pilot.press("space", "down", "space")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        d = app.services.cases.detail(detail.case_id)
        assert len(d.missing) == n - 2 and "补交" in detail_text(detail)
        # J with documents still missing asks why
        await pilot.press("j")
        await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
        jform = app.screen
        await type_text(pilot, "准予迁入")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is jform and "理由" in error_of(jform, "missing_reason")
        jform.query_one("#f-missing_reason", Input).value = "迁移证明由派出所直接调取"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        assert app.services.cases.row(detail.case_id).status == "办结"
        assert "缺材料办结理由：迁移证明由派出所直接调取" in detail_text(detail)


async def test_residents_register_search_detail_correct_and_merge(demo_db):
    from cunwu_tui.services import open_services
    from cunwu_tui.services.core import day_clock
    from cunwu_tui.features.residents.screens import CorrectForm, MergeForm, ResidentDetailScreen, ResidentsScreen

    s = open_services(demo_db, clock=day_clock(TODAY))  # the app's day (CunwuApp(today=TODAY))
    s.set_operator(next(p for p in s.staff.list() if p.active).id, PIN)
    dup = s.residents.add("李德全", "户口簿", "HK0001", "", "三组")
    kept = (
        s.residents.search("李德全")[0]
        if s.residents.search("李德全")[0].id != dup.id
        else s.residents.search("李德全")[1]
    )
    s.close()
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ResidentsScreen))
        reg = app.screen
        info = lambda: str(reg.query_one("#res-info", Static).render())  # noqa: E731
        assert "全部居民" in info() and "第 1/1 页" in info()
        table = reg.query_one("#res-table", DataTable)
        assert all("*" in str(table.get_row_at(i)[2]) for i in range(table.row_count) if str(table.get_row_at(i)[2]))
        await pilot.press("slash")
        await type_text(pilot, "三组")
        await pilot.pause()
        assert "共 3 人" in info()  # 李德全, 赵春花 and the duplicate
        await pilot.press("enter")  # to the list
        # the duplicate: H merges it into the one kept, with a reason
        row = next(
            i
            for i in range(table.row_count)
            if "*" in str(table.get_row_at(i)[2])
            and str(table.get_row_at(i)[0]) == "李德全"
            and "HK" in str(table.get_row_at(i)[2])
        )
        table.move_cursor(row=row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResidentDetailScreen))
        detail = app.screen
        assert detail.resident_id == dup.id and "共 0 件" in str(detail.query_one("#res-detail", Static).render())
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, MergeForm))
        form = app.screen
        form.query_one("#f-kept").value = kept.id
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "原因" in error_of(form, "reason")
        form.query_one("#f-reason", Input).value = "同一人用户口簿重复登记"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        text = str(detail.query_one("#res-detail", Static).render())
        assert "已合并到：李德全" in text and "同一人用户口簿重复登记" in text
        assert "H 合并" not in str(detail.query_one("#res-keys", Static).render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is reg)
        # the kept one: all its cases in every status, and a correction on the record
        row = next(
            i
            for i in range(table.row_count)
            if str(table.get_row_at(i)[0]) == "李德全" and "HK" not in str(table.get_row_at(i)[2])
        )
        table.move_cursor(row=row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResidentDetailScreen))
        detail = app.screen
        cases = detail.query_one("#res-cases", DataTable)
        statuses = {str(cases.get_row_at(i)[2]) for i in range(cases.row_count)}
        assert "办结" in statuses
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, CorrectForm))
        cform = app.screen
        cform.query_one("#f-phone", Input).value = "1383510"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is cform and error_of(cform, "phone")
        cform.query_one("#f-phone", Input).value = "13835100199"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        assert "138****0199" in str(detail.query_one("#res-detail", Static).render())
        assert app.services.audit.recent(1)[0].action == "修改"
        # Enter on a case opens it
        cases.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))


async def test_postpone_an_ordinary_case_with_a_leaders_approval(demo_db):
    number, _n = _case_missing_documents(demo_db)
    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("slash")
        await type_text(pilot, number[number.index("第") + 1 : -1])
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        detail = app.screen
        assert "E 延期" in str(detail.query_one("#case-keys", Static).render())
        before = app.services.cases.row(detail.case_id).next_due
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, SimpleForm))
        form = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "领导审批" in error_of(form, "leader") and error_of(form, "reason")
        from datetime import timedelta

        form.query_one("#f-new_due", Input).value = f"{before + timedelta(days=10):%Y-%m-%d}"
        form.query_one("#f-reason", Input).value = "需派出所出具迁移证明"
        form.query_one("#f-leader").value = next(p.id for p in app.services.staff.list() if p.name == "李秀英")
        form.query_one("#f-told").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "李秀英" in error_of(form, "leader_pin")  # approved in person only
        form.query_one("#f-leader_pin", Input).focus()
        await type_text(pilot, PIN)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is detail)
        row = app.services.cases.row(detail.case_id)
        assert row.next_due == before + timedelta(days=10) and row.next_due_what == "承诺办结（已延期）"
        assert "李秀英批准" in detail_text(detail)


async def test_office_rules_are_read_in_f3_and_never_taken_in(demo_db):
    from textual.widgets import OptionList

    from cunwu_tui.features.lookup.screens import LookupScreen, MatterScreen

    app = CunwuApp(demo_db, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, LookupScreen)
        results = screen.query_one("#results", OptionList)
        await wait_for(pilot, lambda: results.option_count > 100)
        await type_text(pilot, "首问负责制")
        await wait_for(pilot, lambda: results.option_count < 100)
        assert "机关效能建设制度" in str(results.get_option_at_index(0).prompt)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MatterScreen))
        detail = app.screen
        text = str(detail.query_one("#detail", Static).render())
        assert "仅供查阅，不是可受理的事项" in text and "出具收件回执" in text
        keys = str(detail.query_one("#keys", Static).render())
        assert "N 受理" not in keys and "P 告知书" not in keys
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is detail  # not taken to the intake form
        # nor offered in the intake's matter search
        form = await new_intake(pilot, "首问负责制")
        assert not any(c.startswith("ZD-") for c in form._matter_codes) and not form.code.startswith("ZD-")
        assert app.services.catalog.search("首问负责制", 5)[0].code == "ZD-JIGUAN-XIAONENG"  # F3 finds it
