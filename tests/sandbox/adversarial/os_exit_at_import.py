# expect: total=0 all=error
"""Exits (abruptly) while being imported."""
import os

os._exit(0)
