"""Answers no honest student's process sends: text that is no UTF-8 (lone
surrogates), frames forged on the answer pipe (deep nesting, 64 MiB of
[{},{},...]) and answers far larger than the spec's shapes. Each is a
verdict against its submission: the grading process finishes, writes every
report in valid UTF-8, stays within its memory, grades the correct
submissions beside them as it would alone, and saves every result, so that
nothing is graded again as a fault of the grader. The corpus in
tests/sandbox/adversarial/ holds the smaller forgeries (forged_*.py, lying_shape.py,
raises_surrogate.py); those here are too heavy for its tight limits."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from conftest import CLI_TIMEOUT, ROOT, SUBMISSIONS, cli_command, cli_env, replace_functions
from grader.judge import checks
from grader.results import Tolerance
from grader.sandbox import wire

CORPUS = ROOT / "tests" / "sandbox" / "adversarial"
FORGER = CORPUS / "forged_nan_seconds.py"   # a correct submission but for score_grads, with _forge()
PEAK_MB = 800   # the grading run's peak memory; before the ceiling, these answers took 1.8 and 3.3 GB

HEAVY = {
    # two 64 MiB frames (the first call and the one that replaces it) of [{},{},...]
    "floods_objects": 'def score_grads(x, W, b, u):\n'
                      '    _forge(b"[" + b"{}," * ((64 * 2**20 - 16) // 3 - 1) + b"{}]")\n',
    # nesting 200,000 deep
    "nests_deep": 'def score_grads(x, W, b, u):\n    _forge(b"[" * 200_000 + b"]" * 200_000)\n',
    # honest frames of 64 MB on every call: held by the grader, they would add up to gigabytes
    "answers_64mb": 'def score_grads(x, W, b, u):\n    return tuple(np.zeros(2_000_000) for _ in range(4))\n',
}
CORRECT = {"ada": 13.0, "transposed_dw": 12.0}


def heavy_source(name: str) -> str:
    return replace_functions(FORGER.read_text(encoding="utf-8"), score_grads=HEAVY[name])


def strict_json(data: bytes):
    """JSON as a strict parser reads it: valid UTF-8, no NaN or Infinity."""
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def run_measured(tool: str, *args, cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess, int]:
    """Run the CLI from a wrapper process of its own, so that the peak
    resident memory of its descendants (KB) is that run's alone."""
    wrapper = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
               "raise SystemExit(done.returncode)")
    done = subprocess.run([sys.executable, "-c", wrapper, *cli_command(tool, *args)], cwd=str(cwd), env=cli_env(),
                          capture_output=True, text=True, timeout=CLI_TIMEOUT)
    *lines, peak = done.stderr.rstrip("\n").split("\n")
    done.stderr = "\n".join(lines)
    return done, int(peak)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-answers")
    folder = tmp / "ner_window"
    folder.mkdir()
    for name in HEAVY:
        (folder / f"{name}.py").write_text(heavy_source(name), encoding="utf-8")
    for name in ("raises_surrogate", "forged_names"):
        shutil.copy(CORPUS / f"{name}.py", folder)
    for name in CORRECT:
        shutil.copy(SUBMISSIONS / f"{name}.py", folder)
    out = tmp / "out"
    args = (folder, "--assignment", "ner_window", "--out", out, "-j", "2")
    first, peak = run_measured("grade", *args)
    grades = (out / "ner_window" / "grades.json").read_bytes()
    again, _ = run_measured("grade", *args)
    return dict(first=first, peak=peak, grades=grades, again=again, out=out / "ner_window")


def submission(batch, student: str) -> dict:
    [found] = [s for s in strict_json(batch["grades"])["submissions"] if s["student"] == student]
    return found


def messages(batch, student: str, function: str) -> str:
    [f] = [f for f in submission(batch, student)["functions"] if f["name"] == function]
    return "\n".join(c["message"] for c in f["checks"] if c["status"] != "passed")


def statuses(batch, student: str) -> dict[str, str]:
    order = ["passed", "skipped", "failed", "error", "timeout"]
    return {f["name"]: max((c["status"] for c in f["checks"] if c["scored"]), key=order.index)
            for f in submission(batch, student)["functions"]}


def test_grading_completes_within_its_memory(batch):
    first = batch["first"]
    assert first.returncode == 0, first.stderr
    assert "grader failed" not in first.stderr
    assert batch["peak"] < PEAK_MB * 1024, f"the grading run peaked at {batch['peak'] // 1024} MB"
    for student, score in CORRECT.items():  # graded beside them as they are alone
        assert submission(batch, student)["score"] == score


def test_each_hostile_answer_is_an_error_that_says_what(batch):
    for student, says in [("floods_objects", "JSON part is 67108849 bytes"),
                          ("nests_deep", "malformed answer"),
                          ("answers_64mb", "answers passed 256 MiB in all"),
                          ("raises_surrogate", "ValueError: bad \\ud800 text")]:
        assert statuses(batch, student)["score_grads"] == "error", student
        assert says in messages(batch, student, "score_grads")
        if student != "answers_64mb":  # (which passed its ceiling on score_grads: the later calls fail too)
            assert statuses(batch, student)["window_vectors"] == "passed"


def test_forged_names_are_shown_as_escapes(batch):
    assert set(statuses(batch, "forged_names").values()) == {"error"}
    [f] = [f for f in submission(batch, "forged_names")["functions"] if f["name"] == "window_vectors"]
    [signature] = [c["message"] for c in f["checks"] if c["name"] == "signature"]
    assert signature.startswith("window_vectors(x\\udcff, a) is called as window_vectors(windows, L)")


def test_every_result_is_saved_and_not_graded_again(batch):
    saved = {json.loads(p.read_bytes())["result"]["student"] for p in (batch["out"] / "results").glob("*.json")}
    assert saved == set(HEAVY) | {"raises_surrogate", "forged_names"} | set(CORRECT)
    again = batch["again"]
    assert again.returncode == 0, again.stderr
    assert "grader failed" not in again.stderr
    assert strict_json((batch["out"] / "grades.json").read_bytes())["submissions"] == \
        strict_json(batch["grades"])["submissions"]
    for path in batch["out"].rglob("*"):  # every report, valid UTF-8
        if path.is_file():
            path.read_bytes().decode("utf-8")


# --- grade gradescope and self-check -------------------------------------------------------

@pytest.mark.parametrize("name, score", [("raises_surrogate", 9.0), ("forged_names", 0.0),
                                         ("forged_huge_shape", 9.0), ("floods_objects", 9.0)])
def test_gradescope_writes_strict_results_json(tmp_path, name, score):
    upload = tmp_path / "submission"
    upload.mkdir()
    source = heavy_source(name) if name in HEAVY else (CORPUS / f"{name}.py").read_text(encoding="utf-8")
    (upload / "ner_window.py").write_text(source, encoding="utf-8")
    done, peak = run_measured("grade", "gradescope", "--assignment", "ner_window", "--root", tmp_path)
    assert done.returncode == 0, done.stderr
    data = strict_json((tmp_path / "results" / "results.json").read_bytes())
    assert data["score"] == score
    assert [t["status"] for t in data["tests"] if t["name"] == "window_vectors"] == \
        ["failed" if name == "forged_names" else "passed"]
    assert peak < PEAK_MB * 1024


def test_gradescope_writes_results_json_when_the_grader_fails(tmp_path):
    """A reference that fails is the instructor's fault, not the student's:
    the command fails, and the student's page still says what happened."""
    assignment = tmp_path / "assignment"
    shutil.copytree(ROOT / "assignments" / "ner_window", assignment, ignore=shutil.ignore_patterns(".pool"))
    reference = assignment / "reference.py"
    reference.write_text(reference.read_text(encoding="utf-8").replace(
        "def score(x, W, b, u):", "def score(x, W, b, u):\n    raise RuntimeError('broken \\ud800')", 1),
        encoding="utf-8")
    (tmp_path / "submission").mkdir()
    shutil.copy(SUBMISSIONS / "ada.py", tmp_path / "submission" / "ner_window.py")
    done, _ = run_measured("grade", "gradescope", "--assignment", assignment, "--root", tmp_path)
    assert done.returncode != 0
    data = strict_json((tmp_path / "results" / "results.json").read_bytes())
    assert data["score"] == 0.0 and "The autograder failed" in data["output"]


@pytest.mark.parametrize("name, says", [
    ("raises_surrogate", "ValueError: bad \\ud800 text"),
    ("forged_names", "window_vectors(x\\udcff, a) is called as window_vectors(windows, L)"),
    ("forged_huge_int", "refused an array of shape [0, 1000"),
])
def test_self_check_reports_hostile_answers(tmp_path, name, says):
    shutil.copy(CORPUS / f"{name}.py", tmp_path / "ner_window.py")
    done, _ = run_measured("self-check", tmp_path / "ner_window.py", "--assignment", "ner_window",
                           "--format", "json", "--out", tmp_path / "reports")
    assert done.returncode == 1, done.stderr   # checks failed; nothing crashed
    assert "Traceback" not in done.stderr
    [result] = strict_json((tmp_path / "reports" / "ner_window" / "grades.json").read_bytes())["submissions"]
    assert says in "\n".join(c["message"] for f in result["functions"] for c in f["checks"])
    assert says in done.stdout or name == "forged_names"   # (a passed check's message is not printed)


# --- the wire, on its own ---------------------------------------------------------------

def frame(payload: bytes, tail: bytes = b"") -> bytes:
    return wire.HEADER.pack(len(payload), len(tail)) + payload + tail


def receive(data: bytes):
    """What the grading process makes of these bytes, and the most memory it took (bytes)."""
    r, w = os.pipe()
    reader = wire.Reader(r)
    reader.buffer += data  # (all of it at once: a pipe holds less)
    tracemalloc.start()
    try:
        got = wire.receive(reader)
    except wire.WireError as e:
        got = e
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    os.close(r)
    os.close(w)
    return got, peak


@pytest.mark.parametrize("payload", [b"[" + b"{}," * 1_000_000 + b"{}]",          # 3 MB, a million objects
                                     b"[" + b"[]," * 1_000_000 + b"[]]",
                                     b'{"x": [' + b"0," * 2_000_000 + b"0]}",
                                     b'{"x": "' + b"a" * (5 * 2**20) + b'"}'],   # 5 MiB of JSON
                         ids=["objects", "lists", "numbers", "string"])
def test_a_flood_is_refused_before_it_is_parsed(payload):
    got, peak = receive(frame(payload))
    assert isinstance(got, wire.WireError)
    assert peak < 10 * 2**20, f"{peak} bytes taken to refuse it"   # (its JSON part is copied once: 3 MB)


def test_received_text_is_valid_utf8():
    forged = {"\ud800key": ["\udcff", {"__unsupported__": "T\ud800"}],
              "seq": {"__sequence__": "tu\ud800ple", "items": ["a\udfff"], "length": 1}}
    got, _ = receive(frame(json.dumps(forged).encode()))
    assert not isinstance(got, Exception)
    text = repr(got)
    text.encode("utf-8")
    assert "\\\\ud800key" in text and "T\\\\ud800" in text and "tu\\\\ud800ple" in text


@pytest.mark.parametrize("forged, refused", [
    ({"seconds": 10**400}, "integer of 401 digits"),
    ({"x": [-2**63 - 1]}, "integer of 19 digits"),
    ({"x": {"__ndarray__": ["<f8", [2**62, 2**62, 0], 0]}}, "dimension of more than"),
    ({"x": {"__ndarray__": ["<f8", [0], 10**30]}}, "starts at byte"),
    ({"x": {"__bool__": [1, 2]}}, "malformed bool"),
    ({"x": {"__sequence__": "list", "items": [], "length": -1}}, "malformed sequence"),
    ({"x": {"__subclass__": "numpy.matrix", "array": [1, 2]}}, "malformed array subclass: no array"),
    ({"x": {"__subclass__": "numpy.matrix", "array": {"__ndarray__": ["<f8", [0], 0]}, "masked": 1}},
     "its count of masked elements"),
    ({"x": {"__subclass__": "numpy.matrix", "array": {"__ndarray__": ["<f8", [0], 0]}, "masked": True}},
     "its count of masked elements"),
    ({"x": {"__subclass__": "numpy.matrix", "array": {"__ndarray__": ["<f8", [2**62, 0], 0]}}},
     "dimension of more than"),
])
def test_forged_values_are_refused(forged, refused):
    got, _ = receive(frame(json.dumps(forged).encode()))
    assert isinstance(got, wire.WireError) and refused in str(got)


def test_an_updated_argument_of_the_wrong_kind_fails():
    """bn_param's mode returned as an array: == on it is an array, whose truth the grader once asked."""
    expected = {"mode": "train", "running_mean": np.zeros(3)}
    verdict = checks.updated("bn_param", {"mode": np.zeros(3), "running_mean": np.zeros(3)}, expected, Tolerance(rtol=1e-5, atol=1e-7))
    assert verdict.status == "failed"
    assert "bn_param['mode'] is one array of shape (3,), expected 'train'" in verdict.message
