"""Hidden inputs stay hidden: a submission that, at its first call, searches
its own process (the frames above its function, everything the garbage
collector tracks) for arrays and raises and prints what it finds must not
get a hidden input into anything shown before grades are published: a
`visible` Gradescope test, a public check's message, the output recorded
beside the public checks, self-check, GitHub's and Classroom's outputs and
the pytest plugin. The witness is the hidden cases themselves, drawn here
from the seed each result records."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ASSIGNMENT, CORRECT, ROOT, correct_source, replace_functions, write_submission
from ways_in import autograder, results
from ways_in import run_pytest

from grader.cases.assignment import Assignment
from grader.grading import submission_seed
from grader.cases.sampling import HIDDEN

MARKER = "bpg-harvest"

HARVEST = f'''
import gc
import sys

CALLS = [0]


def _arrays_held():
    """Every float array this process holds: reachable from the frames above
    this one (the child's pending requests among them) or from any object the
    garbage collector tracks."""
    todo, seen, found = [], set(), {{}}
    frame = sys._getframe(1)
    while frame is not None:
        todo.append(frame.f_locals)
        frame = frame.f_back
    todo += gc.get_objects()
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            if obj.dtype == np.float64 and obj.size:
                found[id(obj)] = obj
        elif isinstance(obj, dict):
            todo.extend(obj.values())
        elif isinstance(obj, (list, tuple)):
            todo.extend(obj)
    return list(found.values())


def _harvest(*given):
    """Printed, and raised at this process's first call: the first value of
    each array held, those of shapes this call was not given first."""
    CALLS[0] += 1
    shapes = {{g.shape for g in given if isinstance(g, np.ndarray)}}
    arrays = sorted(_arrays_held(), key=lambda a: a.shape in shapes)
    found = "{MARKER} " + " ".join(dict.fromkeys(repr(float(a.flat[0])) for a in arrays))
    print(found)
    if CALLS[0] == 1:
        raise ValueError(found)
'''


def harvesting(source: str, function: str) -> str:
    """`source` whose `function` first harvests its process (see HARVEST)."""
    head, sep, tail = source.partition(f"def {function}(")
    params, _, body = tail.partition("):\n")
    return head + HARVEST + f"\n\n{sep}{params}):\n    _harvest({params})\n" + body


def hostile_source() -> str:
    """The correct submission, but for window_vectors, which harvests its
    process at every call and raises what it found at the first."""
    return harvesting(correct_source(), "window_vectors")


def hidden_values(seed: int, folder: Path = ASSIGNMENT) -> set[str]:
    """The first value of every float argument of every hidden case the seed picks, as the hostile file writes it."""
    source = Assignment(folder).reference_source()
    found = set()
    for case in source.cases(HIDDEN, seed):
        for args in case.inputs.values():
            for value in args.values():
                if getattr(value, "dtype", None) == "float64" and value.size:
                    found.add(repr(float(value.flat[0])))
    assert found
    return found


def leaked(text: str, seed: int, folder: Path = ASSIGNMENT) -> set[str]:
    return {value for value in hidden_values(seed, folder) if value in text}


def graded(cli, folder: Path, assignment: Path | str, out: Path) -> dict:
    """`grade` on a folder of submissions: grades.json's submissions by student."""
    run = cli("grade", folder, "--assignment", assignment, "--out", out, "--format", "json")
    assert run.returncode == 0, run.stderr
    grades = json.loads(next(out.rglob("grades.json")).read_text(encoding="utf-8"))
    return {s["student"]: s for s in grades["submissions"]}


def public_text(s: dict) -> str:
    return "\n".join([s["output"]] + [c["message"] for f in s["functions"] for c in f["checks"]
                                      if c["visibility"] == "public"])


@pytest.fixture(scope="module")
def gradescope_run(tmp_path_factory, cli):
    root = autograder(tmp_path_factory.mktemp("hidden") / "autograder", {"ner_window.py": hostile_source()})
    run = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root, "--seed", "5")
    assert run.returncode == 0, run.stderr
    return results(root)


def test_no_visible_gradescope_test_shows_a_hidden_input(gradescope_run):
    data = gradescope_run
    visible = [t for t in data["tests"] if t["visibility"] == "visible"]
    shown = "\n".join([data["output"]] + [t["name"] + "\n" + t["output"] for t in visible])
    assert MARKER in shown  # the file did search its process, and its message is shown at once
    assert data["visibility"] == "visible" and not leaked(shown, 5)


def test_hidden_checks_still_grade_correctly(gradescope_run):
    data = gradescope_run
    hidden = [t for t in data["tests"] if t["visibility"] == "after_published"]
    assert hidden and all(t.get("status", "passed") == "passed" for t in hidden), \
        [t["name"] for t in hidden if t.get("status") == "failed"]
    # only the public case on which it raised costs its point
    assert data["score"] == 12.0
    failed = [t["name"] for t in data["tests"] if t.get("status") == "failed" and "max_score" not in t]
    assert failed == ["window_vectors › returns"]


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory, cli):
    tmp = tmp_path_factory.mktemp("hidden-batch")
    write_submission(tmp / "ner_window" / "hostile.py", hostile_source())
    shutil.copy(CORRECT, tmp / "ner_window" / "ada.py")
    return graded(cli, tmp / "ner_window", "ner_window", tmp / "out")


def test_public_messages_and_output_hold_no_hidden_input(batch_run):
    s = batch_run["hostile"]
    assert MARKER in s["output"] and MARKER in public_text(s)
    assert not leaked(public_text(s), s["seed"])
    # what it printed while it held the hidden inputs is kept, apart: the harvest did find them there
    assert MARKER in s["hidden_output"] and leaked(s["hidden_output"], s["seed"])


def test_the_correct_submission_keeps_full_marks(batch_run):
    ada = batch_run["ada"]
    assert ada["score"] == ada["max_score"] == 13.0
    assert batch_run["hostile"]["score"] == 12.0


def test_self_check_and_its_github_outputs_hold_no_hidden_input(tmp_path, cli):
    path = write_submission(tmp_path / "ner_window.py", hostile_source())
    in_workflow = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(tmp_path / "gh-output")}
    run = cli("self-check", path, "--format", "github", "--format", "classroom", "--format", "json",
              "--out", tmp_path / "out", env=in_workflow)
    assert run.returncode == 1, run.stderr
    assert "::error file=" in run.stdout   # the annotations are among what is checked
    written = [run.stdout] + [p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*") if p.is_file()]
    shown = "\n".join(written)
    assert MARKER in run.stdout
    seed = json.loads((tmp_path / "out" / "ner_window" / "grades.json").read_text())["submissions"][0]["seed"]
    assert not leaked(shown, seed)


def test_the_pytest_plugin_shows_no_hidden_input(tmp_path):
    shutil.copytree(ASSIGNMENT, tmp_path / "hw", ignore=shutil.ignore_patterns("__pycache__", ".pool", "reference.py"))
    write_submission(tmp_path / "ner_window.py", hostile_source())
    run, items = run_pytest(tmp_path, "--assignment", "hw", "ner_window.py")
    shown = run.stdout + run.stderr + "\n".join(text or "" for text in items.values())
    assert MARKER in shown
    assert not leaked(shown, submission_seed(Assignment(ASSIGNMENT).spec, "ner_window"))


def test_a_timeout_in_the_public_cases_restarts_the_process_without_hidden_inputs(tmp_path, cli, assignment_copy):
    spec = assignment_copy("ner_window", edits=(("call_timeout = 10", "call_timeout = 1"),))
    source = replace_functions(hostile_source(), score="def score(x, W, b, u):\n    while True:\n        pass\n")
    write_submission(tmp_path / "batch" / "looping.py", source)
    s = graded(cli, tmp_path / "batch", spec, tmp_path / "out")["looping"]
    assert MARKER in public_text(s) and not leaked(public_text(s), s["seed"], spec)
    checks = {(f["name"], c["name"]): c for f in s["functions"] for c in f["checks"]}
    assert checks[("score", "returns")]["status"] == "timeout"
    # the fresh process took the public cases that were left, then the hidden ones: its first call raised there
    hidden = checks[("window_vectors", "returns (hidden)")]
    assert hidden["status"] == "error" and MARKER in hidden["message"]
    assert all(c["status"] == "passed" for (f, name), c in checks.items() if f in ("score_grads", "ner_loss_and_grads"))
    assert s["score"] == 11.0


def test_caches_kept_in_the_process_are_made_for_hidden_cases_only_after_the_public_ones(tmp_path, cli):
    layers, emmy = ROOT / "assignments" / "layers", ROOT / "submissions" / "layers" / "emmy.py"
    batch = tmp_path / "layers"
    write_submission(batch / "hostile.py", harvesting(emmy.read_text(encoding="utf-8"), "affine_backward"))
    shutil.copy(emmy, batch / "emmy.py")
    graded_ = graded(cli, batch, layers, tmp_path / "out")
    s, correct = graded_["hostile"], graded_["emmy"]
    assert correct["score"] == correct["max_score"]
    assert MARKER in public_text(s) and not leaked(public_text(s), s["seed"], layers)
    affine = next(f for f in s["functions"] if f["name"] == "affine_backward")
    assert [c["name"] for c in affine["checks"] if c["status"] != "passed"] == ["returns"]
    assert all(c["status"] == "passed" for c in affine["checks"] if c["visibility"] == "hidden")
    assert s["score"] == correct["score"] - affine["max_score"]
