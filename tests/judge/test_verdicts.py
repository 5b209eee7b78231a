"""Verdicts you can trust: a correct answer never fails (whatever the seed,
at kinks, in float32), and every mutant of the reference loses points."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.cases.assignment import Assignment, ReferenceSource
from grader.grading import Submission, grade_submission
from grader.results import Tolerance
from grader.sandbox.trusted import InProcess

from float32_reference import write_float32_reference

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted(p.parent for p in (ROOT / "assignments").glob("*/assignment.toml"))
WITH_KINKS = ROOT / "tests" / "assignments" / "kinks"
EVERY = ASSIGNMENTS + [WITH_KINKS]
SEEDS = st.integers(min_value=0, max_value=2**31 - 1)


def failures(result, allowed=("passed",)):
    return [f"{f.name}: {c.name}: {c.message}" for f in result.functions for c in f.checks if c.status not in allowed]


@pytest.fixture(scope="module", params=EVERY, ids=lambda p: p.name)
def assignment(request):
    a = Assignment(request.param)
    return a, ReferenceSource(a.spec, a.reference, pooled=False)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=SEEDS)
def test_the_reference_never_fails(assignment, seed):
    a, source = assignment
    result = grade_submission(a.spec, source, Submission("reference", a.reference.path), seed=seed, runner=InProcess)
    assert failures(result) == []
    assert result.score == result.max_score


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=SEEDS)
def test_the_reference_in_float32_gets_full_marks(assignment, seed, tmp_path_factory):
    a, source = assignment
    path = write_float32_reference(a.spec, a.reference.path, tmp_path_factory.mktemp("f32"))
    result = grade_submission(a.spec, source, Submission("float32", path), seed=seed, runner=InProcess)
    # the check against the student's own float32 forward may be skipped at a kink, never failed
    assert failures(result, allowed=("passed", "skipped")) == []
    assert result.score == result.max_score
    notes = [c.message for f in result.functions for c in f.checks if "float32" in c.message]
    assert notes, "a float32 answer is flagged with a note"


def test_inputs_on_a_kink_are_redrawn_and_recorded():
    a = Assignment(WITH_KINKS)
    source = ReferenceSource(a.spec, a.reference, pooled=False)
    redrawn = 0
    for seed in range(20):
        result = grade_submission(a.spec, source, Submission("reference", a.reference.path), seed=seed,
                                  runner=InProcess)
        assert failures(result) == []
        redrawn += next(f.redrawn for f in result.functions if f.name == "abs_loss")
    assert redrawn > 0


def run_validate(folder, *extra):
    return subprocess.run([sys.executable, "-c", "from grader.cli import grade_main; raise SystemExit(grade_main())",
                           "validate", str(folder), "--seeds", "5", *extra],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("folder", EVERY, ids=lambda p: p.name)
def test_validate_passes_for_every_bundled_assignment(folder):
    done = run_validate(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "full marks on every seed" in done.stdout
    assert "SURVIVED" not in done.stdout
    killed = re.search(r"^(\d+) of (\d+) mutants killed", done.stdout, re.MULTILINE)
    assert killed and killed.group(1) == killed.group(2) and int(killed.group(2)) > 0


def test_validate_fails_when_a_mutant_survives(tmp_path):
    folder = tmp_path / "kinks"
    shutil.copytree(WITH_KINKS, folder)
    spec = folder / "assignment.toml"
    spec.write_text(spec.read_text().replace('hidden_pool = 0', 'hidden_pool = 0\n\n[tolerance]\nrtol = 5.0'))
    done = run_validate(folder)
    assert done.returncode == 1
    assert "SURVIVED" in done.stdout and "the checks cannot tell them from the reference" in done.stdout


def test_validate_fails_when_the_reference_is_wrong(tmp_path):
    folder = tmp_path / "kinks"
    shutil.copytree(WITH_KINKS, folder)
    ref = folder / "reference.py"
    ref.write_text(ref.read_text().replace("return float(np.sum(np.abs(x))), np.sign(x)",
                                           "return float(np.sum(np.abs(x))), 2 * np.sign(x)"))
    done = run_validate(folder)
    assert done.returncode == 1
    assert "a correct answer would fail" in done.stdout
    assert "abs_loss, public case 1: the reference's dx disagrees with finite differences of the reference's J" \
        in done.stdout
    assert "SURVIVED" not in done.stdout, "the mutant that halves dx is the fix, not a survivor"


TOL = Tolerance(rtol=1e-5, atol=1e-7)
FLOATS = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(expected=st.lists(FLOATS, min_size=1, max_size=8), noise=st.lists(FLOATS, min_size=8, max_size=8),
       rtol=st.sampled_from([1e-5, 1e-3]), single=st.booleans())
def test_a_tolerance_worked_out_before_judges_as_one_worked_out_then(expected, noise, rtol, single):
    """Grading keeps compare.bound per case for every student: the
    same verdict, margin and message as a comparison that works it out."""
    from grader.judge.compare import bound, compare
    e = np.array(expected)
    got = (e + 1e-6 * np.array(noise[:e.size])).astype(np.float32 if single else np.float64)
    fresh = compare("x", got, e, Tolerance(rtol=rtol, atol=1e-7))
    kept = compare("x", got, e, Tolerance(rtol=rtol, atol=1e-7), bounds=bound(e, rtol, 1e-7))
    assert (fresh.passed, fresh.message, fresh.worst) == (kept.passed, kept.message, kept.worst)
    assert fresh.margin == kept.margin or (np.isnan(fresh.margin) and np.isnan(kept.margin))


@settings(max_examples=200, deadline=None)
@given(expected=st.lists(FLOATS, min_size=1, max_size=8), where=st.integers(min_value=0, max_value=7),
       bad=st.sampled_from([np.nan, np.inf, -np.inf]), explain=st.booleans())
def test_a_nan_or_inf_anywhere_is_named_as_such(expected, where, bad, explain):
    """The checks look for NaN and inf only once a comparison fails (one that
    passes has none): any NaN or inf in an answer that is otherwise exact is
    still reported as such, whether or not the failure is explained."""
    from types import SimpleNamespace

    from grader.judge import checks
    from grader.judge.diagnosis import Context
    from grader.spec import Output
    truth = np.array(expected)
    got = truth.copy()
    got[where % got.size] = bad
    o, ctx = Output(name="x", shape=[got.size]), Context("x", {})
    numeric = SimpleNamespace(values=truth, errors=np.zeros_like(truth), flat=np.arange(truth.size),
                              along=np.array([truth.sum()]), along_error=np.zeros(1))
    probe = SimpleNamespace(direction=np.ones(truth.size))
    verdicts = [checks.value(o, got, truth, TOL, ctx, explain=explain),
                checks.gradient(o, got, numeric, probe, truth, TOL, ctx, explain=explain)]
    for verdict in verdicts:
        assert verdict.status == "failed" and verdict.diagnosis.code == "not_finite"
        assert ("NaN" if np.isnan(bad) else "inf") in verdict.message
    assert checks.value(o, truth, truth, TOL, ctx, explain=explain).status == "passed"
    assert checks.gradient(o, truth, numeric, probe, truth, TOL, ctx, explain=explain).status == "passed"
