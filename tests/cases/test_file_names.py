"""File names are data, not commands: copies of a correct submission under
names a file system allows (not UTF-8, newlines followed by workflow
commands, terminal escapes, `##[`, spaces before `::`, 255 bytes) are each
graded, and every output shows them escaped: no raw ESC, no line a GitHub
runner would take for a workflow command that the grader did not write,
every report parsing and naming each student in the same escaped form, a
second run reusing every saved result."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import CORRECT

HOSTILE = {   # file name (bytes) -> the student's name as every report shows it
    b"bad\xff\xfe.py": "bad\\xff\\xfe",
    b"x\n::error title=pwned::injected.py": "x\\n::error title=pwned::injected",
    b"y\r\n::stop-commands::token.py": "y\\r\\n::stop-commands::token",
    b"::warning::at the start.py": "::warning::at the start",
    b"  ::notice::after spaces.py": "  ::notice::after spaces",
    b"\x1b[31mred\x1b[0m\x07.py": "\\x1b[31mred\\x1b[0m\\x07",
    b"\\x1b[31mred.py": "\\\\x1b[31mred",          # a backslash of its own: another student, shown apart
    b"##[error]legacy.py": "##[error]legacy",
    b"rtl\xe2\x80\xaeyp.py": "rtl\\u202eyp",
    "é".encode() * 126 + b".py": "é" * 126,         # 255 bytes
    b"ada.py": "ada",
}
GRADER_COMMAND = re.compile(r"::(error|warning) file=[^,:]*(,line=\d+)?,title=[^:]*::")
FULL = 13.0


def check_log(text: str) -> None:
    """What a terminal and a CI log see: no escape sequence, and no line a
    runner would act on (one starting with `::` after spaces, or holding
    `##[`) but the grader's own annotations."""
    assert "\x1b" not in text and "\r" not in text
    for line in text.splitlines():
        assert "##[" not in line, line
        if line.lstrip().startswith("::"):
            assert GRADER_COMMAND.match(line), line


@pytest.fixture
def batch(tmp_path) -> Path:
    folder = tmp_path / "ner_window"
    folder.mkdir()
    for name in HOSTILE:
        shutil.copy(CORRECT, os.fsdecode(bytes(folder) + b"/" + name))
    return folder


def github_env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "gh").mkdir(exist_ok=True)
    return {"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "gh" / "summary"),
            "GITHUB_OUTPUT": str(tmp_path / "gh" / "output"), "GITHUB_WORKSPACE": str(tmp_path)}


def read_reports(folder: Path) -> dict[str, set[str]]:
    """The students each report names, each report parsed as its readers parse it."""
    grades = json.loads((folder / "grades.json").read_text(encoding="utf-8"))
    with open(folder / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]   # student, score, max_score, then function:<name> for each
    junit = ET.parse(folder / "junit.xml").getroot()
    gradescope = [json.loads(p.read_text(encoding="utf-8")) for p in (folder / "gradescope").iterdir()]
    classroom = json.loads((folder / "classroom.json").read_text(encoding="utf-8"))
    assert all(s["score"] == FULL for s in grades["submissions"])
    assert all(float(r[1]) == FULL for r in rows)
    assert len(gradescope) == len(HOSTILE) and all(g["score"] == FULL for g in gradescope)
    assert classroom["status"] == "pass"
    return {"json": {s["student"] for s in grades["submissions"]},
            "csv": {r[0] for r in rows},
            "junit": {suite.get("name") for suite in junit.iter("testsuite")},
            "classroom": {t["name"].rsplit(": ", 1)[0] for t in classroom["tests"]}}


def test_every_name_is_graded_and_shown_escaped(cli, batch, tmp_path):
    out = tmp_path / "out"
    formats = [a for f in ("html", "json", "csv", "junit", "gradescope", "github", "classroom") for a in ("--format", f)]
    run = cli("grade", batch, "--out", out, "-j", "2", *formats, cwd=tmp_path, env=github_env(tmp_path))
    assert run.returncode == 0, run.stderr
    check_log(run.stdout + run.stderr)
    expected = set(HOSTILE.values())
    assert len(expected) == len(HOSTILE)   # distinct names stay distinct
    for report, students in read_reports(out / "ner_window").items():
        assert students == expected, report
    for name in expected:   # a progress line names each one (a log shows `##[` broken up)
        assert f"ner_window/{name.replace('##[', '#' + chr(92) + 'x23[')}: 13/13 in " in run.stderr
    assert sum("13/13  PASS" in line for line in run.stdout.splitlines()) == len(HOSTILE)   # a row each
    page = (out / "ner_window" / "index.html").read_text(encoding="utf-8")
    assert "\x1b" not in page and "bad\\xff\\xfe" in page
    assert "\x1b" not in (tmp_path / "gh" / "summary").read_text(encoding="utf-8")

    again = cli("grade", batch, "--out", out, cwd=tmp_path, env=github_env(tmp_path))
    assert again.returncode == 0, again.stderr
    check_log(again.stdout + again.stderr)
    assert "0 graded in" in again.stderr and f"{len(HOSTILE)} saved results reused" in again.stderr


def test_one_file_by_its_name_and_shards_merged(cli, batch, tmp_path):
    hostile = os.fsdecode(bytes(batch) + b"/x\n::error title=pwned::injected.py")
    run = cli("grade", hostile, "--out", tmp_path / "one", env=github_env(tmp_path))
    assert run.returncode == 0, run.stderr
    check_log(run.stdout + run.stderr)
    [replay] = (tmp_path / "one" / "ner_window" / "replays").iterdir()   # a folder of its own, whatever the name
    assert replay.name.startswith("x_n_error_title_pwned_injected-") and "\n" not in replay.name
    [s] = json.loads((replay / "grades.json").read_text(encoding="utf-8"))["submissions"]
    assert (s["student"], s["score"]) == ("x\\n::error title=pwned::injected", FULL)

    for k in (1, 2):
        shard = cli("grade", batch, "--shard", f"{k}/2", "--out", tmp_path / f"shard-{k}", env={"CI": "true"})
        assert shard.returncode == 0, shard.stderr
        check_log(shard.stdout + shard.stderr)
    merged = cli("grade", "merge", tmp_path / "shard-1", tmp_path / "shard-2", "--out", tmp_path / "merged",
                 env=github_env(tmp_path))
    assert merged.returncode == 0, merged.stderr
    check_log(merged.stdout + merged.stderr)
    grades = json.loads((tmp_path / "merged" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    assert {s["student"] for s in grades["submissions"]} == set(HOSTILE.values())


def test_self_check_and_gradescope_show_the_name_escaped(cli, tmp_path):
    from ways_in import autograder, results
    folder = tmp_path / "x\n::error::name\x1b[2J"
    folder.mkdir()
    shutil.copy(CORRECT, folder / "ner_window.py")
    run = cli("self-check", folder / "ner_window.py", "--format", "github", "--out", tmp_path / "out",
              env=github_env(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    check_log(run.stdout + run.stderr)
    assert "x\\n::error::name\\x1b[2J" in run.stdout

    root = autograder(tmp_path / "autograder", {"x\n::error::sub\x1b[2J/ner_window.py": CORRECT},
                      {"users": [{"email": "eve\n::error::\x1b[31m@example.edu"}]})
    graded = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root, env=github_env(tmp_path))
    assert graded.returncode == 0, graded.stderr
    check_log(graded.stdout + graded.stderr)
    assert results(root)["score"] == FULL
