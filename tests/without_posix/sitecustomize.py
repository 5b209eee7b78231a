"""See without_posix.py: a Python started with this folder on PYTHONPATH has no POSIX-only modules."""
import without_posix  # noqa: F401
