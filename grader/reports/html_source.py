"""A student's code beside the feedback: the source of each graded
function, highlighted, numbered as in the file, with the lines the
feedback points at marked (where the function is defined, with its verdict,
and each line an error was raised on).

The file is read here as text and parsed (`ast`), never run. It is read the
way grading opens a submission: not through a symbolic link, a regular file
only, and at most MAX_BYTES of it; a file that cannot be read so is not
shown. Highlighting is one regular expression over the text (comments,
strings, numbers, names, operators; names sorted into keywords, builtins
and names being defined): it takes any text, a file that does not parse
included, in about a millisecond, a fifth of what a full Python lexer
(pygments) takes, paid on every page of every run. The templates escape
every piece of it."""
from __future__ import annotations

import ast
import builtins
import keyword
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..results import FunctionResult, SubmissionResult

MAX_BYTES = 256 * 1024
MAX_LINES = 400          # of a file shown whole, when it does not parse
# the pieces of code drawn in a colour of their own (base.html.j2), each a named group: the class it gets
TOKEN = re.compile(r"""
  (?P<c>\#[^\n]*)
| (?P<s>[rRbBuUfF]{0,2}(?:"{3}(?:\\.|[^\\])*?(?:"{3}|\Z)|'{3}(?:\\.|[^\\])*?(?:'{3}|\Z)
                        |"(?:\\.|[^"\\\n])*(?:"|$)|'(?:\\.|[^'\\\n])*(?:'|$)))
| (?P<nd>^[ \t]*@[^\W\d][\w.]*)
| (?P<n>[^\W\d]\w*)
| (?P<m>(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?))
| (?P<o>\*\*=?|//=?|<<=?|>>=?|->|:=|[-+*/%@&|^~<>=!]=?)
""", re.M | re.X)
KEYWORDS = frozenset(keyword.kwlist)
BUILTINS = frozenset(dir(builtins))


@dataclass
class Line:
    number: int
    parts: list[tuple[str, str]]              # (class, text): class "" for plain text
    marks: list[str] = field(default_factory=list)   # what the feedback says of this line (an error)
    verdict: FunctionResult | None = None            # the function defined on this line, whose verdict it shows


@dataclass
class Listing:
    """Lines of the file to show, with a caption."""
    caption: str
    lines: list[Line]


def read_source(path: str) -> str | None:
    """The submission's text, or None where it is not a readable regular
    file reached without a symbolic link, or is too large."""
    try:
        if os.path.realpath(path) != os.path.abspath(path):   # a link somewhere on the way
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        data = os.read(fd, MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        return None
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def pieces(source: str) -> list[tuple[str, str]]:
    """`source` cut into (class, text) pieces, class "" for plain text."""
    out: list[tuple[str, str]] = []
    at, previous = 0, ""
    for m in TOKEN.finditer(source):
        if m.start() > at:
            out.append(("", source[at:m.start()]))
        css, text = m.lastgroup or "", m.group()
        if css == "n":   # a name: a keyword, a builtin, a name being defined, or plain
            css = "nf" if previous in ("def", "class") else "k" if text in KEYWORDS else \
                "nb" if text in BUILTINS else ""
            previous = text
        out.append((css, text))
        at = m.end()
    if at < len(source):
        out.append(("", source[at:]))
    return out


def highlighted(source: str) -> list[list[tuple[str, str]]]:
    """Each line of `source` as (class, text) pieces; a piece over several lines is cut at each line's end."""
    lines: list[list[tuple[str, str]]] = [[]]
    for css, text in pieces(source):
        for i, piece in enumerate(text.split("\n")):
            if i:
                lines.append([])
            if piece:
                lines[-1].append((css, piece))
    if source.endswith("\n"):
        lines.pop()
    return lines


@dataclass(frozen=True)
class Definition:
    """Where a function is defined: its first line (decorators included), its `def` line, its last line."""
    first: int
    line: int
    last: int
    top: bool        # at the module's top level


def definitions(tree: ast.Module) -> dict[str, list[Definition]]:
    """Each function defined in the module, at any depth of statements (in a
    class, an `if`, another function): its definitions, in the file's order.
    Only statements are visited: a function is never inside an expression."""
    found: dict[str, list[Definition]] = {}
    todo = [(node, True) for node in tree.body]
    while todo:
        node, top = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            found.setdefault(node.name, []).append(Definition(first, node.lineno, node.end_lineno or node.lineno, top))
        for field_name in ("body", "orelse", "finalbody", "handlers", "cases"):
            todo += [(child, False) for child in getattr(node, field_name, []) if isinstance(child, ast.AST)]
    return {name: sorted(spans, key=lambda d: d.first) for name, spans in found.items()}


def definition_of(f: FunctionResult, found: dict[str, list[Definition]]) -> Definition | None:
    """Where `f` is defined: the definition on the line the student's process
    named, else the last one at the module's top level (the one Python binds), else the last one."""
    candidates = found.get(f.name, [])
    named = [d for d in candidates if f.line in (d.first, d.line)]
    top = [d for d in candidates if d.top]
    return (named or top or candidates or [None])[-1]


def error_lines(f: FunctionResult) -> dict[int, list[str]]:
    """The lines of the student's file on which an error of f's checks was raised, with those checks."""
    found: dict[int, list[str]] = {}
    for c in f.checks:
        for number in c.lines:
            if c.name not in found.setdefault(number, []):
                found[number].append(c.name)
    return found


def listings(s: SubmissionResult) -> tuple[dict[str, Listing], Listing | None]:
    """Each graded function's listing, by name; and the whole file's, where
    it does not parse (then no function's can be told apart)."""
    source = read_source(s.path)
    if source is None:
        return {}, None
    lines = highlighted(source)
    file_name = Path(s.path).name
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        shown = [Line(n, parts) for n, parts in enumerate(lines[:MAX_LINES], 1)]
        where = getattr(e, "lineno", None)
        if isinstance(e, SyntaxError) and where and 0 < where <= len(shown):
            shown[where - 1].marks.append(f"SyntaxError: {e.msg}")
        more = f", the first {MAX_LINES} of {len(lines)} lines" if len(lines) > MAX_LINES else ""
        return {}, Listing(f"{file_name}, which does not parse{more}", shown)
    defined = definitions(tree)
    found = {}
    for f in s.functions:
        d = definition_of(f, defined)
        if d is None:
            continue
        first, last = d.first, d.last
        shown = [Line(n, lines[n - 1] if n <= len(lines) else []) for n in range(first, last + 1)]
        shown[d.line - first].verdict = f
        for number, checks in error_lines(f).items():
            if first <= number <= last:
                shown[number - first].marks.append("raised an error here: " + ", ".join(checks))
        found[f.name] = Listing(f"{file_name}, lines {first}\u2013{last}", shown)
    return found, None
