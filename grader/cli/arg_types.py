"""Argument types shared by the commands' parsers, so that an option that
means the same thing is read and refused the same way wherever it appears."""
from __future__ import annotations

import argparse


def seed(text: str) -> int:
    """A `--seed`: a whole number from 0 up, of any size (the hidden cases'
    random generator takes no negative seed)."""
    value = int(text)   # ValueError: argparse says "invalid seed value"
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; a seed is a whole number from 0 up")
    return value


def count(text: str) -> int:
    """A number of things to do (`--seeds`): at least 1, for a check of none would pass whatever it checks."""
    value = int(text)   # ValueError: argparse says "invalid count value"
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is below 1: give at least 1")
    return value
