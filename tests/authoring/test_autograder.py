"""`grade handout --gradescope`: the zip holds what Gradescope looks for at its
root, the grader as a wheel and the assignment with its reference (no pool);
unpacked as Gradescope unpacks it, with the wheel installed as setup.sh
installs it, its run_autograder grades an upload laid out as Gradescope lays
it out and writes results.json."""
from __future__ import annotations

import shutil
import stat
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, run_cli
from ways_in import autograder, check_gradescope_fields, install_autograder, results, run_autograder

WHEEL = "backprop_grader-0.1.0-py3-none-any.whl"
HANDOUT = {".gitattributes", "assignment.toml", "instructions.md", "public.json", "starter.py"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The zip of a copy of ner_window whose folder also holds a case pool."""
    tmp = tmp_path_factory.mktemp("autograder")
    folder = tmp / "course" / "ner_window"
    shutil.copytree(ROOT / "assignments" / "ner_window", folder, ignore=shutil.ignore_patterns("__pycache__", ".pool"))
    (folder / ".pool").mkdir()
    (folder / ".pool" / "0123abcd.json").write_text("{}")
    run = run_cli("grade", "handout", folder, "--gradescope", "--out", tmp / "dist")
    assert run.returncode == 0, run.stderr
    path = tmp / "dist" / "ner_window-autograder.zip"
    assert f"wrote {path}" in run.stdout
    return folder, path


def test_the_zip_holds_the_scripts_the_wheel_and_the_assignment_with_its_reference(built):
    folder, path = built
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in z.infolist()}
        wheel = z.read(WHEEL)
        setup = z.read("setup.sh").decode()
    assert names == {"setup.sh", "run_autograder", WHEEL} | {f"assignments/ner_window/{f}" for f in
                                                             HANDOUT | {"reference.py"}}
    assert all(modes[script] & stat.S_IXUSR for script in ("setup.sh", "run_autograder"))
    assert f"pip install /autograder/source/{WHEEL}" in setup
    assert subprocess.run(["bash", "-n", "-c", setup]).returncode == 0
    with zipfile.ZipFile(path) as z:
        assert z.read("assignments/ner_window/reference.py") == (folder / "reference.py").read_bytes()
    (path.parent / WHEEL).write_bytes(wheel)
    with zipfile.ZipFile(path.parent / WHEEL) as w:
        packed = set(w.namelist())
    assert "grader/cli/gradescope.py" in packed and "grader/templates/index.html.j2" in packed
    assert not any("__pycache__" in name for name in packed)


def test_the_same_files_give_the_same_zip(built, tmp_path):
    folder, path = built
    again = run_cli("grade", "handout", folder, "--gradescope", "--out", tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_run_autograder_grades_an_upload_as_gradescope_lays_it_out(built, tmp_path):
    _, path = built
    root = autograder(tmp_path / "autograder", {"ner_window.py": ROOT / "submissions" / "ner_window" /
                                                "transposed_dw.py"},
                      {"id": 7, "users": [{"email": "bob@example.edu", "name": "Bob", "id": "3"}]})
    site = tmp_path / "site"   # what setup.sh's pip install puts in the image's venv, without its dependencies
    install_autograder(path, root, site)
    where = subprocess.run([sys.executable, "-c", "import grader; print(grader.__file__)"], cwd=root / "source",
                           env={"PYTHONPATH": str(site)}, capture_output=True, text=True)
    assert where.stdout.startswith(str(site)), "the grader run is the wheel's, not this checkout's"

    run = run_autograder(root)
    assert run.returncode == 0, run.stdout + run.stderr
    data = results(root)
    check_gradescope_fields(data)
    assert data["score"] == 12.0
    failed = {t["name"] for t in data["tests"] if t.get("status") == "failed" and "max_score" not in t}
    assert failed == {"ner_loss_and_grads › dW shape", "ner_loss_and_grads › dW shape (hidden)"}
    assert not (root / "source" / "assignments" / "ner_window" / ".pool" / "0123abcd.json").exists()
