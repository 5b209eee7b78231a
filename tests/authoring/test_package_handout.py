"""A package assignment handed out (fc_net: students hand in cs231n/): the
handed-out folder holds the starter package in place of starter.py, a
student who writes their package there self-checks it with `self-check
fc_net`, and the Gradescope zip grades an upload of the package.
(test_handout.py holds fc_net to the guarantees every handout keeps.)"""
from __future__ import annotations

import os
import shutil
import zipfile

from conftest import ROOT, edit_spec, run_cli
from ways_in import autograder, check_gradescope_fields, install_autograder, results, run_autograder

from test_handout import handout, instructor_copy

SUBMISSIONS = ROOT / "submissions" / "fc_net"


def handed_out(tmp_path):
    folder = instructor_copy(tmp_path, "fc_net")
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 0, run.stderr
    assert "run self-check fc_net in this folder" in run.stdout
    return folder, tmp_path / "dist" / "fc_net"


def test_a_student_self_checks_the_package_they_wrote_in_the_handed_out_folder(tmp_path):
    _, out = handed_out(tmp_path)
    untouched = run_cli("self-check", "fc_net", cwd=out)
    assert untouched.returncode == 1, untouched.stderr
    assert "Score on the public checks: 0/" in untouched.stdout and "NotImplementedError" in untouched.stdout
    assert "Traceback (most recent call last)" not in untouched.stderr

    shutil.copytree(SUBMISSIONS / "grace" / "cs231n", out / "cs231n", dirs_exist_ok=True)
    for cwd, named in ((out, "fc_net"), (out.parent, "fc_net"), (out, "cs231n/classifiers/fc_net.py")):
        run = run_cli("self-check", named, cwd=cwd)
        assert run.returncode == 0, f"self-check {named} in {cwd}:\n{run.stdout}{run.stderr}"
        assert "every check passed" in run.stdout


def test_self_check_reads_the_handed_out_spec_and_public_json(tmp_path):
    """Not another copy of the assignment the machine holds: a handout whose
    spec no longer fits its public.json is refused, naming that file."""
    _, out = handed_out(tmp_path)
    edit_spec(out, ("points = 7\n", "points = 8\n"))
    run = run_cli("self-check", "fc_net", cwd=out)
    assert run.returncode == 2
    assert f"{out / 'public.json'} was made for another version of assignment.toml" in run.stderr


def test_self_check_says_where_it_looked_for_the_package(tmp_path):
    _, out = handed_out(tmp_path)
    shutil.rmtree(out / "cs231n")
    run = run_cli("self-check", "fc_net", cwd=out)
    assert run.returncode == 2
    assert f"fc_net: no cs231n/classifiers/fc_net.py in {out} or its folders" in run.stderr


def test_a_package_without_its_starter_folder_is_refused(tmp_path):
    folder = instructor_copy(tmp_path, "fc_net")
    shutil.rmtree(folder / "starter")
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 2
    assert (f"{folder / 'starter' / 'cs231n' / 'classifiers' / 'fc_net.py'}: no such file: a package's starter is "
            f"the folder starter/cs231n/ in the assignment's; write one with grade starter {folder}") in run.stderr
    assert not (tmp_path / "dist").exists()


def test_a_link_in_the_starter_package_is_refused(tmp_path):
    folder = instructor_copy(tmp_path, "fc_net")
    os.symlink("../../reference.py", folder / "starter" / "cs231n" / "solutions.py")
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 2
    assert f"{folder / 'starter' / 'cs231n' / 'solutions.py'} is a symbolic link" in run.stderr
    assert not (tmp_path / "dist").exists()


def test_a_notebook_starter_is_refused_for_a_package(tmp_path):
    folder = instructor_copy(tmp_path, "fc_net")
    edit_spec(folder, ("[handout]\n", "[handout]\nnotebook = true\n"))
    assert run_cli("grade", "publish", folder).returncode == 0
    run = handout(folder, tmp_path / "dist")
    assert run.returncode == 2
    assert "[handout] notebook: cs231n.classifiers.fc_net is a package's module, whose starter is a folder" \
        in run.stderr


def test_the_autograder_zip_grades_an_uploaded_package(tmp_path):
    folder = instructor_copy(tmp_path, "fc_net")
    made = run_cli("grade", "handout", folder, "--gradescope", "--out", tmp_path / "dist")
    assert made.returncode == 0, made.stderr
    assert "students upload cs231n/" in made.stdout
    path = tmp_path / "dist" / "fc_net-autograder.zip"
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
    assert {"assignments/fc_net/reference.py", "assignments/fc_net/cs231n/classifiers/fc_net.py"} <= names
    assert not any(".pool" in name or "__pycache__" in name for name in names)

    student = SUBMISSIONS / "reg_missing_from_grads"   # uploaded as Gradescope lays out a folder: under submission/
    upload = {p.relative_to(student).as_posix(): p for p in student.rglob("*.py")}
    root = autograder(tmp_path / "autograder", upload, {"id": 7, "users": [{"email": "bo@example.edu", "id": "3"}]})
    install_autograder(path, root, tmp_path / "site")
    run = run_autograder(root)
    assert run.returncode == 0, run.stdout + run.stderr
    data = results(root)
    check_gradescope_fields(data)
    lost = {t["name"]: t["max_score"] - t["score"] for t in data["tests"] if "max_score" in t}
    assert {name for name, points in lost.items() if points} == {"two_layer_loss"}
    assert "the regularisation is in the loss but not in the gradient" in str(data["tests"])
