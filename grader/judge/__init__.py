"""Judging one answer: comparisons with their tolerances (compare.py), the
checks of an output's shape, value and derivatives (checks.py), and the
names of the mistakes a failing answer matches (diagnosis.py). Pure
functions of arrays and the spec: they call nothing and keep no state."""
