"""An assignment's files that are not UTF-8 (an editor that saved the spec
in Latin-1, a public.json mangled on the way to students) are refused with
a message naming the file and, for the spec, the line: by `self-check`,
`grade`, `grade validate`, `grade handout` and the pytest plugin alike,
exit 2 and never a traceback. The small bundled jacobians assignment is
the one spoilt here."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from ways_in import run_pytest

ASSIGNMENT = ROOT / "assignments" / "jacobians"
SUBMISSION = ROOT / "submissions" / "jacobians" / "alan.py"


@pytest.fixture
def spoilt(tmp_path) -> Path:
    """A copy of the jacobians assignment, and alan's work as jacobians.py beside it, in the test's folder."""
    shutil.copytree(ASSIGNMENT, tmp_path / "jacobians", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(SUBMISSION, tmp_path / "jacobians.py")
    return tmp_path / "jacobians"


def in_latin_1(spec: Path) -> int:
    """Write `spec`'s title with an "é" saved in Latin-1; the line it is on."""
    lines = spec.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith("title = "))
    lines[at] = lines[at].replace('title = "', 'title = "Café: ', 1)
    spec.write_bytes("".join(lines).encode("latin-1"))
    return at + 1


SPEC_COMMANDS = {
    "self-check": ("self-check", "jacobians.py", "--assignment", "jacobians"),
    "grade": ("grade", "jacobians.py", "--assignment", "jacobians", "--out", "out"),
    "grade validate": ("grade", "validate", "jacobians"),
}


@pytest.mark.parametrize("command", sorted(SPEC_COMMANDS))
def test_a_spec_saved_in_latin_1_is_refused_naming_its_line(cli, spoilt, command):
    line = in_latin_1(spoilt / "assignment.toml")
    run = cli(*SPEC_COMMANDS[command], cwd=spoilt.parent)
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"error: {spoilt / 'assignment.toml'}, line {line}: not UTF-8 text (byte 0xe9 at offset" in run.stderr
    assert "save it in that encoding" in run.stderr and "Traceback" not in run.stderr


def test_a_spec_that_is_not_utf_8_is_a_collection_error_of_the_plugin(spoilt):
    (spoilt / "assignment.toml").write_bytes(b'name = "\xff"\n')
    run, _ = run_pytest(spoilt.parent, "--assignment", "jacobians", "jacobians.py")
    assert run.returncode in (1, 2)
    assert (f"backprop-grader: {spoilt / 'assignment.toml'}, line 1: not UTF-8 text (byte 0xff at offset 8)"
            in run.stdout)
    assert "UnicodeDecodeError" not in run.stdout + run.stderr


PUBLIC_COMMANDS = {
    "self-check": ("self-check", "jacobians.py", "--assignment", "jacobians"),
    "grade handout": ("grade", "handout", "jacobians", "--out", "handed_out"),
}


@pytest.mark.parametrize("command", sorted(PUBLIC_COMMANDS))
@pytest.mark.parametrize("content", [b"\xff\xfe", b'{"spec_sha256": "caf\xe9"}'])
def test_a_public_json_that_is_not_utf_8_is_refused_like_any_unreadable_one(cli, spoilt, command, content):
    (spoilt / "public.json").write_bytes(content)
    run = cli(*PUBLIC_COMMANDS[command], cwd=spoilt.parent)
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"{spoilt / 'public.json'}: not a valid public-cases file: Invalid JSON" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (spoilt.parent / "handed_out").exists()


def test_a_public_json_that_is_not_utf_8_is_a_collection_error_of_the_plugin(spoilt):
    (spoilt / "public.json").write_bytes(b"\xff\xfe")
    run, _ = run_pytest(spoilt.parent, "--assignment", "jacobians", "jacobians.py")
    assert run.returncode in (1, 2)
    assert f"backprop-grader: {spoilt / 'public.json'}: not a valid public-cases file" in run.stdout
    assert "UnicodeDecodeError" not in run.stdout + run.stderr
