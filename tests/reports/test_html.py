"""The HTML report's files and data, without a browser: page names that
never move to another student, stale pages removed (and nothing else),
escaping, the class page's size at 2,000 students, the histogram's bins,
the order of the check list and of the students."""
from __future__ import annotations

import json
import os
import re
import time

import pytest

from grader.reports import dashboard, html, html_pages
from grader.results import AssignmentResult, Check, FunctionResult, SubmissionResult

from synthetic import large_class
from test_reports import FUNCTIONS, submission, toy_class

SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


@pytest.fixture
def toy() -> AssignmentResult:
    return toy_class()


# --- page names ---------------------------------------------------------------------


def test_a_page_is_named_from_its_student_alone_and_never_moves():
    names = ["ada", "Jose_Nunez", "José Núñez", "jose nunez", "index", "../../etc/passwd", "<>", "Ada", "a~b"]
    alone = [html_pages.page_name(n) for n in names]
    # whatever else is in the class, and in whatever order, each keeps its page
    assert html.page_names([submission(n, {"forward": 1}) for n in names]) == alone
    assert html.page_names([submission(n, {"forward": 1}) for n in reversed(names)]) == alone[::-1]
    assert alone[0] == "ada.html"
    assert len({n.lower() for n in alone}) == len(names)    # distinct even where case is ignored
    assert "index.html" not in alone
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9._-]*(~[0-9a-f]{10})?\.html", n) for n in alone), alone
    assert re.fullmatch(r"jose_nunez~[0-9a-f]{10}\.html", alone[1])
    assert alone[5].startswith("etc_passwd~")
    # a name used as it is holds no "~", so no file name can be made to take another's hashed page
    assert html_pages.page_name("jose_nunez~" + alone[1].split("~")[1][:-5]) != alone[1]


def test_pages_of_students_who_left_are_removed_and_nothing_else(tmp_path):
    three = AssignmentResult(assignment="toy", submissions=[submission(n, {"forward": 1})
                                                            for n in ["ada", "Bob Jones", "cy"]])
    html.write(three, tmp_path)
    bob = html_pages.page_name("Bob Jones")
    assert (tmp_path / bob).is_file()
    # what the instructor keeps in the folder: notes, a page of their own, a copy of a page, a link
    (tmp_path / "notes.html").write_text("<p>mine</p>")
    (tmp_path / "cy.html").write_text("<p>the instructor's own page, written over cy's</p>")
    (tmp_path / "copy-of-ada.html").write_bytes((tmp_path / "ada.html").read_bytes())
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere.html"
    elsewhere.write_bytes((tmp_path / "ada.html").read_bytes())
    listed = json.loads((tmp_path / "pages.json").read_text())   # as if the last run had written these pages too
    (tmp_path / "pages.json").write_text(json.dumps(listed + ["link.html", "../outside.html", "index.html"]))
    (tmp_path / "link.html").symlink_to(elsewhere)

    html.write(AssignmentResult(assignment="toy", submissions=[submission("ada", {"forward": 1})]), tmp_path)
    assert not (tmp_path / bob).exists()
    for kept in ("ada.html", "index.html", "notes.html", "cy.html", "copy-of-ada.html", "link.html"):
        assert (tmp_path / kept).exists(), kept
    assert (tmp_path / "cy.html").read_text() == "<p>the instructor's own page, written over cy's</p>"
    assert elsewhere.is_file()
    assert html_pages.written_before(tmp_path) == ["ada.html"]


def test_pages_written_again_when_a_student_arrives_keep_their_names(tmp_path):
    html.write(AssignmentResult(assignment="toy", submissions=[submission("José Núñez", {"forward": 1})]), tmp_path)
    first = sorted(p.name for p in tmp_path.glob("*.html"))
    html.write(AssignmentResult(assignment="toy", submissions=[
        submission("Jose Nunez", {"forward": 0}), submission("José Núñez", {"forward": 1})]), tmp_path)
    assert set(first) <= {p.name for p in tmp_path.glob("*.html")}
    page = (tmp_path / html_pages.page_name("José Núñez")).read_text(encoding="utf-8")
    assert "<h1>José Núñez</h1>" in page


# --- escaping -----------------------------------------------------------------------


def test_html_escapes_student_text_and_links_every_student(toy, tmp_path):
    written = html.write(toy, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    pages = html.page_names(toy.submissions)
    for page in pages:
        assert f'href="{page}"' in index
        assert (tmp_path / page).is_file()
    assert len(written) == 1 + len(pages)
    # the index's one script is the page's own; a student's page has none
    [script] = SCRIPT.findall(index)
    assert "alert" not in script and "<img" not in SCRIPT.sub("", index)
    for path in written[1:]:
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and "<img" not in text
    for path in written:
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", path.read_text(encoding="utf-8"))
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in index

    evil = (tmp_path / pages[2]).read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in evil
    assert "dW matches the expected gradient transposed.\nworst at dW[1, 2]" in evil
    assert "transposed" in evil and "dW[1, 2]" in evil and "-0.75" in evil


def test_html_shows_the_diagnosis_in_words_apart_from_the_message(toy, tmp_path):
    html.write(toy, tmp_path)
    page = (tmp_path / html.page_names(toy.submissions)[1]).read_text(encoding="utf-8")
    assert '<pre>dW matches the expected gradient transposed.\nworst at dW[1, 2]</pre>' in page
    assert '<p class="explanation"><b>Diagnosis:</b> dW is transposed: compute delta.T @ X.</p>' in page
    assert "Diagnosis:" not in "".join(re.findall(r"<pre>.*?</pre>", page, re.S))


def test_html_summary_counts_submissions_mean_and_full_marks(toy, tmp_path):
    html.write(toy, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", SCRIPT.sub("", index)))
    assert "4 submissions" in text
    assert "mean score 2 out of 4" in text   # (4 + 1.5 + 0 + 2.5) / 4
    assert "1 with full marks" in text


def test_dashboard_of_an_empty_class(tmp_path):
    html.write(AssignmentResult(assignment="toy", submissions=[]), tmp_path)
    assert "No submissions were graded." in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_dashboard_of_a_class_with_no_points_to_be_had(tmp_path):
    nothing = SubmissionResult(student="a", path="a.py", score=0, max_score=0, seed=1, functions=[])
    html.write(AssignmentResult(assignment="toy", submissions=[nothing]), tmp_path)
    assert "No points to be had." in (tmp_path / "index.html").read_text(encoding="utf-8")


# --- the class page at any size -------------------------------------------------------


@pytest.mark.parametrize("students, most", [(200, 2_000_000), (2000, 2_000_000)])
def test_the_class_page_stays_small(students, most):
    """The class page of a large class (292 checks a student, as in layers)
    is an overview: at most 2 MB at 2,000 students (it was 29 KB a student)."""
    result = large_class(students)
    rows = html.class_rows(result)
    start = time.perf_counter()
    page = html.index_page(result, rows)
    size = len(page.encode("utf-8"))
    print(f"\n{students} students: index.html is {size:,} bytes ({size / students:.0f} a student), "
          f"rendered in {time.perf_counter() - start:.1f} s")
    assert size <= most
    # every student is in the table all the same
    assert len(re.findall(r"<tr><td><a href=", page)) == students


def test_students_are_in_natural_order(tmp_path):
    result = large_class(12)
    rows = html.class_rows(result)
    assert [row["submission"].student for row in rows] == [f"student_{k}" for k in range(1, 13)]
    assert sorted(["b10", "B2", "a_1", "a_10", "a_2"], key=html.natural_key) == ["a_1", "a_2", "a_10", "B2", "b10"]


# --- the class dashboard (data) ---------------------------------------------------------


def scores_of(*scores: float, top: float = 30) -> list[SubmissionResult]:
    return [SubmissionResult(student=f"s{k}", path="x.py", score=v, max_score=top, seed=1, functions=[])
            for k, v in enumerate(scores)]


def test_histogram_has_a_bar_per_point_where_the_scores_allow():
    bins = dashboard.histogram(scores_of(25, 26, 27, 27.5, 30), 30)
    assert len(bins) == 30 and all(b.high - b.low == 1 for b in bins)
    assert [(b.low, b.count) for b in bins if b.count] == [(25, 1), (26, 1), (27, 2), (29, 1)]
    assert bins[-1].students == ["s4"]           # full marks fall in the last bin
    assert len(dashboard.histogram(scores_of(1, top=60), 60)) == 60
    wide = dashboard.histogram(scores_of(10, 99, top=100), 100)
    assert len(wide) == 50 and wide[0].high == 2
    assert len(dashboard.histogram(scores_of(1, top=1000), 1000)) == 50
    assert [b.high for b in dashboard.histogram(scores_of(1, top=2), 2)][:2] == [0.25, 0.5]
    assert dashboard.ticks(28) == [0, 5, 10, 15, 20, 25, 28]
    assert dashboard.ticks(27) == [0, 5, 10, 15, 20, 27]   # none so close to the top that their labels touch


def test_dashboard_columns_count_who_ran_and_passed_each_check(toy):
    cols = dashboard.columns(toy, FUNCTIONS)
    assert [c.key for c in cols] == [("forward", "values"), ("forward", "gradient"), ("backward", "values"),
                                     ("backward", "gradient"), ("loss", "values"), ("loss", "gradient")]
    backward = {c.name: (c.passed, c.ran) for c in cols if c.function == "backward"}
    # bob has no backward at all: it ran for three students
    assert backward == {"values": (1, 1), "gradient": (0, 2)}
    grid = dashboard.grid(toy.submissions, cols)
    assert grid[1] == ["passed", "not run", "not run", "not run", "not run", "failed"]


def test_the_check_list_puts_scored_checks_first():
    """Checks that ran for few students (an import that failed) and checks that
    cost no points come after the scored checks the class ran, even when harder."""
    def student(name: str, ok: bool, imported: bool = True) -> SubmissionResult:
        checks = [Check(name="dW gradient", status="passed" if ok else "failed"),
                  Check(name="dW vs your forward", status="passed" if ok else "failed", scored=False)]
        if not imported:
            checks = [Check(name="import", status="error")]
        return SubmissionResult(student=name, path="x.py", score=0, max_score=1, seed=1,
                                functions=[FunctionResult(name="f", score=0, max_score=1, checks=checks)])
    result = AssignmentResult(assignment="toy", submissions=[student("a", True), student("b", False),
                                                             student("c", True), student("d", True, False)])
    dash = dashboard.build(result, ["f"], result.submissions)
    assert [c.name for c in dash["hardest"]] == ["dW gradient"]
    assert [c.name for c in dash["others"]] == ["import", "dW vs your forward"]


def test_a_large_class_has_a_heat_map_row_per_outcome():
    result = large_class(300)
    cols = dashboard.columns(result, result.function_names)
    statuses = dashboard.grid(result.submissions, cols)
    rows, left_out = dashboard.heat_rows(result.submissions, statuses, limit=40)
    assert len(rows) == 40
    sizes = [len(r.students) for r in rows]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 1
    assert sum(sizes) + left_out == 300
    for r in rows:
        assert all(statuses[result.submissions.index(s)] == r.statuses for s in r.students)
    small, none_left = dashboard.heat_rows(result.submissions[:40], statuses[:40], limit=40)
    assert [r.students for r in small] == [[s] for s in result.submissions[:40]] and none_left == 0


def test_a_listed_page_that_is_no_file_is_left_alone(tmp_path):
    fifo = tmp_path / "fifo.html"
    os.mkfifo(fifo)
    (tmp_path / "folder.html").mkdir()
    (tmp_path / "index.html").write_text('<tr><td><a href="fifo.html">f</a><tr><td><a href="folder.html">d</a>')
    html.write(AssignmentResult(assignment="toy", submissions=[]), tmp_path)   # returns: the fifo is not opened
    assert fifo.exists() and (tmp_path / "folder.html").is_dir()
