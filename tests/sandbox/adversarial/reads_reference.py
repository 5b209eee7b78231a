# expect: total=0 all=failed
"""Looks for the reference solution where the grader keeps it and, if it
can read it, hands in the reference's own functions."""
import os

import grader

_here = os.path.dirname(os.path.dirname(grader.__file__))
for _path in (os.path.join(_here, "assignments", "ner_window", "reference.py"),
              os.path.join(os.getcwd(), "..", "assignments", "ner_window", "reference.py")):
    try:
        with open(_path) as _f:
            exec(compile(_f.read(), "stolen.py", "exec"))
        break
    except OSError:
        pass
