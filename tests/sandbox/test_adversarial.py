"""Hostile and broken submissions, graded in one batch beside correct ones.

Every file under tests/sandbox/adversarial/ starts with its expected verdict:

    # expect: total=11 window_vectors_backward=error ner_loss_and_grads=passed

`total` is the score, `<function>=<status>` a function's status (`all=` for
every function), `output~=<text>` (last: the rest of the line) something its captured output contains.
The batch runs through the real `grade` command, with tight limits, and
then: each file gets its verdict; the correct submissions score exactly what
they score in a batch of their own; nothing outside the temporary
directories is changed; and what the sandbox cannot contain on this machine
is asserted as documented instead."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import USERS, as_user
from grader.sandbox import fork_server

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "adversarial"
CORRECT = [ROOT / "submissions" / "ner_window" / "ada.py", ROOT / "submissions" / "ner_window" / "transposed_dw.py"]
MARK = "bpg-hostile"
NEED_SECCOMP = ("signals_by_descriptor", "allocates_outside_limits")  # try roads only seccomp closes everywhere
LIMITS = """[limits]
timeout = 20
call_timeout = 2
cpu = 10
memory = 768
file_size = 4
output = 2000
"""


def expectations() -> dict[str, dict]:
    found = {}
    for path in sorted(CORPUS.glob("*.py")):
        line = path.read_text(encoding="utf-8").splitlines()[0]
        assert line.startswith("# expect: "), f"{path.name} does not start with '# expect: ...'"
        expect = {"status": {}}
        line, _, output = line[len("# expect: "):].partition("output~=")
        if output:
            expect["output"] = output  # the rest of the line
        for item in line.split():
            key, value = item.split("=")
            if key == "total":
                expect["total"] = float(value)
            else:
                expect["status"][key] = value
        found[path.stem] = expect
    return found


def features() -> dict[str, bool]:
    return fork_server.shared().features


def grade(batch: Path, assignment: Path, out: Path, user: str) -> dict:
    code = "import sys; from grader.cli import grade_main; raise SystemExit(grade_main())"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-c", code, str(batch), "--assignment", str(assignment), "--out", str(out), "-j", "2",
               "-q"]
    done = subprocess.run(as_user(user, command), capture_output=True, text=True, env=env,
                          timeout=300, stdin=subprocess.DEVNULL, cwd=str(batch.parent))
    assert done.returncode == 0, done.stderr
    return {s["student"]: s for s in json.loads((out / "ner_window" / "grades.json").read_text())["submissions"]}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file's digest, but the case pool the grading process itself keeps."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".pool" not in p.relative_to(folder).parts}


def marked_files(folder: Path, since: float) -> list[Path]:
    """Files under `folder` changed since `since` that hold the hostile marker."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".venv", "node_modules")]
        for name in filenames:
            path = Path(dirpath) / name
            try:
                if MARK in name or (path.stat().st_mtime >= since and MARK.encode() in path.read_bytes()):
                    found.append(path)
            except OSError:
                pass
    return found


@pytest.fixture(scope="module", params=USERS)
def batch(tmp_path_factory, request):
    """The corpus graded as root (where students get user ids of their own)
    and as an ordinary user (where they share the grader's)."""
    tmp = tmp_path_factory.mktemp("adversarial")
    assignment = tmp / "assignments" / "ner_window"
    shutil.copytree(ROOT / "assignments" / "ner_window", assignment,
                    ignore=shutil.ignore_patterns("__pycache__", ".pool"))
    spec = assignment / "assignment.toml"
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"\[limits\]\n(?:[^\[\n].*\n)*", LIMITS + "\n", text, count=1)
    spec.write_text(text, encoding="utf-8")
    hostile = tmp / "batch" / "ner_window"
    clean = tmp / "clean" / "ner_window"
    hostile.mkdir(parents=True)
    clean.mkdir(parents=True)
    skipped = set()
    for path in CORPUS.glob("*.py"):
        if path.stem == "fork_bomb" and not features().get("seccomp") and os.getuid() == 0:
            skipped.add(path.stem)  # nothing here would stop a real fork bomb: see README
            continue
        if path.stem in NEED_SECCOMP and not features().get("seccomp"):
            skipped.add(path.stem)  # the roads it tries are open (README's table): it would not be contained
            continue
        shutil.copy(path, hostile / path.name)
    for path in CORRECT:
        shutil.copy(path, hostile / path.name)
        shutil.copy(path, clean / path.name)
    before = {"batch": snapshot(hostile), "assignment": snapshot(assignment)}
    host_tmp = sorted(Path("/tmp").glob(f"{MARK}*"))
    start = time.time()
    took = time.monotonic()
    results = grade(hostile, assignment, tmp / "out", request.param)
    took = time.monotonic() - took
    clean_results = grade(clean, assignment, tmp / "clean-out", request.param)
    return dict(results=results, clean=clean_results, before=before, hostile=hostile, assignment=assignment,
                start=start, took=took, skipped=skipped, host_tmp=host_tmp)


@pytest.mark.parametrize("name", sorted(expectations()))
def test_each_hostile_file_gets_its_verdict(batch, name):
    if name in batch["skipped"]:
        pytest.skip("no seccomp filter here: what it tries would not be contained (README's table)")
    expect = expectations()[name]
    if name in ("reads_reference", "writes_files") and not features().get("filesystem"):
        pytest.skip("no private filesystem view here: see the tests of the documented behaviour")
    got = batch["results"][name]
    statuses = {f["name"]: _status(f) for f in got["functions"]}
    summary = f"{name}: score {got['score']}, {statuses}"
    assert got["score"] == expect["total"], summary
    for function, status in expect["status"].items():
        names = list(statuses) if function == "all" else [function]
        for n in names:
            assert statuses[n] == status, summary
    if "output" in expect:
        assert expect["output"] in got["output"], got["output"][-200:]
        assert len(got["output"]) <= 2000 + 100


def _status(function: dict) -> str:
    """A function's status from its scored checks: what its points depend on."""
    order = ["passed", "skipped", "failed", "error", "timeout"]
    scored = [c["status"] for c in function["checks"] if c.get("scored", True)]
    return max(scored, key=order.index) if scored else "skipped"


def test_correct_submissions_score_as_they_do_alone(batch):
    for path in CORRECT:
        alone, beside = batch["clean"][path.stem], batch["results"][path.stem]
        assert beside["score"] == alone["score"]
        assert [(f["name"], f["score"]) for f in beside["functions"]] == \
            [(f["name"], f["score"]) for f in alone["functions"]]


def test_the_batch_is_graded_within_its_limits(batch):
    # a dozen files sit on a 2 s limit each; nothing may wait for the 20 s submission limit
    assert batch["took"] < 60


def test_errors_say_what_happened(batch):
    def message(student: str, function: str) -> str:
        f = next(f for f in batch["results"][student]["functions"] if f["name"] == function)
        return "\n".join(c["message"] for c in f["checks"] if c["status"] != "passed")
    assert "no answer within 2.0 s" in message("loop_at_import", "score")
    assert "exited with code 0" in message("os_exit_in_call", "window_vectors_backward")
    assert "SystemExit" in message("sys_exit_in_call", "window_vectors_backward") or \
        "sys.exit" in message("sys_exit_in_call", "window_vectors_backward")
    assert "SIGSEGV" in message("segfault", "window_vectors_backward")
    assert "MemoryError" in message("memory_bomb", "score_grads")
    assert "RecursionError" in message("recursion", "window_vectors_backward")
    assert "1000000000 elements" in message("huge_array", "score_grads")
    assert "dtype object" in message("object_array", "score_grads")
    assert "Unprintable: (its message could not be read)" in message("unprintable_exception", "score_grads")
    if "fork_bomb" not in batch["skipped"]:
        assert "Operation not permitted" in message("fork_bomb", "window_vectors_backward")


def test_a_hostile_subclass_is_judged_on_its_values_and_named(batch):
    """None of its methods ran (each would hang or raise); the report names its class."""
    [f] = [f for f in batch["results"]["hostile_subclass"]["functions"] if f["name"] == "score_grads"]
    notes = [n for c in f["checks"] if c["name"] == "returns" for n in c["notes"]]
    assert {(n["code"], n["output"], n["type"]) for n in notes} == {
        ("ndarray_subclass", o, "ner_window.Hostile") for o in ("ds_dx", "ds_dW", "ds_db", "ds_du")}


def test_nothing_outside_the_temporary_directories_changes(batch):
    assert snapshot(batch["hostile"]) == batch["before"]["batch"]
    assert snapshot(batch["assignment"]) == batch["before"]["assignment"]
    leaked = marked_files(ROOT, batch["start"])
    leaked += [p for p in Path("/tmp").glob(f"{MARK}*") if p not in batch["host_tmp"]]
    if features().get("filesystem"):
        assert leaked == []
    else:  # documented: without a private filesystem view, the student writes where the user may
        for path in leaked:
            path.unlink()


def test_the_reference_is_out_of_reach_only_with_a_private_filesystem_view(batch):
    stolen = batch["results"]["reads_reference"]
    if features().get("filesystem"):
        assert stolen["score"] == 0
    else:  # documented in README: the reference can be read by path
        assert stolen["score"] == stolen["max_score"]
