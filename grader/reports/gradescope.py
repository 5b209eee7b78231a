"""Gradescope's `results.json`: what its autograder shows a student.

A function is a test that carries its points (Gradescope adds them up); each
check is a test of its own without points, whose output is the grader's
message. Hidden checks are `after_published`, so a student sees that a hidden
check failed, and why, only once the instructor publishes the grades. The
top-level `score` is the grader's, so Gradescope never recomputes it.

`grade gradescope` writes one submission's results.json where Gradescope
reads it; as a report format (`--format gradescope`) every submission's is
written to `gradescope/<student>.json`, to see what students would see."""
from __future__ import annotations

import json
import math
from pathlib import Path

from ..results import AssignmentResult, Check, FunctionResult, SubmissionResult, summaries
from ..atomic import write_text
from .html import page_names, points
from .wording import check_text
from .adjusted import lines as adjusted_lines

FOLDER = "gradescope"
VISIBILITY = {"public": "visible", "hidden": "after_published"}
MARK = {"passed": "passed", "failed": "FAILED", "error": "ERROR", "timeout": "TIMED OUT", "skipped": "skipped"}


def check_test(f: FunctionResult, c: Check, number: str) -> dict:
    """A check as a Gradescope test without points, its text the check's words."""
    text = check_text(c) if c.scored else f"{check_text(c)}\n(This check costs no points.)".lstrip()
    test = {"name": f"{f.name} › {c.name}", "number": number, "output": text, "output_format": "text",
            "visibility": VISIBILITY[c.visibility], "tags": [f.name] + ([c.diagnosis] if c.diagnosis else [])}
    if c.status != "skipped":  # Gradescope knows passed and failed only; a skipped check is neither
        test["status"] = "passed" if c.status == "passed" else "failed"
    if c.status in ("error", "timeout"):
        test["output"] = f"{MARK[c.status]}: {text}"
    extra = {k: v for k, v in (("diagnosis", c.diagnosis), ("case", c.case), ("status", c.status)) if v}
    test["extra_data"] = extra
    return test


def function_output(f: FunctionResult) -> str:
    """What a student may see at once: public checks by name, hidden ones counted only."""
    public = [c for c in f.checks if c.visibility == "public"]
    hidden_bad = sum(c.status != "passed" and c.scored for c in f.checks if c.visibility == "hidden")
    lines = [f"{MARK[c.status]:9s} {c.name}" + ("" if c.scored else " (costs no points)") for c in public]
    if hidden_bad:
        lines.append(f"{hidden_bad} hidden check{'s' if hidden_bad != 1 else ''} did not pass: they run on inputs "
                     "of other sizes; their messages are shown when grades are published.")
    return "\n".join(lines)


def results(s: SubmissionResult) -> dict:
    """One student's `results.json`: a test per function, each followed by one per check."""
    tests = []
    for i, f in enumerate(s.functions, 1):
        tests.append({"name": f.name, "number": str(i), "score": f.score, "max_score": f.max_score,
                      "status": "passed" if f.score >= f.max_score - 1e-9 else "failed",
                      "output": function_output(f), "output_format": "text", "visibility": "visible",
                      "tags": [f.name]})
        tests += [check_test(f, c, f"{i}.{j}") for j, c in enumerate(f.checks, 1)]
    summary = (f"Score: {points(s.score)}/{points(s.max_score)}. Each function's points are split over its "
               "outputs; an output earns its share when every check of it passes on the public and the hidden "
               f"inputs. Seed {s.seed} (the instructor can replay this run with it).")
    if s.adjustments or s.late:
        summary += "\n\n" + "\n".join(adjusted_lines(s))
    if s.notes:
        summary += "\n\nNotes on your file:\n" + "\n".join(f"- {note}" for note in s.notes)
    return {"score": s.score, "execution_time": round(s.seconds, 3), "output": summary, "output_format": "text",
            "test_output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
            "extra_data": {"seed": s.seed, "grader_version": s.grader_version, "mode": s.mode},
            "tests": tests}


def dumps(s: SubmissionResult) -> str:
    return strict_json(results(s))


def strict_json(data: dict) -> str:
    """results.json as Gradescope parses it: strict JSON (no NaN or Infinity:
    a number that is not finite is written as null) in valid UTF-8."""
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(data), indent=2, ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n"


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def write(result: AssignmentResult, folder: Path) -> list[Path]:
    """A `results.json` per student under `gradescope/`, named as the HTML pages are."""
    out = Path(folder) / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    names = [Path(name).with_suffix(".json").name for name in page_names(summaries(result))]
    return [write_text(out / name, dumps(s)) for s, name in zip(result.submissions, names)]
