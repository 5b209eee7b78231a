"""Nothing lost: a real batch is killed with SIGKILL in the middle of grading
(the grading process, its workers and their fork servers all at once), and
run again. The second run grades only what the first did not save, every
saved result is whole, and the class reports match those of a clean run.
Then --force regrades everything and a changed file is graded again alone.
(The assignment is a copy with a small pool of hidden cases, to be quick.)"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "submissions" / "ner_window").glob("*.py"))
COPIES = 24
CODE = "import sys; from grader.cli import grade_main; raise SystemExit(grade_main())"


def command(batch: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", CODE, str(batch), "--out", str(out), "-j", "2", *extra]


def env(assignments: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "CI": "1", "BACKPROP_GRADER_ASSIGNMENTS": str(assignments)}


def run(batch: Path, out: Path, *extra: str) -> tuple[int, int, str]:
    """(graded, reused, stderr) of a complete run."""
    done = subprocess.run(command(batch, out, *extra), capture_output=True, text=True, timeout=300,
                          env=env(batch.parent / "assignments"), stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    found = re.search(r"ner_window: (\d+) graded in .*?, (\d+) saved results reused", done.stderr)
    assert found, done.stderr
    return int(found[1]), int(found[2]), done.stderr


def saved(out: Path) -> list[Path]:
    folder = out / "ner_window" / "results"
    return sorted(p for p in folder.glob("*.json")) if folder.is_dir() else []


def scores(out: Path) -> dict[str, float]:
    data = json.loads((out / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    return {s["student"]: s["score"] for s in data["submissions"]}


@pytest.fixture
def batch(tmp_path) -> Path:
    assignment = tmp_path / "assignments" / "ner_window"
    shutil.copytree(ROOT / "assignments" / "ner_window", assignment, ignore=shutil.ignore_patterns("__pycache__"))
    spec = assignment / "assignment.toml"
    spec.write_text(re.sub(r"^\[cases\]\n", "[cases]\nhidden_pool = 4\n", spec.read_text(encoding="utf-8"),
                           count=1, flags=re.M), encoding="utf-8")
    folder = tmp_path / "ner_window"
    folder.mkdir()
    for i in range(COPIES):
        source = BUNDLED[i % len(BUNDLED)]
        shutil.copy(source, folder / f"s{i:02d}_{source.name}")
    return folder


def test_a_batch_killed_with_sigkill_resumes_where_it_stopped(batch, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(command(batch, out), env=env(batch.parent / "assignments"), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(saved(out)) < 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    kept = saved(out)
    assert 4 <= len(kept) < COPIES, f"the kill came too late to test anything ({len(kept)} saved)"
    for path in kept:  # every saved result is whole: the writes are atomic
        json.loads(path.read_text(encoding="utf-8"))
    assert not (out / "ner_window" / "grades.json").exists()

    graded, reused, _ = run(batch, out)
    assert (graded, reused) == (COPIES - len(kept), len(kept))
    clean = tmp_path / "clean"
    assert run(batch, clean)[:2] == (COPIES, 0)
    assert scores(out) == scores(clean)

    assert run(batch, out, "--force")[:2] == (COPIES, 0)
    assert scores(out) == scores(clean)
    changed = sorted(batch.glob("*.py"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# resubmitted\n", encoding="utf-8")
    assert run(batch, out)[:2] == (1, COPIES - 1)
