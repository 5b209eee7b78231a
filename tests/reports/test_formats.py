"""The formats courses' platforms read: JUnit XML, Gradescope's results.json,
the GitHub Actions step summary and annotations, and GitHub Classroom's
`result` output. Each is checked on a small hand-built result (exact
contents) and on the real graded run of the bundled submissions (the
documented fields, and agreement with grades.json)."""
from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.reports import FORMATS, github_actions, github_classroom, gradescope, junit, write_reports
from grader.results import AssignmentResult, Check, FunctionResult, SubmissionResult
from grader.reports.wording import check_text
from ways_in import check_gradescope_fields

# GitHub Classroom's fields per test
CLASSROOM_TEST = {"name", "status", "message", "test_code", "filename", "line_no", "execution_time", "score"}




def toy() -> AssignmentResult:
    """Two students: one with full marks; one who transposed dW (public and
    hidden), left the forward untested and wrote a file that prints."""
    def checks(bad: bool) -> list[Check]:
        return [
            Check(name="signature", status="passed", message="loss(x, W) is defined"),
            Check(name="dW shape", status="failed" if bad else "passed", output="dW", diagnosis="transposed" if bad else None,
                  message="on public case 1: dW has shape (3, 2); expected (2, 3)" if bad else "dW has shape (2, 3)",
                  explanation="dW is transposed" if bad else "", case="public case 1" if bad else None),
            Check(name="dW vs your loss", status="skipped", scored=False, output="dW",
                  message="your module has no loss to differentiate"),
            Check(name="dW shape (hidden)", status="failed" if bad else "passed", visibility="hidden", output="dW",
                  diagnosis="transposed" if bad else None,
                  message="on hidden case 2: dW has shape (5, 4); expected (4, 5)" if bad else "ok"),
        ]

    def sub(student: str, bad: bool) -> SubmissionResult:
        return SubmissionResult(
            student=student, path=f"/home/runner/work/course/course/{student}/toy.py", score=1.0 if bad else 3.0, max_score=3.0,
            seed=11, seconds=0.25, output="hello\x00 from the student\n" if bad else "",
            functions=[FunctionResult(name="forward", score=1.0, max_score=1.0, line=3,
                                      checks=[Check(name="value", status="passed", message="right")]),
                       FunctionResult(name="loss_grad", score=0.0 if bad else 2.0, max_score=2.0, line=12,
                                      checks=checks(bad))])

    return AssignmentResult(assignment="toy", title="Toy | gradients", function_names=["forward", "loss_grad"],
                            submissions=[sub("ada", False), sub("bob", True)])


@pytest.fixture
def one() -> AssignmentResult:
    r = toy()
    r.submissions = r.submissions[1:]
    return r


def graded_result(graded) -> AssignmentResult:
    return AssignmentResult.model_validate_json((graded.folder / "grades.json").read_text(encoding="utf-8"))


def test_every_format_is_registered_and_writes_into_the_folder(tmp_path):
    assert {"html", "json", "csv", "junit", "gradescope", "github", "classroom"} <= set(FORMATS)
    written = write_reports(toy(), tmp_path, ("junit", "gradescope", "github", "classroom"))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "classroom.json", "gradescope/ada.json", "gradescope/bob.json", "junit.xml", "summary.md"]


# --- JUnit ------------------------------------------------------------------------


def test_junit_has_a_test_case_per_check_and_the_grader_message_as_failure(tmp_path):
    [path] = junit.write(toy(), tmp_path)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites" and root.get("name") == "toy"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("10", "2", "0", "2")
    ada, bob = root.findall("testsuite")
    assert (ada.get("name"), bob.get("name")) == ("ada", "bob")
    assert bob.get("failures") == "2" and bob.get("tests") == "5" and bob.get("time") == "0.250"
    props = {p.get("name"): p.get("value") for p in bob.find("properties")}
    assert props == {"score": "1.0", "max_score": "3.0", "seed": "11", "mode": "grade"}

    cases = bob.findall("testcase")
    assert [c.get("name") for c in cases] == ["value", "signature", "dW shape", "dW vs your loss (costs no points)",
                                              "dW shape (hidden)"]
    assert {c.get("classname") for c in cases} == {"toy.bob.forward", "toy.bob.loss_grad"}
    failure = cases[2].find("failure")
    assert failure.get("message") == "on public case 1: dW has shape (3, 2); expected (2, 3)"
    assert failure.get("type") == "transposed"
    assert failure.text == "on public case 1: dW has shape (3, 2); expected (2, 3)\nDiagnosis: dW is transposed"
    assert cases[3].find("skipped") is not None and cases[0].find("*") is None
    # a NUL the student printed cannot go into XML: it is shown escaped, and the file still parses
    assert bob.find("system-out").text == "hello\\x00 from the student\n"


def test_junit_of_the_graded_run_agrees_with_grades_json(graded, tmp_path):
    result = graded_result(graded)
    [path] = junit.write(result, tmp_path)
    root = ET.parse(path).getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [s.student for s in result.submissions]
    for s, suite in zip(result.submissions, suites):
        cases = suite.findall("testcase")
        assert len(cases) == len(s.checks()) == int(suite.get("tests"))
        for check, case in zip(s.checks(), cases):
            kind = junit.ELEMENT.get(check.status)
            assert [e.tag for e in case] == ([kind] if kind else [])
            if kind in ("failure", "error"):
                assert case.find(kind).text == check_text(check)
    assert int(root.get("failures")) + int(root.get("errors")) == sum(
        c.status in ("failed", "error", "timeout") for s in result.submissions for c in s.checks())


# --- Gradescope -------------------------------------------------------------------


def test_gradescope_results_carry_points_per_function_and_hide_hidden_checks(one):
    data = gradescope.results(one.submissions[0])
    check_gradescope_fields(data)
    assert data["score"] == 1.0 and data["execution_time"] == 0.25 and data["extra_data"]["seed"] == 11
    scored = [t for t in data["tests"] if "max_score" in t]
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in scored] == [
        ("forward", 1.0, 1.0, "passed"), ("loss_grad", 0.0, 2.0, "failed")]
    # Gradescope adds up the tests' scores: they make the grader's score
    assert sum(t["score"] for t in scored) == data["score"]

    by_name = {t["name"]: t for t in data["tests"]}
    public = by_name["loss_grad › dW shape"]
    assert public["status"] == "failed" and public["visibility"] == "visible"
    assert public["output"].startswith("on public case 1: dW has shape (3, 2)")
    assert "transposed" in public["tags"] and public["number"] == "2.2"
    hidden = by_name["loss_grad › dW shape (hidden)"]
    assert hidden["visibility"] == "after_published" and hidden["status"] == "failed"
    # until then, the function's test says a hidden check failed, but not which or why
    assert "1 hidden check did not pass" in by_name["loss_grad"]["output"]
    assert "hidden case 2" not in by_name["loss_grad"]["output"]
    skipped = by_name["loss_grad › dW vs your loss"]
    assert "status" not in skipped and "costs no points" in skipped["output"]


def test_gradescope_format_of_the_graded_run(graded, tmp_path):
    result = graded_result(graded)
    written = gradescope.write(result, tmp_path)
    assert len(written) == len(result.submissions)
    for s, path in zip(result.submissions, written):
        data = json.loads(path.read_text(encoding="utf-8"))
        check_gradescope_fields(data)
        assert data["score"] == s.score
        assert sum(t.get("score", 0) for t in data["tests"]) == pytest.approx(s.score)
        assert sum(t.get("max_score", 0) for t in data["tests"]) == pytest.approx(s.max_score)
        checks = [t for t in data["tests"] if "max_score" not in t]
        assert len(checks) == len(s.checks())
        for c, t in zip(s.checks(), checks):
            assert t["visibility"] == ("after_published" if c.visibility == "hidden" else "visible")


# --- GitHub Actions ---------------------------------------------------------------


def test_step_summary_of_one_submission(one):
    text = github_actions.summary(one)
    assert text.startswith("## Toy \\| gradients: 1/3 points\n")
    assert "| `forward` | 1/1 | ✅ passed |" in text
    assert "| `loss_grad` | 0/2 | ❌ failed |" in text
    assert "2 checks did not pass" in text
    assert "**`loss_grad` › dW shape** (failed, diagnosis `transposed`)" in text
    assert "```text\non public case 1: dW has shape (3, 2); expected (2, 3)\nDiagnosis: dW is transposed\n```" in text


def test_step_summary_of_a_class_has_a_row_per_student():
    text = github_actions.summary(toy())
    assert "## Toy \\| gradients: 2 submissions" in text
    assert "| Student | Score | `forward` | `loss_grad` |" in text
    assert "| ada | 3/3 | ✅ 1/1 | ✅ 2/2 |" in text and "| bob | 1/3 | ✅ 1/1 | ❌ 0/2 |" in text


def test_a_message_with_backticks_cannot_break_out_of_its_code_block():
    assert github_actions.fenced("a ``` b") == "````text\na ``` b\n````"


def test_annotations_point_at_the_line_of_the_function_that_lost_points(one):
    [line] = github_actions.annotations(one, workspace=Path("/home/runner/work/course/course"))
    assert line.startswith("::error file=bob/toy.py,line=12,title=loss_grad%3A 0/2 points::")
    assert line.endswith("::dW shape: on public case 1: dW has shape (3, 2); expected (2, 3)%0A"
                         "Diagnosis: dW is transposed%0A(and 1 more: dW shape (hidden))")
    assert "\n" not in line


def test_github_writer_appends_to_the_step_files_and_prints_annotations(one, tmp_path, capsys):
    summary, output = tmp_path / "summary", tmp_path / "output"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
           "GITHUB_WORKSPACE": "/home/runner/work/course/course"}
    (tmp_path / "out").mkdir()
    [written] = github_actions.write(one, tmp_path / "out", env=env)
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + written.read_text(encoding="utf-8") + "\n"
    assert output.read_text(encoding="utf-8") == "score=1\nmax-score=3\n"
    assert capsys.readouterr().out.startswith("::error file=bob/toy.py,line=12,")


def test_outside_github_nothing_but_the_report_is_written(one, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    assert [p.name for p in github_actions.write(one, tmp_path / "out", env={})] == ["summary.md"]
    assert [p.name for p in github_classroom.write(one, tmp_path / "out", env={})] == ["classroom.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert capsys.readouterr().out == ""   # no annotation outside a workflow


# --- GitHub Classroom -------------------------------------------------------------


def decode(output_file: Path) -> dict:
    lines = dict(line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines())
    return json.loads(base64.b64decode(lines["result"]).decode("utf-8"))


def test_classroom_result_is_base64_json_with_a_test_per_function(one, tmp_path):
    output = tmp_path / "output"
    github_classroom.write(one, tmp_path, env={"GITHUB_OUTPUT": str(output), "GITHUB_WORKSPACE": "/home/runner/work/course/course"})
    data = decode(output)
    assert data == json.loads((tmp_path / "classroom.json").read_text(encoding="utf-8"))
    assert (data["version"], data["status"], data["max_score"]) == (1, "fail", 3.0)
    forward, loss = data["tests"]
    assert all(set(t) == CLASSROOM_TEST for t in data["tests"])
    assert (forward["name"], forward["status"], forward["score"], forward["line_no"]) == ("forward", "pass", 1.0, 3)
    assert (loss["name"], loss["status"], loss["score"], loss["line_no"]) == ("loss_grad", "fail", 0.0, 12)
    assert loss["filename"] == "bob/toy.py" and loss["execution_time"] == "0.25s"
    assert loss["message"].startswith("dW shape: on public case 1")
    # what the grading reporter shows: "Points <sum of test scores>/<max_score>"
    assert (sum(t["score"] for t in data["tests"]), data["max_score"]) == (1.0, 3.0)


def test_classroom_status_of_the_graded_run(graded):
    result = graded_result(graded)
    for s in result.submissions:
        data = github_classroom.result_object(AssignmentResult(assignment="x", submissions=[s]))
        assert sum(t["score"] for t in data["tests"]) == pytest.approx(s.score)
        assert data["max_score"] == s.max_score
        expected = ("error" if any(f.status in ("error", "timeout") for f in s.functions)
                    else "pass" if s.score == s.max_score else "fail")
        assert data["status"] == expected, s.student


def test_a_result_holding_nan_and_infinity_is_saved_and_read_back(tmp_path):
    from grader.results import Element
    from grader.batch.store import ResultStore
    bob = toy().submissions[1]
    check = bob.functions[1].checks[1]
    check.margin, check.worst = float("inf"), [Element(index=[0, 1], expected=2.0, got=float("nan"))]
    store = ResultStore(tmp_path)
    store.save("key", bob)
    again = store.load("bob", "key")
    assert again is not None, "a stored result with NaN could not be read back"
    [element] = again.functions[1].checks[1].worst
    assert element.got != element.got and again.functions[1].checks[1].margin == float("inf")
