"""argparse in Chinese: its own words translated where they are made, help
columns aligned by display width (a Chinese character takes two columns),
and every parsing error a Chinese sentence with exit status 2.

argparse marks its messages for translation with gettext (``argparse._``);
``install()`` points that at the small catalogue below, so usage lines,
section titles and errors come out in Chinese on every supported Python.
A message this catalogue does not know stays as argparse wrote it.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata

CATALOGUE: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "optional arguments": "选项",  # Python 3.9 and older
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s。请用 --help 查看用法",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有「%(value)s」这个选项，可选：%(choices)s",
    "invalid %(type)s value: %(value)r": "「%(value)s」不是有效的值",
    "expected one argument": "后面需要一个值",
    "expected at most one argument": "后面最多一个值",
    "expected at least one argument": "后面至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "not allowed with argument %s": "不能和参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须选一个",
    "ignored explicit argument %r": "多余的参数值 %r",
    "can't open '%(filename)s': %(error)s": "无法打开「%(filename)s」：%(error)s",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有「%(parser_name)s」这个命令，可选：%(choices)s",
}

_installed = False


def _translate(message: str) -> str:
    return CATALOGUE.get(message, message)


def install() -> None:
    """Point argparse's gettext at the catalogue (once per process)."""
    global _installed
    if not _installed:
        argparse._ = _translate  # type: ignore[attr-defined]
        _installed = True


# -- display width -------------------------------------------------------------


def width(text: str) -> int:
    """Columns a terminal gives ``text``: wide and full-width characters two."""
    return sum(
        2 if unicodedata.east_asian_width(ch) in ("W", "F") else 0 if unicodedata.combining(ch) else 1 for ch in text
    )


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most ``columns`` display columns; breaks at spaces where
    there are any, anywhere between Chinese characters."""
    columns = max(columns, 10)
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line, used = "", 0
        for token in re.findall(r"[A-Za-z0-9_\-./:=\"'<>()\[\]]+|\s+|.", para):
            w = width(token)
            if token.isspace():
                if line and used + 1 <= columns:
                    line, used = line + " ", used + 1
                continue
            if used + w > columns and line:
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + token, used + w
        lines.append(line.rstrip())
    return lines


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Help columns measured in display columns, not characters."""

    def add_argument(self, action: argparse.Action) -> None:
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(a) for a in self._iter_indented_subactions(action)]
            length = max(width(s) for s in invocations) + self._current_indent
            self._action_max_length = max(self._action_max_length, length)
            self._add_item(self._format_action, [action])

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        """argparse wraps the usage line by characters; wrap it again by
        display width, keeping each [选项 值] together."""
        text = super()._format_usage(usage, actions, groups, prefix)
        lines = text.rstrip("\n").split("\n")
        if all(width(line) <= self._width for line in lines):
            return text
        tokens = re.findall(r"\[[^\]]*\]|\S+", " ".join(line.strip() for line in lines))
        head = " ".join(tokens[:2]) if len(tokens) > 1 and not tokens[1].startswith("[") else tokens[0]
        rest = tokens[len(head.split(" ")) :]
        indent = " " * (width(head) + 1)
        out, line = [], head
        for tok in rest:
            if width(line) + 1 + width(tok) > self._width and line.strip():
                out.append(line)
                line = indent + tok
            else:
                line = f"{line} {tok}"
        out.append(line)
        return "\n".join(out) + "\n\n"

    def _fill_text(self, text: str, columns: int, indent: str) -> str:
        """Descriptions and epilogs keep their lines (and their indents) and
        wrap by display width."""
        out = []
        for para in text.splitlines():
            lead = para[: len(para) - len(para.lstrip())]
            out += [indent + lead + line for line in wrap(para.strip(), columns - width(indent + lead))]
        return "\n".join(out)

    def _split_lines(self, text: str, columns: int) -> list[str]:
        return wrap(" ".join(text.split()), columns)

    def _format_action(self, action: argparse.Action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent_first = 0
        if not action.help:
            header = " " * self._current_indent + header + "\n"
        elif width(header) <= action_width:
            header = " " * self._current_indent + header + " " * (action_width - width(header)) + "  "
        else:
            header = " " * self._current_indent + header + "\n"
            indent_first = help_position
        parts = [header]
        if action.help and action.help.strip():
            lines = self._split_lines(self._expand_help(action), help_width)
            if lines:
                parts.append(" " * indent_first + lines[0] + "\n")
                parts += [" " * help_position + line + "\n" for line in lines[1:]]
        elif not header.endswith("\n"):
            parts.append("\n")
        for sub in self._iter_indented_subactions(action):
            parts.append(self._format_action(sub))
        return self._join_parts(parts)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese: its own -h, section titles,
    the width-aware formatter, and errors as one Chinese sentence."""

    def __init__(self, *args, **kwargs):
        install()  # before argparse words its own -h
        if kwargs.get("formatter_class") in (None, argparse.HelpFormatter, argparse.RawDescriptionHelpFormatter):
            kwargs["formatter_class"] = Formatter
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{_plain(message)}\n")


def _plain(message: str) -> str:
    """What argparse left in English after the catalogue (older or newer
    Pythons word some messages differently)."""
    message = re.sub(r"\(choose from ([^)]*)\)", lambda m: "，可选：" + m.group(1).replace("'", ""), message)
    message = re.sub(r"^argument ([^:]+): ", r"参数 \1：", message)
    message = message.replace("invalid choice: ", "没有这个选项：")
    head, sep, choices = message.partition("可选：")
    if sep:
        message = head + sep + "、".join(c.strip(" '\"") for c in choices.split(","))
    return message


# -- typed arguments with Chinese messages -------------------------------------


def whole_number(low: int, high: int, what: str):
    """An argparse ``type`` for a whole number ``low``..``high``."""

    def parse(text: str) -> int:
        from cunwu_tui.domain import inputs

        try:
            value = inputs.integer(text, what, low, high)
        except inputs.InputError as exc:
            raise argparse.ArgumentTypeError(str(exc).rstrip("。")) from None
        assert value is not None
        return value

    parse.__name__ = what
    return parse
