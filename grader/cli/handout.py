"""`grade handout`: what students get, or with --gradescope the autograder zip
(see authoring/handout.py and authoring/autograder.py)."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..authoring.autograder import write_autograder
from ..authoring.handout import write_handout
from ..destinations import usable_file, usable_folder
from ..cases.assignment import Assignment, find_assignment
from ..sandbox.package import is_package, module_file


def handout_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="grade handout", description="Write the assignment folder as students get "
                                "it: the spec, the starter (and its notebook when the spec asks for one), the "
                                "instructions, public.json and the support folder; never the reference or .pool/. "
                                "Refuses a public.json made for another version of the spec.")
    p.add_argument("assignment", help="assignment name or folder")
    p.add_argument("--out", type=Path, default=Path("dist"), help="where to write it (default: dist/): the folder "
                   "OUT/<assignment>, or the zip OUT/<assignment>-autograder.zip")
    p.add_argument("--gradescope", action="store_true", help="write Gradescope's autograder zip instead: setup.sh, "
                   "run_autograder, the grader as a wheel, the assignment with its reference")
    p.add_argument("--force", action="store_true", help="replace a handout folder already there")
    args = p.parse_args(argv)
    a = Assignment(find_assignment(args.assignment))
    usable_folder(args.out, "--out")
    if args.gradescope:
        usable_file(args.out / f"{a.name}-autograder.zip", "--out")
        path = write_autograder(a, args.out)
        print(f"wrote {path}: upload it as the autograder of a Gradescope programming assignment; students "
              f"upload {_handed_in(a)}")
        return 0
    folder = write_handout(a, args.out, args.force)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    if is_package(a.spec.module):
        then = (f"they write their work in {_handed_in(a)} and run self-check {a.name} in this folder (or "
                f"self-check {module_file(a.spec.module)})")
    else:
        then = f"they copy starter.py to {a.spec.module}.py and run self-check {a.spec.module}.py"
    print(f"wrote {folder}: {', '.join(files)}. Give students this folder; {then}")
    return 0


def _handed_in(a: Assignment) -> str:
    """What students hand in: their module's file, or their package's folder."""
    return f"{a.spec.module.split('.')[0]}/" if is_package(a.spec.module) else f"{a.spec.module}.py"
