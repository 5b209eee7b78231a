"""What the class page shows of the look-alike pairs stays small however
many there are: the 50 most similar, linked to both students' pages; every
pair is in similarity.json."""
from __future__ import annotations

import re

from grader.reports import html
from grader.results import AssignmentResult, SubmissionResult
from grader.similarity import report
from grader.similarity.compare import Comparison, Lines, Pair, Region


def test_the_class_page_lists_the_first_pairs_of_many(tmp_path):
    students = [f"student_{k}" for k in range(2000)]
    result = AssignmentResult(assignment="ner_window", submissions=[
        SubmissionResult(student=s, path=f"{s}.py", score=0, max_score=1, seed=0, functions=[]) for s in students])
    region = Region(a=Lines(file="a.py", first=1, last=40), b=Lines(file="b.py", first=3, last=44), tokens=300)
    pairs = [Pair(a=students[k], b=students[k + 1], similarity_a=0.99 - k / 10_000, similarity_b=0.9, shared=90,
                  regions=[region] * 4) for k in range(1999)]
    comparison = Comparison(assignment="ner_window", threshold=0.5, compared=2000, common_limit=200, pairs=pairs)
    report.write(comparison, [], tmp_path)
    page = html.index_page(result, html.class_rows(result), report.class_section(tmp_path))
    section = re.search(r'<section class="panel" id="lookalikes".*?</section>', page, re.DOTALL).group()
    assert len(section.encode()) < 30_000
    assert "1999 pairs with at least 50% of one side's code found in the other" in section
    assert "the 50 most similar listed; every pair is in <span class=\"mono\">similarity.json</span>" in section
    rows = re.findall(r"<tr><td>.*?</tr>", section, re.DOTALL)
    assert len(rows) == report.ON_CLASS_PAGE
    assert 'href="student_0.html"' in rows[0] and 'href="student_1.html"' in rows[0]
    assert 'href="_similarity.html#pair-1"' in rows[0] and "99% / 90%" in rows[0]
    side = (tmp_path / report.PAGE).read_text()
    assert len(re.findall(r'<section class="pair"', side)) == report.ON_PAGE
