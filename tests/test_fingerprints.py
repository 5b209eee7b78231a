"""Every bundled class's verdicts, fingerprinted, so that a change meant to
keep the grader's behaviour (a reorganisation, a speed-up) is seen to keep
it: for each bundled assignment, the `grade` command's
grades.json reduced to what a verdict is (each submission's seed and
score; each function's score; each check's name, status, whether it is
scored, its output, case and diagnosis) and hashed. Messages, margins and
timings are left out: they carry floats whose last digits may differ
between machines.

A change that means to alter verdicts updates tests/fingerprints.json
(`python tests/test_fingerprints.py` prints the current ones) and says why
in its commit."""
from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

ASSIGNMENTS = ("deep_network", "fc_net", "jacobians", "layers", "linear_svm", "ner_window", "softmax", "word2vec")
KEPT = ROOT / "tests" / "fingerprints.json"


def verdicts(grades: dict) -> list:
    """grades.json as the verdicts it holds, in a stable order."""
    return sorted(
        [s["student"], s["seed"], s["score"], f["name"], f["score"],
         [[c["name"], c["status"], c.get("scored", True), c.get("output"), c.get("case"), c.get("diagnosis")]
          for c in f["checks"]]]
        for s in grades["submissions"] for f in s["functions"])


def fingerprint(name: str, out: Path) -> str:
    done = run_cli("grade", f"submissions/{name}", "--out", str(out), "--format", "json", timeout=600)
    assert done.returncode == 0, done.stderr
    grades = json.loads((out / name / "grades.json").read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(verdicts(grades)).encode()).hexdigest()


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_bundled_verdicts_are_those_kept(name, tmp_path):
    kept = json.loads(KEPT.read_text(encoding="utf-8"))
    assert fingerprint(name, tmp_path) == kept[name], (
        f"the verdicts of submissions/{name} changed: if that is meant, update {KEPT.name} "
        "(python tests/test_fingerprints.py) and say why in the commit")


def test_a_changed_verdict_changes_the_fingerprint():
    grades = {"submissions": [{"student": "ada", "seed": 1, "score": 1.0, "functions": [
        {"name": "f", "score": 1.0, "checks": [{"name": "f value", "status": "passed"}]}]}]}
    before = json.dumps(verdicts(grades))
    grades["submissions"][0]["functions"][0]["checks"][0]["status"] = "failed"
    assert json.dumps(verdicts(grades)) != before


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps({name: fingerprint(name, Path(tmp) / name) for name in ASSIGNMENTS}, indent=2))
