"""`grades.json`: the result model in its JSON form, for scripts. It is
written a submission at a time (a class's whole result can be too large to
hold, results.StreamedSubmissions), and is byte for byte the JSON of the
whole model."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from ..atomic import write_pieces
from ..results import AssignmentResult, SubmissionResult

FILENAME = "grades.json"
INDENT = 2


def pieces(result: AssignmentResult) -> Iterator[str]:
    """The text of `result.model_dump_json(indent=2)`, a submission at a time:
    the model without its submissions, each submission's JSON indented two
    levels deeper in their list's place. (The result models write NaN and
    infinities as NaN and Infinity, see results.Record; a JSON string never
    holds a raw line break, so indenting every line is safe.)"""
    empty = result.model_copy(update={"submissions": []})
    text = empty.model_dump_json(indent=INDENT)
    at = text.rindex("[]")   # submissions is the last field, and the only empty list at its end
    head, tail = text[:at + 1], text[at + 1:]
    inner = "\n" + " " * (2 * INDENT)
    yield head
    count = 0
    for submission in result.submissions:
        yield ("," if count else "") + inner + submission.model_dump_json(indent=INDENT).replace("\n", inner)
        count += 1
    yield ("\n" + " " * INDENT if count else "") + tail + "\n"


def write(result: AssignmentResult, folder: Path) -> list[Path]:
    return [write_pieces(Path(folder) / FILENAME, pieces(result))]


# --- reading it back, a submission at a time (grade merge) ---------------------------------------

CHUNK = 1 << 20


class _Reader:
    """JSON values read one after another from a file, with no more of it in
    memory than the value being read (the standard decoder, fed in chunks)."""

    def __init__(self, stream):
        self.stream, self.text, self.at, self.ended = stream, "", 0, False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.ended:
            return False
        chunk = self.stream.read(max(CHUNK, len(self.text) - self.at))   # at least doubles what is unread
        self.text, self.at = self.text[self.at:] + chunk, 0
        self.ended = not chunk
        return bool(chunk)

    def next_char(self) -> str:
        """The next character that is not white space (consumed); '' at the end."""
        while True:
            while self.at < len(self.text) and self.text[self.at] in " \t\r\n":
                self.at += 1
            if self.at < len(self.text):
                self.at += 1
                return self.text[self.at - 1]
            if not self._more():
                return ""

    def peek(self) -> str:
        """The next character that is not white space, left unread; '' at the end."""
        char = self.next_char()
        if char:
            self.at -= 1
        return char

    def value(self):
        """The next value; read on while it may go on past what is read (a number, or a half read value)."""
        if not self.peek():
            raise ValueError("the file ends where a value is due")
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.at)
                if end < len(self.text) or self.ended:
                    self.at = end
                    return value
            except json.JSONDecodeError:
                if self.ended:
                    raise
            self._more()

    def expect(self, *chars: str) -> str:
        """The next character, which must be one of `chars` (consumed)."""
        found = self.next_char()
        if found not in chars:
            raise ValueError(f"expected {' or '.join(map(repr, chars))}, found {found or 'the end of the file'!r}")
        return found


def read_submissions(stream, head: dict) -> Iterator[SubmissionResult]:
    """The submissions of a `grades.json` open as `stream`, one at a time;
    its other fields (assignment, title, ...) go into `head` as they are met.
    Raises ValueError (or pydantic's ValidationError) where it is not one,
    wherever it ends."""
    reader = _Reader(stream)
    reader.expect("{")
    if reader.peek() == "}":
        reader.expect("}")
    else:
        while True:
            key = reader.value()
            if not isinstance(key, str):
                raise ValueError(f"expected a key, found {key!r}")
            reader.expect(":")
            if key == "submissions":
                yield from _submissions(reader)
            else:
                head[key] = reader.value()
            if reader.expect(",", "}") == "}":
                break
    if reader.next_char():
        raise ValueError("more after the end of the JSON document")


def _submissions(reader: _Reader) -> Iterator[SubmissionResult]:
    """The list of submissions, read one at a time."""
    reader.expect("[")
    if reader.peek() == "]":
        reader.expect("]")
        return
    while True:
        yield SubmissionResult.model_validate(reader.value())
        if reader.expect(",", "]") == "]":
            return
