"""The report's pages used in headless Chromium: the class page's table
sorted and filtered by its script, and whole with scripts off; the heat
map's headers apart and its cells opening their check; a student's page
on a 390 px phone; the student's code beside the feedback, escaped.

A probe is the page with a script of the test's appended: it acts (clicks,
types) and measures (bounding boxes, widths) once the page's own script
has run, and leaves what it found on the root element, which --dump-dom
prints."""
from __future__ import annotations

import html as markup
import json
import re
from pathlib import Path

import pytest
from synthetic import large_class
from test_reports_browser import Page, browse, console_messages

from grader.reports import html

# a page's scripts are turned off by a policy put first in its head (--dump-dom itself needs scripts on)
NO_SCRIPTS = """<meta http-equiv="Content-Security-Policy" content="script-src 'none'">"""


def probe(chromium: str, page: Path, body: str, width: int | None = None) -> dict:
    """Run `body` (a function's body returning a JSON value) at the end of
    `page`, in a copy beside it; return what it returned. With `width`, the
    copy is shown in a frame that wide (a headless window is at least 500
    px wide), which hands the result to the page around it."""
    copy = page.with_name(f"probe-{page.name}")
    script = ("<script>(function () { var out = (function () {" + body + "})(); "
              "if (window.parent !== window) { window.parent.postMessage(out, '*'); } "
              "else { document.documentElement.setAttribute('data-probe', JSON.stringify(out)); } })();</script>")
    copy.write_text(page.read_text(encoding="utf-8") + script, encoding="utf-8")
    shown = copy
    if width:
        shown = page.with_name("probe-frame.html")
        shown.write_text(
            "<!DOCTYPE html><html><body style='margin:0'><script>window.addEventListener('message', function (e) {"
            " document.documentElement.setAttribute('data-probe', JSON.stringify(e.data)); });</script>"
            f"<iframe src='{copy.name}' style='width:{width}px;height:900px;border:0'></iframe></body></html>")
    try:
        run = browse(chromium, shown, "--dump-dom")
    finally:
        copy.unlink()
        if width:
            shown.unlink()
    assert run.returncode == 0, run.stderr
    assert console_messages(run.stderr) == [], run.stderr
    found = re.search(r'data-probe="([^"]*)"', run.stdout)
    assert found, f"the probe did not run on {page.name}"
    return json.loads(markup.unescape(found.group(1)))


@pytest.fixture(scope="module")
def big_class(tmp_path_factory) -> Path:
    """The class page of 60 made-up students (student_1 ... student_60); no student pages needed."""
    folder = tmp_path_factory.mktemp("class")
    result = large_class(60)
    (folder / "index.html").write_text(html.index_page(result, html.class_rows(result)), encoding="utf-8")
    return folder


ROWS = "return Array.prototype.map.call(document.querySelectorAll('#roster tbody tr'), function (r) {" \
       " return [r.cells[0].textContent, r.cells[1].textContent, r.hidden]; });"


def natural(name: str) -> int:
    return int(name.rsplit("_", 1)[1])


def test_the_table_sorts_on_a_click_of_a_column_head(chromium, big_class):
    heads = "var th = document.querySelectorAll('#roster thead th');"
    by_score = probe(chromium, big_class / "index.html", heads + "th[1].click();" + ROWS)
    scores = [float(score.split(" / ")[0]) for _, score, _ in by_score]
    assert scores == sorted(scores) and len(scores) == 60
    assert scores[0] < scores[-1]
    # a second click turns the order; ties keep the names' natural order
    down = probe(chromium, big_class / "index.html", heads + "th[1].click(); th[1].click();" + ROWS)
    assert [float(s.split(" / ")[0]) for _, s, _ in down] == sorted(scores, reverse=True)
    ties = [natural(name) for name, score, _ in down if score == down[0][1]]
    assert ties == sorted(ties)
    by_name = probe(chromium, big_class / "index.html", heads + "th[1].click(); th[0].click();" + ROWS)
    assert [natural(name) for name, _, _ in by_name] == list(range(1, 61))
    by_function = probe(chromium, big_class / "index.html", heads + "th[3].click();" + ROWS.replace(
        "r.cells[1]", "r.cells[3]"))
    points = [float(re.search(r"([\d.]+) / ", cell).group(1)) for _, cell, _ in by_function]
    assert points == sorted(points) and len(points) == 60


def test_the_table_filters_as_one_types(chromium, big_class):
    typed = probe(chromium, big_class / "index.html", """
        var box = document.getElementById('filter');
        box.value = 'student_1'; box.dispatchEvent(new Event('input'));
        var rows = """ + ROWS.removeprefix("return ") + """
        return {rows: rows, shown: document.getElementById('shown').textContent,
                visible: !document.getElementById('tools').hidden};""")
    kept = [name for name, _, hidden in typed["rows"] if not hidden]
    assert kept == ["student_1"] + [f"student_{k}" for k in range(10, 20)]
    assert typed["shown"] == "11 of 60 students" and typed["visible"]


def test_without_scripts_the_class_page_is_whole(chromium, big_class):
    copy = big_class / "no-scripts.html"
    copy.write_text((big_class / "index.html").read_text(encoding="utf-8").replace("<head>", "<head>" + NO_SCRIPTS))
    run = browse(chromium, copy, "--dump-dom")
    assert run.returncode == 0, run.stderr
    [refused] = console_messages(run.stderr)
    assert "violates the following Content Security Policy" in refused and "blocked" in refused
    page = Page(run.stdout)
    rows = page.table(page.tables[0][0])
    assert [row[0] for row in rows] == [f"student_{k}" for k in range(1, 61)]   # natural order, every student
    assert re.search(r'<p class="tools" id="tools" hidden', run.stdout), "no dead filter box without scripts"
    assert 'class="heat live"' not in run.stdout
    # each heat map row's name links to its student's page
    assert len(re.findall(r'<a class="row" href="student_\d+\.html">', run.stdout)) == 40


HEADERS = """
    var boxes = Array.prototype.map.call(document.querySelectorAll('#heat text.group'), function (t) {
        var r = t.getBoundingClientRect(); return [t.textContent, r.left, r.right, r.top, r.bottom]; });
    var bracket = Array.prototype.map.call(document.querySelectorAll('#heat line.bracket'), function (l) {
        var r = l.getBoundingClientRect(); return [r.left, r.right]; });
    return {boxes: boxes, brackets: bracket};"""


@pytest.mark.parametrize("which", ["bundled", "large"])
def test_the_heat_maps_function_names_do_not_overlap(chromium, report, big_class, which):
    folder = report if which == "bundled" else big_class
    found = probe(chromium, folder / "index.html", HEADERS)
    boxes = found["boxes"]
    assert len(boxes) >= 5 and all(text for text, *_ in boxes[:4])
    for i, (a, l1, r1, t1, b1) in enumerate(boxes):
        for b, l2, r2, t2, b2 in boxes[i + 1:]:
            apart = r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1
            assert apart, f"{a!r} overlaps {b!r}"
    for (l1, r1), (l2, r2) in zip(found["brackets"], found["brackets"][1:]):
        assert r1 <= l2


def test_a_heat_map_cell_opens_its_check(chromium, report):
    opened = probe(chromium, report / "index.html", """
        window.addEventListener('click', function (e) { e.preventDefault(); }, true);
        var heat = document.getElementById('heat'), names = heat.querySelectorAll('a.row');
        var row = Array.prototype.findIndex.call(names, function (a) { return a.textContent.indexOf('transposed_dw') === 0; });
        var top = Number(heat.getAttribute('data-top')), ch = Number(heat.getAttribute('data-ch'));
        var failed = Array.prototype.filter.call(heat.querySelectorAll('g.col'), function (g) {
            return Array.prototype.some.call(g.querySelectorAll('path.c-failed'), function (p) {
                return p.getAttribute('d').indexOf(' ' + (top + row * ch) + 'h') > 0; }); })[0];
        var box = failed.querySelector('rect').getBoundingClientRect(), svg = heat.getBoundingClientRect();
        var y = svg.top + (top + row * ch + ch / 2) * svg.height / heat.viewBox.baseVal.height;
        failed.querySelector('rect').dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true,
            clientX: box.left + box.width / 2, clientY: y}));
        return {opened: heat.getAttribute('data-opened'), anchor: failed.getAttribute('data-a')};""")
    page, anchor = opened["opened"].split("#")
    assert page == "transposed_dw.html" and anchor == opened["anchor"]
    assert f'id="{anchor}"' in (report / page).read_text(encoding="utf-8")
    after = (report / page).read_text(encoding="utf-8").split(f'id="{anchor}"')[1]
    assert re.match(r'>\s*<div class="check-head">\s*<span class="badge s-failed">failed</span>', after), after[:200]


CLIPPED = """
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
    var width = document.documentElement.clientWidth, bad = [];
    Array.prototype.forEach.call(document.querySelectorAll('body *'), function (el) {
        var r = el.getBoundingClientRect();
        if (!r.width && !r.height) { return; }
        var what = el.tagName + '.' + el.className + ' ' + (el.textContent || '').slice(0, 30);
        if (r.right > width + 0.5 || r.left < -0.5) { bad.push(what + ' spans ' + r.left + '..' + r.right); }
        if (getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) {
            bad.push(what + ' hides ' + (el.scrollWidth - el.clientWidth) + 'px');
        }
    });
    return {width: width, page: document.documentElement.scrollWidth, bad: bad.slice(0, 12),
            lines: document.querySelectorAll('.code .n').length};"""


@pytest.mark.parametrize("name", ["transposed_dw.html", "syntax_error.html", "wrong_forward.html"])
def test_a_student_page_on_a_phone_clips_nothing(chromium, report, name):
    found = probe(chromium, report / name, CLIPPED, width=390)
    assert found["width"] == 390
    assert found["page"] <= 390
    assert found["bad"] == []
    assert found["lines"] > 5     # the code is there, line numbers and all
