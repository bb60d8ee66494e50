"""Following a case through its matter's steps (one source's variant of the
catalog). Pure: the state of a case is replayed from its append-only step
events, so the checklist on screen is exactly what the record says.

How the catalog encodes a flow: steps are numbered 1..n; a step with a
``branch`` label belongs to a branch (e.g. 有异议, 未通过, 职责范围内事项).
Consecutive branch steps form a *block*; inside a block, consecutive steps
with the same label form a *group*. Main-line steps have no label.

The rules:
- Steps are done in order; only the current step can be marked done.
- Reaching a block is a decision: the clerk picks one of the block's groups
  still ahead, or "继续主线" (none of them applies), which goes on with the
  first main-line step after the block. After a group's last step, the
  groups still ahead in the same block are offered again (the catalog's
  flattened flowcharts do not say which branches nest), with 继续主线.
- A group whose last step names ``next_on_branch`` goes back to that step
  (e.g. 村民有合理化建议 -> back to 修改完善方案).
- Where the catalog says which branch follows which (``after`` on a group's
  steps, e.g. 有异议/无异议 after 支出型困难's 公示, 不超过4倍/4倍以上 after
  无异议), the block is a tree: reaching it offers only the groups without
  ``after``; a finished group offers only the groups that name it (the
  alternatives the source gives, without 继续主线), and when none does the
  flow goes on after the block. Only what is reachable is offered.
- The clerk may send the case back to any step already reached (e.g. an
  upheld objection sends it back to 入户调查); the reason is recorded.
- After the last step the flow is finished.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

CONTINUE = ""  # the decision "继续主线"
CONTINUE_TEXT = "继续主线（不属于以上情况）"

DONE = "done"
BRANCH = "branch"
BACK = "back"


@dataclass(frozen=True)
class FlowStep:
    order: int
    text: str
    branch: str = ""
    next_on_branch: int | None = None
    needs_notice: bool = False
    limit_value: int | None = None  # the step's own time limit, if tracked
    limit_unit: str = ""  # 日 / 工作日
    actor: str = ""
    after: tuple[str, ...] = ()  # branch labels this group follows (a tree block)


@dataclass(frozen=True)
class FlowEvent:
    kind: str  # done | branch | back
    step: int | None = None  # done: the step's order; back: the step gone back to;
    # branch: the first step of the chosen group (labels may repeat)
    label: str = ""  # branch: the chosen label ("" = 继续主线)
    on: date | None = None  # when it happened (for step deadlines)


@dataclass(frozen=True)
class Choice:
    label: str  # "" for 继续主线
    first_step: int | None  # the step the choice leads to (None: the end)

    @property
    def text(self) -> str:
        return self.label or CONTINUE_TEXT


@dataclass(frozen=True)
class FlowState:
    current: int | None  # order of the step to do next (None: decision or finished)
    choices: tuple[Choice, ...]  # non-empty: a branch decision is due
    finished: bool
    done: tuple[int, ...]  # orders marked done, in the order they were done
    reached: frozenset[int]  # every step that has been current at some point
    current_since: date | None = None  # when the current step (or decision) was reached
    path: tuple[str, ...] = field(default=())  # branch labels taken, in order

    @property
    def waiting_decision(self) -> bool:
        return bool(self.choices)


class FlowError(ValueError):
    """A step event that the flow does not allow (Chinese message)."""


def _groups(steps: tuple[FlowStep, ...]) -> list[tuple[int, int, int]]:
    """(block_id, start_index, end_index inclusive) of every group."""
    out: list[tuple[int, int, int]] = []
    block = -1
    i = 0
    while i < len(steps):
        if not steps[i].branch:
            i += 1
            continue
        if i == 0 or not steps[i - 1].branch:
            block += 1
        j = i
        while j + 1 < len(steps) and steps[j + 1].branch == steps[i].branch:
            j += 1
        out.append((block, i, j))
        i = j + 1
    return out


class Flow:
    def __init__(self, steps: tuple[FlowStep, ...] | list[FlowStep]):
        self.steps = tuple(steps)
        orders = [s.order for s in self.steps]
        if len(set(orders)) != len(orders):
            raise ValueError("steps must have distinct orders")
        self._index = {s.order: i for i, s in enumerate(self.steps)}
        self._groups = _groups(self.steps)
        self._group_of: dict[int, tuple[int, int, int]] = {}
        for g in self._groups:
            for k in range(g[1], g[2] + 1):
                self._group_of[k] = g

    def step(self, order: int) -> FlowStep:
        return self.steps[self._index[order]]

    # -- positions ----------------------------------------------------------
    def _after_block(self, block: int) -> int | None:
        """Index of the first main-line step after ``block`` (None: the end)."""
        last = max(g[2] for g in self._groups if g[0] == block)
        return last + 1 if last + 1 < len(self.steps) else None

    def _tree(self, block: int) -> bool:
        return any(self.steps[g[1]].after for g in self._groups if g[0] == block)

    def _choice(self, g: tuple[int, int, int]) -> Choice:
        return Choice(self.steps[g[1]].branch, self.steps[g[1]].order)

    def _arrive(self, i: int | None) -> tuple[int | None, tuple[Choice, ...]]:
        """Arriving at index ``i`` from outside its group."""
        if i is None or i >= len(self.steps):
            return None, ()
        if not self.steps[i].branch:
            return i, ()
        block = self._group_of[i][0]
        tree = self._tree(block)
        ahead = [g for g in self._groups if g[0] == block and g[1] >= i and not (tree and self.steps[g[1]].after)]
        end = self._after_block(block)
        choices = tuple(self._choice(g) for g in ahead)
        if not (tree and end is None and choices):
            choices += (Choice(CONTINUE, self.steps[end].order if end is not None else None),)
        return None, choices

    def _after_group(self, g: tuple[int, int, int]) -> tuple[int | None, tuple[Choice, ...]]:
        """Where a tree block goes after group ``g``: the groups that follow
        it, else on after the block."""
        label = self.steps[g[1]].branch
        children = tuple(self._choice(h) for h in self._groups if h[0] == g[0] and label in self.steps[h[1]].after)
        if children:
            return None, children
        end = self._after_block(g[0])
        return (end, ()) if end is not None else (None, ())

    def _next(self, i: int) -> tuple[int | None, tuple[Choice, ...]]:
        """Where the flow goes after the step at index ``i`` is done."""
        g = self._group_of.get(i)
        if g is not None:
            if i < g[2]:
                return i + 1, ()
            back = self.steps[i].next_on_branch
            if back is not None and back in self._index:
                return self._index[back], ()  # a plain return: the step itself, not a decision
            if self._tree(g[0]):
                return self._after_group(g)
        return self._arrive(i + 1)

    def initial(self) -> FlowState:
        cur, choices = self._arrive(0)
        return self._state(cur, choices, (), frozenset(), None, ())

    def _state(
        self,
        cur: int | None,
        choices: tuple[Choice, ...],
        done: tuple[int, ...],
        reached: frozenset[int],
        since: date | None,
        path: tuple[str, ...],
    ) -> FlowState:
        current = self.steps[cur].order if cur is not None else None
        reached = reached | ({current} if current is not None else set())
        finished = cur is None and not choices
        return FlowState(current, choices, finished, done, frozenset(reached), since, path)

    # -- replay -------------------------------------------------------------
    def apply(self, state: FlowState, event: FlowEvent) -> FlowState:
        if event.kind == DONE:
            if state.current is None or event.step != state.current:
                if state.choices:
                    raise FlowError("请先选择办理情况（分支），再登记下一步。")
                if state.finished:
                    raise FlowError("步骤已全部完成。")
                raise FlowError(f"请按顺序办理：当前应办第{state.current}步。")
            cur, choices = self._next(self._index[event.step])
            return self._state(cur, choices, state.done + (event.step,), state.reached, event.on, state.path)
        if event.kind == BRANCH:
            if not state.choices:
                raise FlowError("当前没有需要选择的办理情况。")
            match = [
                c
                for c in state.choices
                if c.label == event.label
                and (event.step is None or event.label == CONTINUE or c.first_step == event.step)
            ]
            if not match:
                raise FlowError(f"办理情况「{event.label}」不在可选范围内。")
            c = match[0]
            if c.first_step is None:
                cur, choices = None, ()
            else:
                cur, choices = self._index[c.first_step], ()
            path = state.path + ((c.label or CONTINUE_TEXT),)
            return self._state(cur, choices, state.done, state.reached, event.on, path)
        if event.kind == BACK:
            if event.step is None or event.step not in self._index:
                raise FlowError("请选择要退回的步骤。")
            if event.step not in state.reached:
                raise FlowError(f"第{event.step}步尚未办到，不能退回到该步。")
            cur = self._index[event.step]
            return self._state(cur, (), state.done, state.reached, event.on, state.path)
        raise FlowError(f"未知的步骤操作：{event.kind}")

    def replay(self, events: list[FlowEvent] | tuple[FlowEvent, ...]) -> FlowState:
        state = self.initial()
        for e in events:
            state = self.apply(state, e)
        return state
