"""Every report format by name (FORMATS), and `write_reports`, which writes
the ones asked for into a folder."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..results import AssignmentResult
from . import csv_report, github_actions, github_classroom, gradescope, html, json_report, junit

Writer = Callable[[AssignmentResult, Path], "list[Path]"]

FORMATS: dict[str, Writer] = {
    "html": html.write,
    "json": json_report.write,
    "csv": csv_report.write,
    "junit": junit.write,
    "gradescope": gradescope.write,
    "github": github_actions.write,
    "classroom": github_classroom.write,
}


def write_reports(result: AssignmentResult, folder: Path,
                  formats: Iterable[str] = ("html", "json", "csv")) -> list[Path]:
    """Write each format into `folder` (created if needed); return the files written."""
    formats = list(dict.fromkeys(formats))   # each once, in the order given
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report format {', '.join(map(repr, unknown))}; "
                         f"choose from {', '.join(FORMATS)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[Path]] = {}

    def others() -> None:
        for name in formats:
            if name != "html":
                written[name] = FORMATS[name](result, folder)
    # The garbage collector stays on: rendering a page leaves cycles (the template's context)
    # that hold the page's whole result, and only a collection frees them. What a run keeps
    # while the reports are written (the submissions' summaries) costs a collection little.
    if "html" in formats:  # the others are written while other cores start on its pages
        written["html"] = html.write(result, folder, meanwhile=others)
    else:
        others()
    return [path for name in formats for path in written[name]]
