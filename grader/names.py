"""File names and other untrusted text, as data.

A file name may be any bytes but '/' and NUL: bytes that are not UTF-8
(which Python holds as lone surrogates), newlines, terminal escapes, `::`.
A submission's file name becomes the student's name in one place,
`student_name`, at discovery: a printable, valid UTF-8 text, the same on
every run (results are saved and found again under it) and different for
different names (a backslash is doubled, so that no escape can be forged).
Each output then escapes it, like any text, the way its own format needs.
`valid_text` is what the result model does to every path and message, so
that each can be written as UTF-8; `for_log`, how the terminal and a CI
log show any text."""
from __future__ import annotations

SURROGATES = range(0xD800, 0xE000)
FILE_NAME_BYTES = range(0xDC80, 0xDD00)   # how Python holds a byte of a file name that is not UTF-8


def escape(c: str) -> str:
    """One character as a Python-style escape: \\xff for a byte of a file
    name that is not UTF-8, \\n, \\x1b, \\u202e, ... for the others."""
    code = ord(c)
    if code in FILE_NAME_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    if c in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[c]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, keep: str = "") -> str:
    """`text` with every character that is not printable (controls, escapes,
    invisible format characters such as U+202E, lone surrogates) escaped,
    but those in `keep` (say, newlines, where an output shows lines)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else escape(c) for c in text)


def student_name(file_name: str) -> str:
    """The name a student is known by, from a file or folder name: printable,
    valid UTF-8, stable across runs, and distinct for distinct names."""
    return printable(file_name.replace("\\", "\\\\"))


def valid_text(text: str) -> str:
    """`text`, with any lone surrogate escaped, so that it can be written as
    UTF-8 (such text comes from a file name that is not UTF-8, for one)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join(escape(c) if ord(c) in SURROGATES else c for c in text)


def for_log(text: str) -> str:
    """Text as the terminal and a CI log show it, where a line is more than
    text: every unprintable character escaped (an ESC sequence drives a
    terminal, a carriage return rewrites a line), and no line that a GitHub
    runner would take for a workflow command: none starting with `::` (after
    any spaces, which the runner skips), none holding the older `##[`."""
    lines = []
    for line in printable(text, keep="\n").split("\n"):
        line = line.replace("##[", "#\\x23[")
        start = len(line) - len(line.lstrip())
        if line.startswith("::", start):
            line = line[:start] + "\\x3a" + line[start + 1:]
        lines.append(line)
    return "\n".join(lines)
