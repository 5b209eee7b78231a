"""GitHub Classroom: the `result` step output that Classroom's grading
reporter reads (from an environment variable `<STEP-ID>_RESULTS`), adds up
and shows as "Points X/Y". It is base64 of a JSON object with a test per
function carrying that function's points and the line it starts on.

Inside a workflow step the output is appended to $GITHUB_OUTPUT; anywhere,
the decoded object is also written to `classroom.json`."""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Mapping

from ..results import AssignmentResult, FunctionResult, SubmissionResult
from ..atomic import write_text
from .github_actions import relative, set_outputs
from .wording import check_text

FILENAME = "classroom.json"
VERSION = 1


def status(f: FunctionResult) -> str:
    """A function's status in Classroom's words: pass, fail or error."""
    if f.status in ("error", "timeout"):
        return "error"
    return "pass" if f.score >= f.max_score - 1e-9 else "fail"


def message(f: FunctionResult) -> str:
    bad = [c for c in f.checks if c.status != "passed" and c.scored]
    return "\n\n".join(f"{c.name}: {check_text(c)}" for c in bad)


def test(s: SubmissionResult, f: FunctionResult, prefix: str, workspace: Path) -> dict:
    """A function as one of Classroom's tests, with its points and line."""
    return {"name": prefix + f.name, "status": status(f), "message": message(f),
            "test_code": f"{'self-check' if s.mode == 'self-check' else 'grade'} {relative(s.path, workspace)}",
            "filename": relative(s.path, workspace), "line_no": 0 if f.cell else f.line or 0,
            "execution_time": f"{s.seconds:.2f}s", "score": f.score}


def result_object(result: AssignmentResult, workspace: Path | None = None) -> dict:
    """The object Classroom's reporter decodes: every function of every student."""
    workspace = Path.cwd() if workspace is None else workspace
    many = len(result.submissions) > 1
    tests = [test(s, f, f"{s.student}: " if many else "", workspace)
             for s in result.submissions for f in s.functions]
    statuses = {t["status"] for t in tests}
    overall = "error" if "error" in statuses else "fail" if "fail" in statuses else "pass"
    return {"version": VERSION, "status": overall,
            "max_score": sum(s.max_score for s in result.submissions), "tests": tests}


def encode(obj: dict) -> str:
    """The object as the step output carries it: base64 of its JSON."""
    return base64.b64encode(json.dumps(obj, ensure_ascii=False).encode("utf-8")).decode("ascii")


def write(result: AssignmentResult, folder: Path, env: Mapping[str, str] | None = None) -> list[Path]:
    """`classroom.json`, and inside a workflow step the `result` output too."""
    env = os.environ if env is None else env
    workspace = Path(env["GITHUB_WORKSPACE"]) if env.get("GITHUB_WORKSPACE") else None
    obj = result_object(result, workspace)
    set_outputs({"result": encode(obj)}, env)
    return [write_text(Path(folder) / FILENAME, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")]
