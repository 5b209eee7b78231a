"""`grade handout` as an instructor runs it: the folder it writes holds exactly
what students get (the spec, the starter, the instructions, public.json, the
support folder, the .gitattributes), works for self-check, and holds no byte
of the reference or of the case pool, wherever they were left; a stale
public.json, a link or a support folder that would take more is refused."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import nbformat
import pytest

from conftest import ROOT, edit_spec, run_cli

ASSIGNMENTS = ["fc_net", "jacobians", "layers", "linear_svm", "ner_window", "softmax", "word2vec"]
GIVEN = {".gitattributes", "assignment.toml", "instructions.md", "public.json", "starter.py"}
PACKAGE = {"fc_net": {"cs231n/__init__.py", "cs231n/classifiers/__init__.py", "cs231n/classifiers/fc_net.py",
                      "cs231n/layer_utils.py", "cs231n/layers.py"}}   # handed out from starter/, in place of starter.py
SUPPORT = {
    "fc_net": set(),
    "jacobians": set(),
    "layers": {"support/layer_params.py"},
    "linear_svm": {"support/past/__init__.py", "support/past/builtins.py"},
    "softmax": {"support/past/__init__.py", "support/past/builtins.py"},
    "ner_window": set(),
    "word2vec": {"support/utils/__init__.py", "support/utils/gradcheck.py", "support/utils/utils.py",
                 "support/word2vec_fixtures.py", "support/word2vec_stand_ins.py"},
}
CORRECT = {"ner_window": "ada.py", "word2vec": "hedy.py"}
POOL_SECRET = b"hidden case 7: the reference's answer 0.123456789"


def instructor_copy(tmp_path, name):
    """The assignment folder as an instructor's machine holds it: with a case
    pool, and caches and hidden files in the support folder and a package's starter."""
    folder = tmp_path / "course" / name
    shutil.copytree(ROOT / "assignments" / name, folder, ignore=shutil.ignore_patterns("__pycache__", ".pool"))
    (folder / ".pool").mkdir()
    (folder / ".pool" / "0123abcd.json").write_bytes(POOL_SECRET)
    for copied in (folder / "support", folder / "starter" / "cs231n" / "classifiers"):
        if copied.is_dir():
            reference = (folder / "reference.py").read_bytes()
            (copied / "__pycache__").mkdir()
            (copied / "__pycache__" / "reference.cpython-311.pyc").write_bytes(reference)
            (copied / ".reference.py.swp").write_bytes(reference)
    return folder


def handout(folder, out, *args):
    return run_cli("grade", "handout", folder, "--out", out, *args)


def files_in(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def distinctive_lines(folder, handed_out):
    """Lines of reference.py that appear in none of the files students rightly get."""
    given = b"\n".join(p.read_bytes() for p in handed_out.rglob("*") if p.is_file())
    lines = {line.strip() for line in (folder / "reference.py").read_bytes().splitlines()}
    return {line for line in lines if len(line) >= 12 and line not in given}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_handout_holds_exactly_what_students_get(tmp_path, name):
    folder = instructor_copy(tmp_path, name)
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 0, run.stderr
    out = tmp_path / "dist" / name
    starter = PACKAGE.get(name, {"starter.py"})
    assert files_in(tmp_path / "dist") == {f"{name}/{f}" for f in GIVEN - {"starter.py"} | starter | SUPPORT[name]}
    for relative in files_in(out) - {".gitattributes"}:
        source = folder / ("starter" if relative in PACKAGE.get(name, ()) else "") / relative
        assert (out / relative).read_bytes() == source.read_bytes(), relative
    assert f"wrote {out}" in run.stdout


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_byte_of_the_reference_or_the_pool_reaches_the_handout(tmp_path, name):
    folder = instructor_copy(tmp_path, name)
    assert handout(folder, tmp_path / "dist").returncode == 0
    out = tmp_path / "dist" / name
    secrets = distinctive_lines(folder, out)
    assert len(secrets) >= 10, "the reference has lines of its own to look for"
    pool = [p.read_bytes() for p in (folder / ".pool").iterdir()]
    for path in out.rglob("*"):
        data = path.read_bytes() if path.is_file() else b""
        assert not any(line in data for line in secrets), path
        assert not any(secret in data for secret in pool), path
    assert not {"reference.py", ".pool"} & {p.name for p in out.rglob("*")}


def test_a_real_case_pool_stays_behind(tmp_path):
    """The pool `grade` keeps (hidden inputs and the reference's answers on
    them) reaches neither the folder nor any file in it."""
    folder = instructor_copy(tmp_path, "ner_window")
    shutil.rmtree(folder / ".pool")
    graded = run_cli("grade", ROOT / "submissions" / "ner_window" / "ada.py", "--assignment", folder,
                     "--out", tmp_path / "reports")
    assert graded.returncode == 0, graded.stderr
    pooled = [json.loads(p.read_text(encoding="utf-8")) for p in (folder / ".pool").glob("*.json")]
    assert pooled, "grading kept a pool"
    arrays = {v for p in pooled for v in _strings(p) if len(v) >= 40}
    assert handout(folder, tmp_path / "dist").returncode == 0
    handed = b"".join(p.read_bytes() for p in (tmp_path / "dist").rglob("*") if p.is_file())
    assert arrays and not any(a.encode() in handed for a in arrays)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_a_student_self_checks_with_the_handout_alone(tmp_path, name):
    """word2vec needs its support folder: without it every student fails."""
    assert handout(instructor_copy(tmp_path, name), tmp_path / "dist").returncode == 0
    mine = tmp_path / "student" / f"{name}.py"
    mine.parent.mkdir()
    shutil.copy(ROOT / "submissions" / name / CORRECT[name], mine)
    run = run_cli("self-check", mine.name, "--assignment", tmp_path / "dist" / name, cwd=mine.parent)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "every check passed" in run.stdout


@pytest.mark.parametrize("problem", ["stale", "missing"])
def test_a_public_json_that_does_not_fit_the_spec_is_refused(tmp_path, problem):
    folder = instructor_copy(tmp_path, "ner_window")
    if problem == "stale":
        edit_spec(folder, ("points = 1\n", "points = 3\n"))
    else:
        (folder / "public.json").unlink()
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 2
    assert "nothing was handed out" in run.stderr and f"grade publish {folder}" in run.stderr
    if problem == "stale":
        assert "public.json was made for another version of assignment.toml" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "dist").exists()


def test_a_missing_starter_says_how_to_write_one(tmp_path):
    folder = instructor_copy(tmp_path, "ner_window")
    (folder / "starter.py").unlink()
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 2
    assert f"{folder / 'starter.py'}: no such file: write one with grade starter {folder}" in run.stderr
    assert not (tmp_path / "dist").exists()


def test_a_link_in_the_support_folder_is_refused(tmp_path):
    folder = instructor_copy(tmp_path, "word2vec")
    os.symlink("../reference.py", folder / "support" / "helpers.py")
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 2
    assert f"{folder / 'support' / 'helpers.py'} is a symbolic link" in run.stderr
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("support", [".", ".pool", "../elsewhere"])
def test_a_support_folder_that_would_take_more_is_refused(tmp_path, support):
    folder = instructor_copy(tmp_path, "ner_window")
    (tmp_path / "course" / "elsewhere").mkdir()
    edit_spec(folder, ('module = "ner_window"\n', f'module = "ner_window"\nsupport = "{support}"\n'))
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 2, run.stdout
    assert f"support = {support!r}" in run.stderr and "must be a folder inside the assignment's" in run.stderr
    assert not (tmp_path / "dist").exists()


def test_an_earlier_handout_is_replaced_only_with_force_and_an_instructors_folder_never(tmp_path):
    folder = instructor_copy(tmp_path, "ner_window")
    assert handout(folder, tmp_path / "dist").returncode == 0
    (tmp_path / "dist" / "ner_window" / "notes.txt").write_text("left over")
    again = handout(folder, tmp_path / "dist")
    assert again.returncode == 2 and "exists already: --force replaces it" in again.stderr
    assert handout(folder, tmp_path / "dist", "--force").returncode == 0
    assert files_in(tmp_path / "dist" / "ner_window") == GIVEN
    onto_itself = handout(folder, tmp_path / "course", "--force")
    assert onto_itself.returncode == 2 and "holds the assignment itself" in onto_itself.stderr
    other = tmp_path / "other" / "ner_window"
    shutil.copytree(folder, other)
    assert handout(folder, tmp_path / "other", "--force").returncode == 2
    assert (other / "reference.py").is_file() and (other / ".pool").is_dir(), "an instructor's folder is left as it is"


def test_a_notebook_starter_when_the_spec_asks_for_one(tmp_path):
    folder = instructor_copy(tmp_path, "ner_window")
    with (folder / "assignment.toml").open("a", encoding="utf-8") as spec:
        spec.write("\n[handout]\nnotebook = true\n")
    assert run_cli("grade", "publish", folder).returncode == 0
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 0, run.stderr
    out = tmp_path / "dist" / "ner_window"
    assert files_in(out) == GIVEN | {"starter.ipynb"}
    notebook = nbformat.read(out / "starter.ipynb", as_version=4)
    nbformat.validate(notebook)
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds == sorted(kinds, reverse=True), "the instructions come first, then the code"
    assert kinds.count("code") == 6, "the header, then one cell per function"
    for kind, source in (("markdown", "instructions.md"), ("code", "starter.py")):
        text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == kind)
        assert _lines(text) == _lines((folder / source).read_text(encoding="utf-8")), kind
    assert notebook.cells[1].source.startswith("## 1. The model")
    again = tmp_path / "again"
    assert handout(folder, again).returncode == 0
    assert (again / "ner_window" / "starter.ipynb").read_bytes() == (out / "starter.ipynb").read_bytes()


@pytest.mark.parametrize("own", [True, False])
def test_git_keeps_the_handouts_text_files_lf(tmp_path, own):
    """A student's checkout with core.autocrlf on still has LF files: the
    handout carries the assignment's .gitattributes, or the default one."""
    folder = instructor_copy(tmp_path, "ner_window")
    if not own:
        (folder / ".gitattributes").unlink()
    assert handout(folder, tmp_path / "dist").returncode == 0
    out = tmp_path / "dist" / "ner_window"
    subprocess.run(["git", "init", "-q", str(out)], check=True)
    attributes = subprocess.run(["git", "check-attr", "text", "eol", "--", "assignment.toml", "public.json"],
                                cwd=out, capture_output=True, text=True, check=True).stdout
    assert attributes.splitlines() == ["assignment.toml: text: auto", "assignment.toml: eol: lf",
                                       "public.json: text: auto", "public.json: eol: lf"]


def _lines(text):
    return [line for line in text.splitlines() if line.strip()]
