"""The reference with every answer rounded to float32, as a student who
computes in float32 returns it: a correct answer that must still get full
marks (test_verdicts.py, bench/false_failures.py --float32)."""
from __future__ import annotations

from pathlib import Path

TEMPLATE = '''import importlib.util as _util
import numpy as _np

_spec = _util.spec_from_file_location("_float32_reference", {reference!r})
_ref = _util.module_from_spec(_spec)
_spec.loader.exec_module(_ref)


def _float32(value):
    if isinstance(value, tuple):
        return tuple(_float32(v) for v in value)
    if isinstance(value, dict):   # a dict of arrays, such as gradients by name
        return {{k: _float32(v) for k, v in value.items()}}
    try:
        kind = _np.asarray(value).dtype.kind
    except ValueError:            # a list of caches, say: each rounded as it is
        return [_float32(v) for v in value]
    return _np.asarray(value, dtype=_np.float32) if kind == "f" else value


def _wrap(name):
    def wrapped(*args):
        return _float32(getattr(_ref, name)(*args))
    return wrapped


{definitions}
'''


def write_float32_reference(spec, reference: Path, folder: Path) -> Path:
    """Write, in `folder`, a module whose graded functions call the reference's and round what they return."""
    targets = dict.fromkeys(f.target for f in spec.graded)
    definitions = "\n".join(f"{name} = _wrap({name!r})" for name in targets if "." not in name)
    classes: dict[str, list[str]] = {}
    for name in targets:   # a method (TwoLayerNet.loss): the reference's class, its methods rounded
        if "." in name:
            owner, method = name.split(".")
            classes.setdefault(owner, []).extend([method] if method != "params" else [])
    for owner, methods in classes.items():
        definitions += f"\n\nclass {owner}(_ref.{owner}):\n" + "".join(
            f"    def {m}(self, *args):\n        return _float32(_ref.{owner}.{m}(self, *args))\n" for m in methods)
    path = folder / "float32_reference.py"
    path.write_text(TEMPLATE.format(reference=str(reference), definitions=definitions), encoding="utf-8")
    return path
