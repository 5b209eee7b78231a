"""A Python started with this folder on PYTHONPATH has no os.fork, so no
fork server can run, as on macOS: the sandbox starts a fresh Python per
student process, which takes the platform's rlimits (the tests of the
student-facing commands use it)."""
import os

for _name in ("fork", "register_at_fork"):
    if hasattr(os, _name):
        delattr(os, _name)
