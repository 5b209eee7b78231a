"""`grade starter` for classes and packages, as an instructor runs it: it
writes each class with its constructor and the methods the spec grades,
and for a dotted module the package's tree; what it writes imports, and
`grade` grades it with every check failing cleanly (no crash, no point)."""
from __future__ import annotations

import ast
import json
import shutil

import pytest

from conftest import ROOT, edit_spec, run_cli

LAYERS = ["affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss", "batchnorm_forward",
          "batchnorm_backward"]
TREE = {"cs231n/__init__.py", "cs231n/classifiers/__init__.py", "cs231n/classifiers/fc_net.py", "cs231n/layers.py"}


@pytest.fixture
def fc_net(tmp_path):
    """fc_net's folder, its starter package reduced to what is written by hand (layer_utils.py)."""
    folder = tmp_path / "course" / "fc_net"
    shutil.copytree(ROOT / "assignments" / "fc_net", folder, ignore=shutil.ignore_patterns("__pycache__", ".pool"))
    for path in TREE:
        (folder / "starter" / path).unlink()
    return folder


def defined(source: str) -> dict[str, ast.AST]:
    """Every function and class at the top of the module, and every method as Class.method."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found[node.name] = node
        if isinstance(node, ast.ClassDef):
            found.update({f"{node.name}.{m.name}": m for m in node.body if isinstance(m, ast.FunctionDef)})
    return found


def signature(node: ast.FunctionDef) -> str:
    return ast.unparse(node.args)


def grade_every_check_fails(tmp_path, folder, files: dict[str, str]):
    """Grade one student holding `files`: the run ends well and gives no point; every check fails but the
    signatures' (which cost nothing)."""
    student = tmp_path / "submissions" / "fc_net" / "starter_as_given"
    for path, text in files.items():
        (student / path).parent.mkdir(parents=True, exist_ok=True)
        (student / path).write_text(text, encoding="utf-8")
    run = run_cli("grade", student.parent, "--assignment", folder, "--out", tmp_path / "reports")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    [graded] = json.loads((tmp_path / "reports" / "fc_net" / "grades.json").read_text())["submissions"]
    assert graded["score"] == 0 and graded["max_score"] == 34
    checks = [(f["name"], c) for f in graded["functions"] for c in f["checks"]]
    assert {c["status"] for _, c in checks if c["name"] != "signature"} <= {"failed", "error"}
    unfound = [(name, c["message"]) for name, c in checks if c["name"] == "signature" and c["status"] != "passed"]
    assert not unfound, "every function and method is there, as the grader calls it"
    assert "NotImplementedError" in json.dumps(graded)
    return graded


def test_a_package_starter_is_the_packages_tree_and_grades_to_zero(tmp_path, fc_net):
    run = run_cli("grade", "starter", fc_net)
    assert run.returncode == 0, run.stderr
    starter = fc_net / "starter"
    assert run.stdout.startswith(f"wrote {', '.join(sorted(TREE))} in {starter}")
    assert "yourself" not in run.stdout, "layer_utils.py, which fc_net.py imports, is there"
    files = {p.relative_to(starter).as_posix(): p.read_text() for p in starter.rglob("*.py")}
    assert set(files) == TREE | {"cs231n/layer_utils.py"}

    layers, net = defined(files["cs231n/layers.py"]), files["cs231n/classifiers/fc_net.py"]
    assert list(layers) == LAYERS
    assert "from ..layers import *\nfrom ..layer_utils import *\n" in net
    assert "self-check cs231n/classifiers/fc_net.py" in net
    methods = defined(net)
    assert [name for name in methods if "." in name] == ["TwoLayerNet.__init__", "TwoLayerNet.loss",
                                                         "FullyConnectedNet.__init__", "FullyConnectedNet.loss"]
    assert signature(methods["TwoLayerNet.__init__"]) == "self, input_dim, hidden_dim, num_classes, weight_scale, reg"
    assert signature(methods["FullyConnectedNet.__init__"]) == ("self, hidden_dims, input_dim, num_classes, dropout, "
                                                                "reg, weight_scale, dtype='float64', seed=231")
    assert signature(methods["FullyConnectedNet.loss"]) == "self, X, y=None"
    constructor = ast.get_source_segment(net, methods["FullyConnectedNet.__init__"])
    assert "one W and b per layer, weights drawn at weight_scale, biases zero" in constructor
    assert "W2: (H1, H2), normal draws of standard deviation weight_scale" in constructor
    assert 'self.params = {}\n        # TODO: self.params["W1"], (D, H1)' in constructor
    loss = ast.get_source_segment(net, methods["TwoLayerNet.loss"])
    assert "loss(X, y) returns a tuple (loss, grads):" in loss and "loss(X) returns scores:" in loss
    assert 'grads["W1"]: (D, H), the gradient of loss with respect to params["W1"]' in loss
    assert all(ast.get_source_segment(net, m).rstrip().endswith("raise NotImplementedError")
               for name, m in methods.items() if "." in name)

    graded = grade_every_check_fails(tmp_path, fc_net, files)
    assert {f["name"] for f in graded["functions"]} >= set(LAYERS) | {"two_layer_loss", "fc_scores"}


def test_a_second_run_replaces_only_with_force_and_keeps_the_hand_written_modules(fc_net):
    assert run_cli("grade", "starter", fc_net).returncode == 0
    again = run_cli("grade", "starter", fc_net)
    assert again.returncode == 2
    assert f"{fc_net / 'starter' / 'cs231n' / '__init__.py'} exists; pass --force" in again.stderr
    utils = (fc_net / "starter" / "cs231n" / "layer_utils.py").read_bytes()
    assert run_cli("grade", "starter", fc_net, "--force").returncode == 0
    assert (fc_net / "starter" / "cs231n" / "layer_utils.py").read_bytes() == utils


def test_a_module_the_starter_imports_but_does_not_write_is_named(fc_net):
    (fc_net / "starter" / "cs231n" / "layer_utils.py").unlink()
    run = run_cli("grade", "starter", fc_net)
    assert run.returncode == 0, run.stderr
    assert (f"write {fc_net / 'starter' / 'cs231n' / 'layer_utils.py'} yourself: cs231n/classifiers/fc_net.py "
            "imports it") in run.stdout


def test_a_functions_module_outside_the_package_is_refused(fc_net):
    edit_spec(fc_net, ('functions_module = "cs231n.layers"', 'functions_module = "layers"'))
    run = run_cli("grade", "starter", fc_net)
    assert run.returncode == 2
    assert "[handout] functions_module = 'layers': name another module of the package cs231n" in run.stderr
    assert not (fc_net / "starter" / "cs231n" / "layers.py").exists()


def test_classes_of_a_single_module_go_in_starter_py_after_its_functions(tmp_path, fc_net):
    edit_spec(fc_net, ('module = "cs231n.classifiers.fc_net"', 'module = "fc_net"'),
              ('functions_module = "cs231n.layers"', ""), ('imports = ["cs231n.layer_utils"]', ""))
    run = run_cli("grade", "starter", fc_net)
    assert run.returncode == 0, run.stderr
    source = (fc_net / "starter.py").read_text()
    assert "Write each function and class below" in source
    assert [n for n in defined(source) if "." not in n] == LAYERS + ["TwoLayerNet", "FullyConnectedNet"]
    grade_every_check_fails(tmp_path, fc_net, {"fc_net.py": source})
