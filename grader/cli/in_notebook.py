"""`self-check` from inside Jupyter: a student types one line in a cell,

    %load_ext grader
    %self_check ner_window

or `from grader import self_check; self_check("ner_window")`, and sees the
checks and messages `self-check` prints, as HTML in the notebook (as text
where no notebook shows it). The notebook's kernel only starts the command
and shows what it found: `self-check` runs as a process of its own
(`python -m grader.cli.in_notebook`), which runs the student's code in a
student process of its own as always, and sends back its result as JSON.
Nothing of the student's kernel (its variables, its state) is graded: the
file is, as last saved.

The assignment is the one `grade handout` wrote in the working folder, else
found by name. The file checked is the one named, else the notebook the
kernel runs for (where Jupyter or VS Code says which), else `<module>.ipynb`
or `<module>.py` in the working folder; for a package (`cs231n/`), whose
module is no notebook, the package found in the working folder, as
`self-check fc_net` finds it there. IPython is not needed to import this
module: it is used only where it is there."""
from __future__ import annotations

import html
import io
import json
import os
import shlex
import subprocess
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT", "skipped": "SKIP"}
COLOR = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#9a6700", "timeout": "#9a6700", "skipped": "#57606a"}
TIMEOUT = 600   # seconds for the whole self-check: every limit of the spec is shorter


def self_check(assignment: str, file: str | os.PathLike | None = None) -> None:
    """Run the assignment's public checks on the file (default: see the
    module's docstring) and show every check, as `self-check` does."""
    report = run(assignment, file)
    if _shell() is None:   # no IPython, or not inside it: the text, as the command prints it
        print(report["text"])
        return
    from IPython.display import display
    display({"text/plain": report["text"], "text/html": render(report)}, raw=True)


def _shell():
    """The IPython shell this runs in, or None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def load_ipython_extension(ipython) -> None:
    """`%load_ext grader`: adds the line magic `%self_check ASSIGNMENT [FILE]`."""
    def magic(line: str) -> None:
        try:
            words = shlex.split(line)   # quotes as in a shell: "my work.ipynb", "ner_window"
        except ValueError:   # a quote left open
            words = []
        if not 1 <= len(words) <= 2:
            print("usage: %self_check ASSIGNMENT [FILE]  (an assignment name or folder, and your file)")
            return
        self_check(*words)
    ipython.register_magic_function(magic, "line", "self_check")


def run(assignment: str, file=None) -> dict:
    """The self-check's report, from a process of its own: {"text", and
    "result" (the SubmissionResult as JSON) unless it failed, "file", "saved"}."""
    file = file or notebook_file()
    command = [sys.executable, "-m", "grader.cli.in_notebook", str(assignment)] + ([str(file)] if file else [])
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"text": f"self-check could not run:\n{done.stderr.strip() or done.stdout.strip()}"}


def notebook_file() -> str | None:
    """The notebook this kernel runs for, where Jupyter (JPY_SESSION_NAME) or VS Code says which."""
    shell = _shell()
    named = (shell.user_ns.get("__vsc_ipynb_file__") if shell is not None else None) or os.environ.get(
        "JPY_SESSION_NAME")
    return named if named and Path(named).suffix == ".ipynb" and Path(named).is_file() else None


def render(report: dict) -> str:
    """The report as HTML: a header, the notes, each function with its checks, the score."""
    result = report.get("result")
    if result is None:
        return f'<pre style="color:{COLOR["error"]}">{html.escape(report["text"])}</pre>'
    parts = [f"<p><b>self-check of {html.escape(report['file'])} for {html.escape(report['assignment'])}</b> "
             f"(public checks only; the file as last saved, {html.escape(report['saved'])})</p>"]
    if result["notes"]:
        parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in result["notes"]) + "</ul>")
    for f in result["functions"]:
        parts.append(_function_html(f))
    lines = report["text"].splitlines()
    closing = next((k for k, line in enumerate(lines) if line.startswith("Score on the public checks")), len(lines))
    parts += [f"<p>{'<b>' * (k == closing)}{html.escape(line)}{'</b>' * (k == closing)}</p>"
              for k, line in enumerate(lines[closing:], closing) if line.strip()]
    return '<div class="backprop-grader-self-check">' + "".join(parts) + "</div>"


def _function_html(f: dict) -> str:
    bad = [c for c in f["checks"] if c["status"] != "passed"]
    where = (f" (cell {f['cell']}, line {f['line']})" if f.get("cell")
             else f" (line {f['line']})" if f.get("line") else "")
    rows = "".join(_check_html(c) for c in f["checks"])
    return (f"<details{' open' if bad else ''}><summary><b><code>{html.escape(f['name'])}</code></b>{where}: "
            f"{f['score']:g}/{f['max_score']:g}</summary><table>{rows}</table></details>")


def _check_html(c: dict) -> str:
    from ..reports.wording import check_text   # the words every text format uses
    from ..results import Check
    status = c["status"]
    words = check_text(Check.model_validate(c)) if status != "passed" else ""
    cost = "" if c["scored"] else " (costs no points)"
    return (f'<tr><td style="color:{COLOR[status]};font-weight:bold">{MARK[status]}</td>'
            f"<td>{html.escape(c['name'])}{cost}</td>"
            f'<td><pre style="margin:0;white-space:pre-wrap">{html.escape(words)}</pre></td></tr>')


def _saved(path: Path) -> str:
    seconds = max(0, round(time.time() - path.stat().st_mtime))
    return f"{seconds} s ago" if seconds < 120 else f"{seconds // 60} min ago"


def main(argv: list[str]) -> int:
    """In the process of its own: the self-check, its report as one line of JSON."""
    from ..sandbox import fork_server
    fork_server.shared()   # starts while the rest is imported
    from ..batch.one_submission import grade_one
    from ..cases.assignment import Assignment
    from ..cases.discover import SUFFIXES, UsageError, find_batches
    from ..cases.work_folder import assignment_folder, self_check_batch
    from ..sandbox.package import is_package
    from ..names import for_log
    from ..reports.terminal import print_self_check
    from ..reports.wording import isolation_text
    from ..spec import SpecError

    try:
        a = Assignment(assignment_folder(argv[0]))
        if is_package(a.spec.module) and not (len(argv) > 1 and Path(argv[1]).suffix == ".py"):
            # a package (cs231n/): the course's notebook is not the work; the package in this folder is
            batch = self_check_batch(Path(argv[0]))
            a, file = batch.assignment, batch.submissions[0].path
        else:
            named = [Path(argv[1])] if len(argv) > 1 else [Path(a.spec.module + s) for s in reversed(SUFFIXES)]
            file = next((p for p in named if p.is_file()), None)
            if file is None:
                raise UsageError(f"no file {' or '.join(str(p) for p in named)} here ({Path.cwd()}): name your "
                                 f"file, as in self_check(\"{argv[0]}\", \"my_work.ipynb\")")
            [batch] = find_batches(file, str(a.folder))
        result = grade_one(a, batch.submissions[0], public_only=True)
    except (UsageError, SpecError) as e:
        print(json.dumps({"text": f"error: {for_log(str(e))}"}))
        return 2
    text = io.StringIO()
    with redirect_stdout(text):
        print_self_check(result, a.name)
        print(isolation_text(fork_server.shared().features))   # as self-check's last line
    print(json.dumps({"text": text.getvalue(), "result": result.model_dump(mode="json"), "file": for_log(str(file)),
                      "assignment": a.name, "saved": _saved(file)}))
    fork_server.retire()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
