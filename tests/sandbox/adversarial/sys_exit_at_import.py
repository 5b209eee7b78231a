# expect: total=0 all=error
"""Exits (politely) while being imported."""
import sys

sys.exit(0)
