"""Plain-text output for the terminal: the class summary after `grade`, and
every check of one file after `self-check`."""
from __future__ import annotations

from pathlib import Path

from ..names import for_log
from ..results import AssignmentResult, SubmissionResult, summaries
from .wording import check_text, convention_text, note_text

MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT", "skipped": "SKIP"}
PRINTED_LINES = 40   # of what the student's code printed, shown after self-check's checks


def print_table(rows: list) -> None:
    """Rows of text as aligned columns, the first row the header; each cell
    escaped for the log (a student's name is one)."""
    rows = [[for_log(cell) for cell in r] for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())


def written_text(folder: Path, written: list[Path]) -> str:
    """The files a run wrote into `folder`, as the closing line names them:
    each by name, in the order written, but the students' pages beside
    `index.html` and a subfolder's files (`gradescope/`) counted, not listed."""
    from .html import INDEX   # here, not above: self-check prints with this module and writes no HTML
    shown: dict[str, int] = {}   # a name shown -> the files it stands for
    for path in written:
        parts = path.relative_to(folder).parts
        name = parts[0] + "/" if len(parts) > 1 else INDEX if path.suffix == ".html" else parts[0]
        shown[name] = shown.get(name, 0) + 1
    return ", ".join(_counted(name, files) for name, files in shown.items())


def _counted(name: str, files: int) -> str:
    from .html import INDEX
    if name == INDEX and files > 1:
        return f"{name} (and {files - 1} student page{'s' if files > 2 else ''})"
    if name.endswith("/"):
        return f"{name} ({files} file{'s' if files > 1 else ''})"
    return name


def print_summary(result: AssignmentResult, folder: Path, written: list[Path], quiet: bool = False) -> None:
    """The class's table after `grade`: each student's score and functions,
    then the reports written (`written`, in `folder`). `quiet`: one line for
    the class instead of the table."""
    subs = summaries(result)
    count = len(subs)
    counted = f"{result.assignment}: {count} submission{'s' if count != 1 else ''}"
    if quiet:
        mean = sum(s.score for s in subs) / count if count else 0.0
        top = max((s.max_score for s in subs), default=0.0)
        print(f"{counted}, mean score {round(mean, 2):g}/{top:g}")
    else:
        names = result.function_names
        rows = [["student", "score"] + names]
        for s in subs:
            status = {f.name: f"{MARK[f.status]} {f.score:g}/{f.max_score:g}" for f in s.functions}
            rows.append([s.student, f"{s.score:g}/{s.max_score:g}"] + [status.get(n, "-") for n in names])
        print(f"\n{counted}")
        print_table(rows)
        print()
    print(f"Reports in {for_log(str(folder))}: {for_log(written_text(folder, written))}")


def printed_section(output: str) -> list[str]:
    """What the student's code printed while it was checked (public cases
    only, in a self-check), its first PRINTED_LINES lines under a heading,
    or nothing: a student who debugs with print() sees it."""
    if not output.strip():
        return []
    lines = output.splitlines()
    shown = [f"  | {for_log(line)}" for line in lines[:PRINTED_LINES]]
    more = [f"  [... {len(lines) - PRINTED_LINES} more lines]"] if len(lines) > PRINTED_LINES else []
    return ["What your code printed while it was checked:", *shown, *more]


def print_self_check(result: SubmissionResult, assignment: str) -> None:
    """Every check of one file after `self-check`, with the words of those that failed."""
    print(f"self-check of {for_log(result.path)} for {assignment} (public checks only)\n")
    for note in result.notes:
        print(f"Note: {for_log(note)}")
    if result.notes:
        print()
    for f in result.functions:
        convention = convention_text(f)
        print(f"{f.name}: {f.score:g}/{f.max_score:g}" + (f" ({convention})" if convention else ""))
        for c in f.checks:
            extra = "" if c.scored else " (costs no points)"
            print(f"  {MARK[c.status]:7s} {c.name}{extra}")
            if c.status != "passed":
                for line in for_log(check_text(c)).splitlines():
                    print(f"          {line}")
            else:   # a passed check's message is not shown; a note on the answer's form is
                for note in c.notes:
                    print(f"          Note: {for_log(note_text(note))}")
        print()
    printed = printed_section(result.output)
    for line in printed + ([""] if printed else []):
        print(line)
    failed = sum(c.status != "passed" for c in result.checks())
    print(f"Score on the public checks: {result.score:g}/{result.max_score:g}"
          + (f"; {failed} check{'s' if failed != 1 else ''} did not pass" if failed else "; every check passed"))
    if result.hidden_not_run:
        print(f"{result.hidden_not_run} hidden checks were not run here: when your work is graded, the same "
              "checks run again on hidden inputs of other sizes, so a hard-coded or shape-specific answer fails there.")
