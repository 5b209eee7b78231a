"""PrairieLearn's `results.json`: what its external grader sends back.

`score` is the fraction of the points earned, between 0 and 1; each graded
function is a test with its `points` and `max_points`. PrairieLearn shows
everything in the file to the student at once, and has no way to hold a
test back until grades are published, so a hidden check is named with its
status and nothing more: its message carries the hidden inputs' sizes and
numbers. `output` is what the student's code printed before it was given a
hidden input, never after.

A submission PrairieLearn's documentation calls invalid (a missing file,
code that does not compile) is `gradable: false`, with `format_errors`
saying why: the student keeps the attempt and loses no points."""
from __future__ import annotations

from ..results import FunctionResult, SubmissionResult
from .html import points
from .wording import check_text

MARK = {"passed": "passed", "failed": "FAILED", "error": "ERROR", "timeout": "TIMED OUT", "skipped": "skipped"}


def function_test(f: FunctionResult) -> dict:
    """A function as a test: its points, its public checks' words, its hidden checks' names."""
    public = [c for c in f.checks if c.visibility == "public"]
    hidden = [c for c in f.checks if c.visibility == "hidden"]
    listing = [f"{MARK[c.status]:9s} {c.name}" + ("" if c.scored else " (costs no points)") for c in public + hidden]
    problems = [f"{c.name}: {check_text(c)}" for c in public if c.status != "passed"]
    hidden_bad = sum(c.status != "passed" and c.scored for c in hidden)
    if hidden_bad:
        problems.append(f"{hidden_bad} hidden check{'s' if hidden_bad != 1 else ''} did not pass: they run on "
                        "inputs of other sizes, which are not shown; the public checks above are the place to start.")
    return {"name": f.name, "points": f.score, "max_points": f.max_score,
            "message": "\n\n".join(problems) or "Every check passed.", "output": "\n".join(listing)}


def results(s: SubmissionResult) -> dict:
    """One submission's results.json: gradable, its score as a fraction, a test per function."""
    fraction = min(max(s.score / s.max_score, 0.0), 1.0) if s.max_score > 0 else 0.0
    message = (f"Score: {points(s.score)}/{points(s.max_score)}. Each function's points are split over its "
               "outputs; an output earns its share when every check of it passes on the public and the hidden "
               f"inputs. Seed {s.seed} (the instructor can replay this run with it).")
    return {"gradable": True, "score": fraction, "message": message, "output": s.output,
            "tests": [function_test(f) for f in s.functions]}


def not_gradable(reason: str) -> dict:
    """results.json for a submission that cannot be graded: no attempt charged, no points lost."""
    return {"gradable": False, "score": 0.0, "format_errors": [reason], "message": reason, "output": "", "tests": []}
