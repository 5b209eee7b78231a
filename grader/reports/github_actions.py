"""GitHub Actions: a Markdown summary of the run, annotations on the line
where a student defined each function that lost points, and the step outputs
`score` and `max-score`.

Inside a workflow step, the summary is appended to $GITHUB_STEP_SUMMARY and
the outputs to $GITHUB_OUTPUT (where those are set), and the annotations are
printed as `::error file=...,line=...::` commands (where $GITHUB_ACTIONS is
"true", as GitHub sets it in every step: elsewhere they would only clutter
the terminal); anywhere, the summary is also written to `summary.md` in the
report folder."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping

from ..names import printable
from ..results import AssignmentResult, FunctionResult, SubmissionResult
from ..atomic import write_text
from .html import points
from .wording import check_text, place_text

FILENAME = "summary.md"
ICON = {"passed": "✅", "failed": "❌", "error": "💥", "timeout": "⏱️", "skipped": "➖"}
MAX_FAILURES_SHOWN = 20


# --- the step summary ------------------------------------------------------------

def cell(text: str) -> str:
    """Text for one Markdown table cell."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def fenced(text: str) -> str:
    """A code block that no backticks in `text` can close early."""
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text}\n{fence}"


def icon(f: FunctionResult) -> str:
    """By points: a function with full marks and a skipped unscored check passed."""
    if f.status in ("error", "timeout"):
        return ICON[f.status]
    return ICON["passed"] if f.score >= f.max_score - 1e-9 else ICON["failed"]


def outof(score: float, max_score: float) -> str:
    return f"{points(score)}/{points(max_score)}"


def submission_summary(s: SubmissionResult) -> list[str]:
    """One student's functions as a Markdown table, then the scored checks that did not pass."""
    lines = ["| Function | Points | Status |", "|---|---:|---|"]
    lines += [f"| `{cell(f.name)}` | {outof(f.score, f.max_score)} | {icon(f)} {f.status} |"
              for f in s.functions]
    bad = [(f, c) for f in s.functions for c in f.checks if c.status != "passed" and c.scored]
    if bad:
        lines += ["", f"<details open><summary>{len(bad)} check{'s' if len(bad) != 1 else ''} did not pass"
                      "</summary>", ""]
        for f, c in bad[:MAX_FAILURES_SHOWN]:
            lines += [f"**`{cell(f.name)}` › {cell(c.name)}** ({c.status}"
                      + (f", diagnosis `{cell(c.diagnosis)}`" if c.diagnosis else "") + ")", "", fenced(check_text(c)), ""]
        if len(bad) > MAX_FAILURES_SHOWN:
            lines += [f"... and {len(bad) - MAX_FAILURES_SHOWN} more.", ""]
        lines.append("</details>")
    if s.hidden_not_run:
        lines += ["", f"{s.hidden_not_run} hidden checks were not run here: when the work is graded, the same "
                      "checks run again on hidden inputs of other sizes."]
    return lines


def summary(result: AssignmentResult) -> str:
    """The step summary in Markdown: one student's details, or the class's table."""
    title = result.title or result.assignment
    subs = result.submissions
    if len(subs) == 1:
        s = subs[0]
        which = "public checks" if s.mode == "self-check" else "all checks"
        lines = [f"## {cell(title)}: {outof(s.score, s.max_score)} points", "",
                 f"`{cell(s.path)}`, {which}, seed {s.seed}.", ""] + submission_summary(s)
    else:
        names = result.function_names or ([f.name for f in subs[0].functions] if subs else [])
        full = sum(s.max_score > 0 and s.score >= s.max_score - 1e-9 for s in subs)
        mean = sum(s.score for s in subs) / len(subs) if subs else 0.0
        lines = [f"## {cell(title)}: {len(subs)} submissions", "",
                 f"Mean score {points(mean)} out of {points(max((s.max_score for s in subs), default=0))}; "
                 f"{full} with full marks.", "",
                 "| Student | Score | " + " | ".join(f"`{cell(n)}`" for n in names) + " |",
                 "|---|---:|" + "---|" * len(names)]
        for s in subs:
            by_name = {f.name: f for f in s.functions}
            lines.append(f"| {cell(s.student)} | {outof(s.score, s.max_score)} | " + " | ".join(
                f"{icon(by_name[n])} {outof(by_name[n].score, by_name[n].max_score)}" if n in by_name
                else "–" for n in names) + " |")
    return "\n".join(lines) + "\n"


# --- annotations -----------------------------------------------------------------

def escape_data(text: str) -> str:
    """The data of a workflow command, which ends at the line's end: the
    format escapes %, CR and LF; any other unprintable character (an ESC
    that would drive the log's colours, say) is written as an escape first."""
    return printable(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property's value (file=, title=), which also ends at ':' or ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def relative(path: str, workspace: Path) -> str:
    """The path as GitHub names files: from the repository's root."""
    p = Path(path)
    if p.is_absolute():
        try:
            return p.relative_to(workspace).as_posix()
        except ValueError:
            return p.as_posix()
    return p.as_posix()


def function_annotation(s: SubmissionResult, f: FunctionResult, workspace: Path) -> str | None:
    """One annotation per function that did not pass: an error where it lost
    points, a warning where only an unscored check failed."""
    scored = [c for c in f.checks if c.status != "passed" and c.scored]
    unscored = [c for c in f.checks if c.status != "passed" and not c.scored and c.status != "skipped"]
    if not scored and not unscored:
        return None
    level = "error" if scored else "warning"
    shown = scored or unscored
    first = shown[0]
    title = f"{f.name}: {outof(f.score, f.max_score)} points" + ("" if scored else " (a check that costs no points)")
    message = f"{first.name}: {check_text(first)}"
    if len(shown) > 1:
        message += f"\n(and {len(shown) - 1} more: " + ", ".join(c.name for c in shown[1:6]) + \
                   (", ..." if len(shown) > 6 else "") + ")"
    props = [f"file={escape_property(relative(s.path, workspace))}"]
    if f.line and not f.cell:
        props.append(f"line={f.line}")
    elif f.cell:   # a notebook's lines are not the file's: the title says where
        title += f" ({place_text(f)})"
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def annotations(result: AssignmentResult, workspace: Path | None = None) -> list[str]:
    """A file that cannot be imported fails every function the same way: it gets one annotation."""
    workspace = Path.cwd() if workspace is None else workspace
    found = []
    for s in result.submissions:
        seen = set()
        for f in s.functions:
            a = function_annotation(s, f, workspace)
            message = a and a.split("::", 2)[2]
            if a and message not in seen:
                seen.add(message)
                found.append(a)
    return found


# --- step outputs ----------------------------------------------------------------

def outputs(result: AssignmentResult) -> dict[str, str]:
    """score and max-score: one submission's, or a class's totals."""
    return {"score": points(sum(s.score for s in result.submissions)),
            "max-score": points(sum(s.max_score for s in result.submissions))}


def append(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def set_outputs(values: Mapping[str, str], env: Mapping[str, str]) -> None:
    """Append name=value lines to $GITHUB_OUTPUT (values here are single lines)."""
    if env.get("GITHUB_OUTPUT"):
        append(env["GITHUB_OUTPUT"], "".join(f"{k}={v}\n" for k, v in values.items()))


def write(result: AssignmentResult, folder: Path, env: Mapping[str, str] | None = None) -> list[Path]:
    """`summary.md`, and inside a workflow step the summary, outputs and annotations too."""
    env = os.environ if env is None else env
    text = summary(result)
    if env.get("GITHUB_STEP_SUMMARY"):
        append(env["GITHUB_STEP_SUMMARY"], text + "\n")
    set_outputs(outputs(result), env)
    if env.get("GITHUB_ACTIONS") == "true":
        workspace = Path(env["GITHUB_WORKSPACE"]) if env.get("GITHUB_WORKSPACE") else None
        for line in annotations(result, workspace):
            print(line, file=sys.stdout, flush=True)
    return [write_text(Path(folder) / FILENAME, text)]
