"""A package submission (tests/assignments/packaged: `course/`, whose
`classifiers/net.py` imports its layers relatively) through the ways in a
student or a platform starts: `self-check`, `grade gradescope` and the
pytest plugin, each grading the whole package in the student's process."""
from __future__ import annotations

import shutil

import pytest

from sandbox.test_packages import LAYERS, NET, PACKAGED, write_package
from ways_in import check_gradescope_fields, results, run_pytest

WRONG_MASK = LAYERS + "\ndef relu_mask(z):\n    return z[0] > 0\n"


@pytest.fixture(scope="module")
def published(tmp_path_factory, cli):
    """A copy of the packaged assignment with its public.json."""
    folder = tmp_path_factory.mktemp("assignment") / "packaged"
    shutil.copytree(PACKAGED, folder)
    run = cli("grade", "publish", folder)
    assert run.returncode == 0, run.stderr
    return folder


def test_self_check_grades_the_package_of_the_file_named(cli, tmp_path, published):
    module = write_package(tmp_path / "mine")
    run = cli("self-check", module.relative_to(tmp_path / "mine"), "--assignment", published, cwd=tmp_path / "mine")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "relu_loss: 2/2" in run.stdout
    wrong = write_package(tmp_path / "wrong", layers=WRONG_MASK)
    run = cli("self-check", wrong, "--assignment", published)
    assert run.returncode == 1
    assert "relu_loss: 1/2" in run.stdout and "FAIL    dz gradient" in run.stdout


def test_self_check_refuses_a_file_outside_its_package(cli, tmp_path, published):
    (tmp_path / "net.py").write_text(NET)
    run = cli("self-check", tmp_path / "net.py", "--assignment", published)
    assert run.returncode == 2
    assert "name its file course/classifiers/net.py inside the package's folder" in run.stderr


def test_gradescope_finds_the_package_in_the_upload(cli, tmp_path, published):
    root = tmp_path / "root"
    write_package(root / "submission" / "assignment2")
    run = cli("grade", "gradescope", "--assignment", published, "--root", root)
    assert run.returncode == 0, run.stderr
    data = results(root)
    check_gradescope_fields(data)
    assert data["score"] == 2


def test_gradescope_says_which_file_to_upload(cli, tmp_path, published):
    root = tmp_path / "root"
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "net.py").write_text(NET)
    run = cli("grade", "gradescope", "--assignment", published, "--root", root)
    assert run.returncode == 0, run.stderr
    data = results(root)
    assert data["score"] == 0
    assert "Upload your work as course/classifiers/net.py" in data["output"]


def test_the_pytest_plugin_grades_the_package(tmp_path, published):
    write_package(tmp_path, layers=WRONG_MASK)
    run, items = run_pytest(tmp_path, "--assignment", str(published), "course/classifiers/net.py")
    assert run.returncode == 1, run.stdout + run.stderr
    failed = {name.split(".relu_loss::")[1] for name, text in items.items() if text}
    assert failed == {"dz gradient", "dz vs your relu_loss"}, items
    assert "1/2 points on the public checks" in run.stdout
