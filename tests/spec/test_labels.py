"""A `labels` sample's number of classes is a size like `integers.high`: a
number, a dimension or an expression of them, refused where it names no
dimension or gives fewer than two classes on some case; the class labels
then cover every class of the case's size."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from conftest import ROOT, Grades, edit_spec
from grader.cases.sampling import HIDDEN, PUBLIC, sample_case
from grader.spec import SpecError, load_spec

KINKS = ROOT / "tests" / "assignments" / "kinks"   # svm_loss takes labels y of shape (N,), scores s of (N, C)
SIX = 'sample = { kind = "labels", classes = 6 }'


def kinks(tmp_path, classes: str):
    folder = tmp_path / "kinks"
    shutil.copytree(KINKS, folder)
    edit_spec(folder, (SIX, f'sample = {{ kind = "labels", classes = {classes} }}'))
    return folder


def test_labels_take_a_dimension_for_their_number_of_classes(tmp_path):
    spec = load_spec(kinks(tmp_path, '"C"'))
    top: dict[int, int] = {}   # C -> the largest label drawn
    for visibility in (PUBLIC, HIDDEN):
        for index in range(1, 33):
            case = sample_case(spec, visibility, index, 2718281)
            y, classes = case.inputs["svm_loss"]["y"], case.dims["C"]
            assert set(np.unique(y)) <= set(range(classes)), (case.dims, y)
            if y.size >= classes:
                assert set(np.unique(y)) == set(range(classes)), (case.dims, y)
            top[classes] = max(top.get(classes, 0), int(y.max()))
    assert top == {6: 5, 7: 6}


@pytest.mark.parametrize("classes, problem", [
    ('"K"', "unknown dimensions ['K']; declared: ['C', 'N', 'n']"),
    ('"C - 5"', "'C - 5' is 1 on some case; labels need at least 2 classes"),
    ("1", "labels need at least 2 classes"),
    ('"C +"', "'C +' is not an expression of dimensions"),
])
def test_a_number_of_classes_that_cannot_be_is_refused_at_its_place(tmp_path, classes, problem):
    folder = kinks(tmp_path, classes)
    with pytest.raises(SpecError) as info:
        load_spec(folder)
    assert str(info.value).splitlines()[1:] == [f"  functions[2] (svm_loss).args[1] (y).sample.classes: {problem}"]


def test_the_reference_gets_full_marks_with_one_class_per_column(cli, tmp_path):
    folder = kinks(tmp_path, '"C"')
    (tmp_path / "subs" / "kinks").mkdir(parents=True)
    shutil.copy(folder / "reference.py", tmp_path / "subs" / "kinks" / "ada.py")
    run = cli("grade", tmp_path / "subs" / "kinks", "--assignment", folder, "--out", tmp_path / "out",
              cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    ada = Grades.load(tmp_path / "out" / "kinks" / "grades.json").submission("ada")
    assert ada["score"] == ada["max_score"] == 6
