"""`junit.xml`: a test case per check, the format the test reporters of
GitHub, GitLab and Jenkins read. One test suite per student; a check that did
not pass is a <failure> (failed), an <error> (error, timeout) or <skipped>,
and its text is the grader's message."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..results import AssignmentResult, Check, SubmissionResult, summaries
from ..atomic import write_text
from .roster import PERSON_COLUMNS
from .wording import check_text

FILENAME = "junit.xml"
ELEMENT = {"failed": "failure", "error": "error", "timeout": "error", "skipped": "skipped"}
# characters XML 1.0 cannot carry at all, even escaped; a student's traceback may hold any
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def counts(checks: list[Check]) -> dict[str, str]:
    n = {kind: sum(ELEMENT.get(c.status) == kind for c in checks) for kind in ("failure", "error", "skipped")}
    return {"tests": str(len(checks)), "failures": str(n["failure"]), "errors": str(n["error"]),
            "skipped": str(n["skipped"])}


def suite(result: AssignmentResult, s: SubmissionResult) -> ET.Element:
    """One student's test suite, a test case per check."""
    checks = s.checks()
    element = ET.Element("testsuite", name=clean(s.student), **counts(checks), time=f"{s.seconds:.3f}")
    properties = ET.SubElement(element, "properties")
    for name, value in (("score", s.score), ("max_score", s.max_score), ("seed", s.seed), ("mode", s.mode)):
        ET.SubElement(properties, "property", name=name, value=str(value))
    for name in PERSON_COLUMNS if s.person else ():   # the roster's row, where there is one
        ET.SubElement(properties, "property", name=name, value=clean(getattr(s.person, name)))
    for f in s.functions:
        for c in f.checks:
            case = ET.SubElement(element, "testcase", classname=clean(f"{result.assignment}.{s.student}.{f.name}"),
                                 name=clean(c.name if c.scored else f"{c.name} (costs no points)"))
            kind = ELEMENT.get(c.status)
            if kind is None:
                continue
            first = c.message.splitlines()[0] if c.message else c.status
            attrs = {"message": clean(first)} if kind == "skipped" else {
                "message": clean(first), "type": c.diagnosis or c.status}
            ET.SubElement(case, kind, **attrs).text = clean(check_text(c)) or None
    printed = s.output + (f"\n[printed once it was given hidden inputs:]\n{s.hidden_output}" if s.hidden_output else "")
    if printed:
        ET.SubElement(element, "system-out").text = clean(printed)
    return element


def document(result: AssignmentResult) -> str:
    """The whole `junit.xml`: a test suite per student."""
    subs = summaries(result)   # read once, where each whole result is read back when asked for
    root = ET.Element("testsuites", name=clean(result.assignment), **counts([c for s in subs for c in s.checks()]),
                      time=f"{sum(s.seconds for s in subs):.3f}")
    root.extend(suite(result, s) for s in result.submissions)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write(result: AssignmentResult, folder: Path) -> list[Path]:
    """`junit.xml`, for a CI's test reporter."""
    return [write_text(Path(folder) / FILENAME, document(result))]
