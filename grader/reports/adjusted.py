"""How the reports show adjustments and the late policy: their words (a
student's page, grades.csv, Gradescope's output), formatted here, once,
from the fields of results.Adjustment and results.Lateness; and the
columns of grades.csv that hold them."""
from __future__ import annotations

import math
from datetime import datetime

from ..results import Adjustment, Lateness

SOURCES = {"gradescope": "Gradescope's submission time", "collection": "commit time, as collected",
           "commit": "commit time", "file": "file time"}
UNIT_NAMES = {"hour": ("hour", "hours"), "day": ("day", "days")}


def number(x: float) -> str:
    """2, 0.5, 1.33: a number of points as a person writes it."""
    if not math.isfinite(x):
        return str(x)
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def signed(x: float) -> str:
    """+1, −2.6: points added or taken (a true minus sign)."""
    return ("+" if x >= 0 else "\u2212") + number(abs(x))


def when(t: datetime) -> str:
    """2026-12-01 22:10 -05:00: to the minute, with its offset."""
    text = t.isoformat(sep=" ", timespec="minutes")
    return f"{text[:16]} {text[16:]}"


def span(seconds: float) -> str:
    """A length of time to the minute: `12 min`, `26 h 5 min`; from two days on, `3 days 2 h`."""
    minutes = math.ceil(seconds / 60)
    days, minutes = divmod(minutes, 1440) if minutes >= 2 * 1440 else (0, minutes)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} days" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes and not days else ""]
    return " ".join(p for p in parts if p) or "0 min"


def plural(count: float, unit: str) -> str:
    one, many = UNIT_NAMES.get(unit, (unit, unit + "s"))
    return f"{number(count)} {one if count == 1 else many}"


def adjustment_text(a: Adjustment) -> str:
    """`total +1: reason (by Jo)`, `score_grads set to 4 (+1): reason (by Jo)`."""
    what = a.function or "total"
    change = f"set to {number(a.set_to)} ({signed(a.points)})" if a.set_to is not None else signed(a.points)
    return f"{what} {change}: {a.reason} (by {a.by})"


def late_text(late: Lateness) -> str:
    """When it was handed in, by which clock, and what the late policy took: `submitted 26 h 5 min
    late (commit time); 2 days × 10 % = 20 %, −2.6 points`."""
    clock = SOURCES[late.source]
    if late.seconds_late <= 0:
        return f"submitted {when(late.submitted_at)} ({clock}), on time (due {when(late.due)})"
    head = f"submitted {span(late.seconds_late)} late ({clock}; due {when(late.due)})"
    if late.grace:
        return f"{head}, within the grace period: no penalty"
    unit = " %" if late.unit == "percent" else ""
    rate = f"{number(late.rate)}{unit}" if late.unit == "percent" else plural(late.rate, "point")
    total = f"{number(late.units * late.rate)}{unit}" if late.unit == "percent" else plural(late.units * late.rate,
                                                                                           "point")
    cap = f", capped at {number(late.penalty)}{unit}" if late.capped else ""
    return f"{head}; {plural(late.units, late.per)} \u00d7 {rate} = {total}{cap}, {signed(-late.points)} points"


def extension_text(late: Lateness) -> str:
    """`extended from 2026-12-01 23:59 -05:00`, where an extension moved the due date; else empty."""
    return f"extended from {when(late.extended_from)}" if late.extended_from else ""


def lines(s) -> list[str]:
    """How a submission's score was reached, a line each: the grader's, each adjustment, the late policy, the final."""
    grader = s.grader_score if s.grader_score is not None else s.score
    out = [f"Grader's score: {number(grader)}/{number(s.max_score)}"]
    out += [adjustment_text(a) for a in s.adjustments]
    if s.late is not None:
        extension = extension_text(s.late)
        note = f" ({s.late.source_note})" if s.late.source_note else ""
        out.append(f"Late policy: {late_text(s.late)}{'; ' + extension if extension else ''}{note}")
    return out + [f"Final score: {number(s.score)}/{number(s.max_score)}"]


def all_text(adjustments, late: Lateness | None) -> str:
    """Every adjustment, then the late policy's line, one after another (grades.csv's cell)."""
    lines = [adjustment_text(a) for a in adjustments]
    if late is not None:
        lines.append(late_text(late))
    return "; ".join(lines)


# --- grades.csv ---------------------------------------------------------------------------------

COLUMNS = ["grader_score", "adjustment_points", "late_penalty", "submitted_at", "time_source", "adjustments"]


def cells(s, number, text) -> list[str]:
    """A submission's (result or summary) cells under COLUMNS; `number` and
    `text` write a number and a text as the CSV does (text: never as a formula)."""
    late = s.late
    grader = s.grader_score if s.grader_score is not None else s.score
    return [number(grader), number(sum(a.points for a in s.adjustments)), number(late.points) if late else "",
            late.submitted_at.isoformat() if late else "", late.source if late else "", text(all_text(s.adjustments, late))]
