"""The HTML report as a person sees it. The bundled ner_window submissions are
graded once by the real command line (the `graded` fixture runs
`grade submissions/ner_window --out <tmp>`); the pages it writes are opened in
headless Chromium, and the rendered DOM, screenshots and the browser console
are checked against grades.json."""
from __future__ import annotations

import re
import subprocess
import tempfile
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from grader.reports import dashboard
from grader.reports.html import points
from grader.results import AssignmentResult, SubmissionResult

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
BROWSER_TIMEOUT = 120
STATUSES = ("passed", "failed", "error", "timeout", "skipped")


@pytest.fixture(scope="module")
def result(report) -> AssignmentResult:
    return AssignmentResult.model_validate_json((report / "grades.json").read_text(encoding="utf-8"))


class Page(HTMLParser):
    """What a reader sees of a DOM: its text, links, tables and status badges."""

    SILENT = {"style", "script", "title", "head"}
    BREAKS = {"td", "th", "tr", "p", "div", "li", "pre", "h1", "h2", "dt", "dd", "br", "summary", "caption"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[str] = []
        self.headings: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.badges: list[str] = []
        self._silent = 0
        self._open: dict[str, list[str]] = {}   # text being collected: cell, badge, h1
        self.html = html
        self.feed(html)
        self.text = squash("".join(self.chunks))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SILENT:
            self._silent += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "table":
            self.tables.append([])
        if tag == "tr" and self.tables:
            self.tables[-1].append([])
        if tag in ("td", "th"):
            self._open["cell"] = []
        if tag == "h1":
            self._open["h1"] = []
        if tag == "span" and "badge" in (attrs.get("class") or "").split():
            self._open["badge"] = []
        if tag in self.BREAKS:
            self.chunks.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SILENT:
            self._silent -= 1
        if tag in ("td", "th") and "cell" in self._open and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(squash("".join(self._open.pop("cell"))))
        if tag == "h1" and "h1" in self._open:
            self.headings.append(squash("".join(self._open.pop("h1"))))
        if tag == "span" and "badge" in self._open:
            self.badges.append(squash("".join(self._open.pop("badge"))))
        if tag in self.BREAKS:
            self.chunks.append(" ")

    def handle_data(self, data):
        if not self._silent:
            self.chunks.append(data)
            for part in self._open.values():
                part.append(data)

    def table(self, header: list[str]) -> list[list[str]]:
        """The rows of every table whose first row is `header`."""
        return [row for t in self.tables if t and t[0] == header for row in t[1:]]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def browse(chromium: str, page: Path, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                              capture_output=True, text=True, timeout=BROWSER_TIMEOUT, stdin=subprocess.DEVNULL)


def console_messages(stderr: str) -> list[str]:
    """Lines the page wrote to the browser console (errors included)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def dom(chromium, report):
    """Factory: the rendered DOM of a report page, checked to be quiet on the console."""
    seen: dict[str, Page] = {}

    def load(name: str) -> Page:
        if name not in seen:
            run = browse(chromium, report / name, "--dump-dom")
            assert run.returncode == 0, run.stderr
            assert "<body" in run.stdout, f"no DOM for {name}:\n{run.stderr}"
            assert console_messages(run.stderr) == [], f"console messages on {name}"
            seen[name] = Page(run.stdout)
        return seen[name]

    return load


def submission(result: AssignmentResult, student: str) -> SubmissionResult:
    [found] = [s for s in result.submissions if s.student == student]
    return found


def fraction(text: str) -> tuple[float, float]:
    got, of = re.search(r"(\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)", text).groups()
    return float(got), float(of)


def student_page(index: Page, student: str) -> str:
    [row] = [r for r in index.tables[-1] if r and r[0] == student]
    return row


# --- the class page ---------------------------------------------------------------


def test_index_shows_every_student_with_score_and_function_statuses(dom, result):
    index = dom("index.html")
    table = index.tables[-1]   # (the look-alike pairs' table comes before it)
    assert table[0][:2] == ["Student", "Score"]
    assert [squash(h).split(" ")[0] for h in table[0][2:]] == result.function_names
    assert [row[0] for row in table[1:]] == sorted(s.student for s in result.submissions)
    assert {"ada", "transposed_dw"} <= {s.student for s in result.submissions}

    for s, row in zip(result.submissions, table[1:]):
        assert fraction(row[1]) == pytest.approx((s.score, s.max_score), abs=0.01), s.student
        functions = {f.name: f for f in s.functions}
        for name, cell in zip(result.function_names, row[2:]):
            f = functions[name]
            # the status is written out, not shown by colour alone (a function that passed has all its points)
            label = cell.split(" ", 1)[0] if cell[0].isalpha() else "passed"
            assert label == f.status, f"{s.student}/{name}: {cell!r}"
            assert fraction(cell) == pytest.approx((f.score, f.max_score), abs=0.01)

    ada = student_page(index, "ada")
    assert "full marks" in ada[1] and all(c[0].isdigit() for c in ada[2:])
    assert "failed" in [c.split()[0] for c in student_page(index, "transposed_dw")[2:]]


def test_index_summary_line(dom, result):
    text = dom("index.html").text
    n = len(result.submissions)
    full = sum(s.score == s.max_score for s in result.submissions)
    mean = sum(s.score for s in result.submissions) / n
    assert f"{n} submissions" in text
    assert f"{full} with full marks" in text
    shown = float(re.search(r"mean score (\d+(?:\.\d+)?) out of", text).group(1))
    assert shown == pytest.approx(mean, abs=0.005)


def test_index_links_to_a_page_for_every_student(dom, report, result):
    index = dom("index.html")
    pages = {link.split("#")[0] for link in index.links}
    for page in pages:
        assert (report / page).is_file(), f"index.html links to {page}, which was not written"
    assert "ada.html" in pages and "transposed_dw.html" in pages
    assert len(pages - {"_similarity.html"}) == len(result.submissions)   # (and the look-alike pairs' page)
    assert dom("transposed_dw.html").headings == ["transposed_dw"]


# --- student pages ----------------------------------------------------------------


def test_student_page_explains_a_transposed_gradient(dom, result):
    s = submission(result, "transposed_dw")
    page = dom("transposed_dw.html")
    assert fraction(page.text) == pytest.approx((s.score, s.max_score), abs=0.01)
    assert f"--seed {s.seed}" in page.text
    for label in ("Seed", "Mode", "Time", s.mode):
        assert label in page.text

    transposed = [c for c in s.checks("failed") if c.diagnosis == "transposed"]
    assert transposed, "the pipeline diagnoses transposed_dw as transposed"
    assert "diagnosis: transposed" in page.text
    for check in transposed:
        # the whole message as written, and the diagnosis in words on a line of its own under it
        assert squash(check.message) in page.text
        assert check.name in page.text
        assert check.explanation, "a diagnosed check says what the diagnosis means"
        assert f"<b>Diagnosis:</b> {escape(check.explanation, quote=False)}</p>" in page.html
    explanations = re.findall(r'<p class="explanation">(.*?)</p>', page.html, re.S)
    assert len(explanations) == sum(bool(c.explanation) for c in s.checks())
    assert "Diagnosis:" not in "".join(re.findall(r"<pre>.*?</pre>", page.html, re.S))
    assert "failed" in page.badges and "public" in page.text and "hidden" in page.text
    assert "Output printed by the submission" in page.text
    assert "index.html" in page.links


def test_student_page_shows_the_worst_elements(dom, result):
    students = [s for s in result.submissions if any(c.worst for c in s.checks())]
    assert students, "some bundled submission should fail a gradient element-wise"
    s = students[0]
    checks = [c for c in s.checks() if c.worst]
    page = dom(f"{s.student}.html")
    header = ["Index", "Expected", "Got", "Difference"]
    tables = [t[1:] for t in page.tables if t and t[0] == header]
    # one table per such check, in the page's order
    assert len(tables) == len(checks)
    for check, rows in zip(checks, tables):
        assert len(rows) == len(check.worst)
        for element, (index, expected, got, diff) in zip(check.worst, rows):
            assert index == f"{check.output or ''}[{', '.join(map(str, element.index))}]"
            assert float(expected) == pytest.approx(element.expected, rel=1e-5, abs=1e-12)
            assert float(got) == pytest.approx(element.got, rel=1e-5, abs=1e-12)
            assert float(diff) == pytest.approx(element.got - element.expected, rel=0.01, abs=1e-12)


def test_student_page_of_a_correct_submission(dom, result):
    s = submission(result, "ada")
    page = dom("ada.html")
    assert page.headings == ["ada"]
    assert fraction(page.text) == (s.score, s.max_score)
    assert "Every check passed." in page.text
    assert set(page.badges) == {"passed"}
    # a badge on each function, each check, and each function's line in the code
    assert page.badges.count("passed") == 2 * len(s.functions) + len(s.checks())
    assert not page.table(["Index", "Expected", "Got", "Difference"])


def test_pages_are_self_contained(report):
    pages = list(report.glob("*.html"))
    assert len(pages) > 2
    for path in pages:
        text = path.read_text(encoding="utf-8")
        # the class page's one script is inline; a student's page has none
        assert text.lower().count("<script") == (path.name == "index.html"), path.name
        assert "<script>" in text or path.name != "index.html"
        assert not re.search(r"""<link\b|<img\b|(src|href)\s*=\s*["']?(https?:)?//|url\(""", text, re.I), path.name


@pytest.mark.parametrize("name, size", [("index.html", (1280, 800)), ("index.html", (1280, 2400)),
                                        ("transposed_dw.html", (1280, 1600))])
def test_screenshot(chromium, report, tmp_path, name, size):
    shot = tmp_path / f"{Path(name).stem}-{size[1]}.png"
    run = browse(chromium, report / name, f"--window-size={size[0]},{size[1]}", f"--screenshot={shot}")
    assert run.returncode == 0, run.stderr
    assert console_messages(run.stderr) == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == size
    # a blank page of this size compresses to a few kilobytes
    assert len(data) > 30_000, f"{shot.name} is only {len(data)} bytes: is the page empty?"


# --- the class dashboard ----------------------------------------------------------


def section(page: Page, id: str) -> str:
    """The rendered markup of the <section id=...> of a page."""
    match = re.search(rf'<section[^>]*\bid="{id}".*?</section>', page.html, re.S)
    assert match, f"no section {id!r} on the page"
    return match.group()


def text_of(markup: str) -> str:
    return squash(re.sub(r"<[^>]+>", " ", markup).replace("&amp;", "&").replace("&gt;", ">").replace("&lt;", "<"))


def test_dashboard_has_every_part_in_order(dom):
    index = dom("index.html")
    ids = re.findall(r'<section[^>]*\bid="([\w-]+)"', index.html)
    assert ids == ["histogram", "diagnoses", "heatmap", "pass-rates", "lookalikes", "students"]
    for title in ("Scores", "Most frequent diagnoses", "Every check of every student", "Pass rate of every check",
                  "Students", "Mean points by function"):
        assert title in index.text
    # drawn inline: SVG in the page, nothing fetched
    assert index.html.count("<svg") == 2


def test_histogram_counts_every_student_once(dom, result):
    histogram = section(dom("index.html"), "histogram")
    bars = re.findall(r'<rect class="hbar[^"]*"[^>]*><title>(\d+) students? with (\S+) to (\S+) points', histogram)
    assert sum(int(n) for n, _, _ in bars) == len(result.submissions)
    for n, low, high in bars:
        inside = [s for s in result.submissions if float(low) <= s.score < float(high)
                  or (s.score == float(high) == s.max_score)]
        assert int(n) == len(inside), (low, high)
    mean = sum(s.score for s in result.submissions) / len(result.submissions)
    assert f"mean {points(mean)}" in text_of(histogram)


def heat_cells(heat: str) -> tuple[list[str], list[tuple[str, dict[int, str]]]]:
    """The heat map's row names, and each column's title with the status of
    each row it draws (by the row's number; a row it does not draw passed)."""
    svg = re.search(r'<svg class="heat[^"]*"[^>]*data-top="(\d+)"[^>]*data-ch="(\d+)"', heat)
    top, ch = int(svg.group(1)), int(svg.group(2))
    names = re.findall(r'<a class="row" href="[^"]*"><text[^>]*>([^<]*)<title>', heat)
    columns = []
    for title, body in re.findall(r'<g class="col[^"]*" data-a="[^"]*"><title>(.*?)</title>(.*?)</g>', heat):
        statuses = {}
        for status, d in re.findall(r'<path class="c-([a-z-]+)" d="([^"]+)"', body):
            for y in re.findall(r"M\d+ (\d+)", d):
                statuses[(int(y) - top) // ch] = status.replace("-", " ")
        columns.append((title, statuses))
    return names, columns


def test_heat_map_has_a_cell_per_student_and_check_with_its_status(dom, result):
    heat = section(dom("index.html"), "heatmap")
    names, drawn = heat_cells(heat)
    columns = dashboard.columns(result, result.function_names)
    order = sorted(result.submissions, key=lambda s: s.student)
    assert names == [s.student for s in order]
    assert len(drawn) == len(columns)
    for (title, statuses), col in zip(drawn, columns):
        assert title.startswith(f"{col.function} › {col.name}: passed by {col.passed} of the {col.ran}")
        for i, s in enumerate(order):
            status = {(f.name, c.name): c.status for f in s.functions for c in f.checks}.get(col.key, "not run")
            assert statuses.get(i, "passed") == status, (s.student, col.key)
    assert "pass rate" in text_of(heat)


def test_pass_rates_list_scored_checks_first_hardest_first(dom, result):
    rates = text_of(section(dom("index.html"), "pass-rates"))
    columns = dashboard.columns(result, result.function_names)
    shown = re.findall(r"(\S+) › (.+?)(?: \(costs no points\))? (\d+) / (\d+)(?: \(\d+ not run\))?", rates)
    assert len(shown) == len(columns)
    assert {(f, name) for f, name, _, _ in shown} == {c.key for c in columns}
    by_key = {c.key: c for c in columns}
    for f, name, passed, ran in shown:
        assert (int(passed), int(ran)) == (by_key[(f, name)].passed, by_key[(f, name)].ran)
    failing = [by_key[(f, name)] for f, name, p, r in shown if int(p) < int(r)]
    main = [c for c in failing if c.scored and 2 * c.ran > len(result.submissions)]
    assert failing[:len(main)] == main, "the scored checks most of the class ran come first"
    assert [c.rate for c in main] == sorted(c.rate for c in main)
    assert any(c.name == "import" for c in failing[len(main):]), "a check that ran once comes after"


def test_diagnoses_are_ranked_by_students_with_their_sentence(dom, result):
    text = text_of(section(dom("index.html"), "diagnoses"))
    found = {}
    for s in result.submissions:
        for c in s.checks():
            if c.diagnosis and c.status != "passed":
                found.setdefault(c.diagnosis, set()).add(s.student)
    assert found, "the bundled submissions have diagnosed mistakes"
    shown = re.findall(r"(?:^|\s)([a-z][A-Za-z0-9_]+) (\d+) students?", text)
    assert {code for code, _ in shown} == set(found)
    counts = [int(n) for _, n in shown]
    assert counts == sorted(counts, reverse=True)
    for code, n in shown:
        assert int(n) == len(found[code])
    assert "dW is transposed" in text and "transposed_dw" in text
