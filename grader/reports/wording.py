"""The words of a check, as every text format shows them: what was found,
then the diagnosis on a line of its own. Formatted here, once."""
from __future__ import annotations

from ..results import Check


def check_text(c: Check) -> str:
    """A check's message with its diagnosis, if it has one."""
    if not c.explanation:
        return c.message
    return f"{c.message}\nDiagnosis: {c.explanation}" if c.message else f"Diagnosis: {c.explanation}"
