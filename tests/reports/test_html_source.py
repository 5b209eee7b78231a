"""The student's code beside the feedback: each graded function's source on
the student's page, numbered as in the file, its definition and the lines
errors were raised on marked; a hostile file shown as text (in Chromium: no
script of it runs); a file that is a link, a FIFO or too large not read."""
from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

from conftest import ROOT, line_of, replace_functions, replay_grades, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from test_html_browser import probe
from test_reports_browser import browse, console_messages

from grader.reports import html, html_source
from grader.sandbox import answers
from grader.results import AssignmentResult, Check, FunctionResult, SubmissionResult

LISTINGS = """
    return Array.prototype.map.call(document.querySelectorAll('.code'), function (code) {
        return Array.prototype.map.call(code.querySelectorAll('.l'), function (l) {
            return [Number(l.querySelector('.n').textContent), l.querySelector('.t').textContent,
                    Array.prototype.map.call(l.querySelectorAll('.say'), function (s) { return s.textContent; })];
        });
    });"""


def test_each_function_is_shown_as_in_the_file_with_its_verdict_marked(chromium, report):
    source = ROOT / "submissions" / "ner_window" / "transposed_dw.py"
    lines = source.read_text(encoding="utf-8").splitlines()
    listings = probe(chromium, report / "transposed_dw.html", LISTINGS)
    assert len(listings) == 5   # every graded function
    for listing in listings:
        for number, text, _ in listing:
            assert text == lines[number - 1]       # numbered as in the file
        numbers = [number for number, _, _ in listing]
        assert numbers == list(range(numbers[0], numbers[-1] + 1))
    [loss] = [listing for listing in listings if "def ner_loss_and_grads" in listing[0][1]]
    assert loss[0][0] == line_of(source, "def ner_loss_and_grads")
    assert re.fullmatch(r"failed ner_loss_and_grads: 4 / 5 points; \d+ checks? did not pass", " ".join(loss[0][2]).replace("\xa0", " "))
    assert all(not said for _, _, said in loss[1:])


def test_a_file_that_does_not_parse_is_shown_whole_with_its_error(chromium, report):
    source = ROOT / "submissions" / "ner_window" / "syntax_error.py"
    [whole] = probe(chromium, report / "syntax_error.html", LISTINGS)
    assert [text for _, text, _ in whole] == source.read_text(encoding="utf-8").splitlines()
    marked = [(number, said) for number, _, said in whole if said]
    assert marked == [(32, ["\u25b2 SyntaxError: '(' was never closed"])]


HOSTILE = '''"""</script><script>document.documentElement.setAttribute('data-pwned', 'docstring')</script>"""
import numpy as np  # <img src=x onerror="document.documentElement.setAttribute('data-pwned', 'comment')">


def forward(x):
    s = "</pre></div><script>document.documentElement.setAttribute('data-pwned', 'string')</script>"
    t = '<!-- --><b>bold</b> &amp; &lt; {{ 7 * 7 }}'
    return x  # ]]></code><svg onload="document.documentElement.setAttribute('data-pwned', 'svg')">


def backward(x):
    raise ValueError("<script>alert(1)</script>")
'''


def hostile_result(path: Path) -> AssignmentResult:
    # the line marked is the one the student's process names as data (lines), never one read from the
    # message, which the student's own exception text can forge
    trace = f'on public case 1: backward raised an error:\n  File "{path.name}", line 12, in backward\n' \
            '    raise ValueError("<script>alert(1)</script>")\nValueError: <script>alert(1)</script>\n' \
            f'  File "{path.name}", line 7, in forward'
    return AssignmentResult(assignment="toy", submissions=[SubmissionResult(
        student="mallory", path=str(path), score=1, max_score=2, seed=1, output="", functions=[
            FunctionResult(name="forward", score=1, max_score=1, line=5, checks=[Check(name="x", status="passed")]),
            FunctionResult(name="backward", score=0, max_score=1, line=11, checks=[
                Check(name="returns", status="error", message=trace, lines=[12])])])])


def test_a_hostile_file_is_shown_as_text_and_runs_nothing(chromium, tmp_path):
    path = tmp_path / "mallory.py"
    path.write_text(HOSTILE, encoding="utf-8")
    html.write(hostile_result(path), tmp_path / "out")
    page = tmp_path / "out" / "mallory.html"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text and "<svg onload" not in text and "<b>" not in text
    run = browse(chromium, page, "--dump-dom")
    assert run.returncode == 0 and console_messages(run.stderr) == []
    assert not re.search(r"<html[^>]*data-pwned", run.stdout), "a script of the file ran"
    assert "<script" not in run.stdout and not re.search(r"<[a-z]+[^>]*\son(error|load)=", run.stdout)
    listings = probe(chromium, page, LISTINGS)
    shown = {number: (code, said) for listing in listings for number, code, said in listing}
    for number, line in enumerate(HOSTILE.splitlines(), 1):
        if number in shown:
            assert shown[number][0] == line      # every character as written, as text
    assert shown[5][1][0].replace("\xa0", " ").startswith("passed forward: 1 / 1 points")
    assert shown[12][1] == ["\u25b2 raised an error here: returns"]
    assert shown[7][1] == []
    assert "{{ 7 * 7 }}" in shown[7][0] and "49" not in shown[7][0]


RAISES = """def score(x, W, b, u):
    return _hidden_layer(x, W, b) @ u


def _hidden_layer(x, W, b):
    raise ValueError('File "grace.py", line 1, in score: a message that names another line')
"""


def test_the_lines_an_error_went_through_are_marked(chromium, tmp_path):
    """A function that raises in a helper: the check carries, as data, the
    lines of the file the error went through (the call, then the raise), and
    the page marks the graded function's, not a line the exception's own
    text names."""
    path = tmp_path / "grace.py"
    path.write_text(replace_functions((ROOT / "submissions" / "ner_window" / "ada.py").read_text(encoding="utf-8"),
                                      score=RAISES), encoding="utf-8")
    done = run_cli("grade", str(path), "--assignment", "ner_window", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    [student] = json.loads(replay_grades(tmp_path / "out", "ner_window").read_text(encoding="utf-8"))["submissions"]
    [returns] = [c for f in student["functions"] if f["name"] == "score" for c in f["checks"] if c["name"] == "returns"]
    call, raised = line_of(path, "return _hidden_layer"), line_of(path, "raise ValueError")
    assert returns["status"] == "error" and returns["lines"] == [call, raised]
    listings = probe(chromium, replay_grades(tmp_path / "out", "ner_window").parent / "grace.html", LISTINGS)
    marked = {number: said for listing in listings for number, _, said in listing if said}
    assert marked[call] == ["\u25b2 raised an error here: returns, returns (hidden)"]   # the graded function's line
    assert raised not in marked and 1 not in marked    # the helper is not a graded function's listing


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=60), max_leaves=80))
@settings(max_examples=200, deadline=None)
def test_the_lines_a_process_sends_are_positive_line_numbers_or_none(value):
    error = TypeAdapter(answers.StudentError).validate_python({"kind": "exception", "lines": value})
    assert all(type(n) is int and 0 < n < 10**7 for n in error.lines) and len(error.lines) <= answers.MAX_LINES


def test_only_a_regular_file_reached_without_a_link_is_read(tmp_path):
    real = tmp_path / "real.py"
    real.write_text("def f(x):\n    return x\n", encoding="utf-8")
    assert html_source.read_source(str(real)) == "def f(x):\n    return x\n"
    (tmp_path / "link.py").symlink_to(real)
    (tmp_path / "folder").symlink_to(tmp_path)
    os.mkfifo(tmp_path / "fifo.py")
    (tmp_path / "big.py").write_text("#" * (html_source.MAX_BYTES + 1))
    for name in ("link.py", "folder/real.py", "fifo.py", "big.py", "missing.py", "."):
        assert html_source.read_source(str(tmp_path / name)) is None, name


def test_a_function_is_found_where_python_would_bind_it():
    source = "def f(x):\n    return 1\n\n\n@decorated\ndef f(x):\n    return 2\n\nclass C:\n    def g(self):\n        pass\n"
    tree = ast.parse(source)
    found = html_source.definitions(tree)

    def span(name: str, line: int | None = None) -> tuple[int, int, int]:
        d = html_source.definition_of(FunctionResult(name=name, score=1, max_score=1, line=line, checks=[]), found)
        return d.first, d.line, d.last
    assert span("f") == (5, 6, 7)      # the last one, its decorator included
    assert span("f", line=1) == (1, 1, 2)   # the one the student's process named
    assert span("g") == (10, 10, 11)   # in a class
    assert html_source.definition_of(FunctionResult(name="h", score=1, max_score=1, checks=[]), found) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab1 \n\t#'\"\\@.=+*()[]:_eé<>/&;!{}") + ['"""', "'''", "\r"])).map("".join))
def test_highlighting_keeps_every_character_of_any_text(text):
    assert "".join(piece for _, piece in html_source.pieces(text)) == text
    assert "\n".join("".join(p for _, p in line) for line in html_source.highlighted(text)) == text.removesuffix("\n")


def test_highlighting_tells_keywords_strings_comments_and_numbers_apart():
    source = '@cache\ndef f(x=1e-5):\n    """doc\n    </script>"""\n    return len(x) @ W  # note\n'
    drawn = [(css, text) for css, text in html_source.pieces(source) if css]
    assert drawn == [("nd", "@cache"), ("k", "def"), ("nf", "f"), ("o", "="), ("m", "1e-5"),
                     ("s", '"""doc\n    </script>"""'), ("k", "return"), ("nb", "len"), ("o", "@"), ("c", "# note")]
