"""Where the class page's heat map puts things: a row per student (or per
outcome shared by many students, dashboard.heat_rows), a column per check,
grouped by function under its name. Sizes are SVG units.

It stays small at any class size: at most dashboard's `limit` rows, and a
column is one element, its passed cells one rectangle under the others, the
cells of each other status one path. A cell is a link only where the page's
script runs (it knows the row's page and the column's anchor); without it,
each row's name links to the student's page."""
from __future__ import annotations

from dataclasses import dataclass

from . import dashboard

CHAR_WIDTH = 7.2     # an upper bound of a character's width in the 11px monospace headers
NAME_CHARS = 30      # names of up to this many characters fit on the left


@dataclass
class Header:
    """A function's name over its columns: on one of two lines, turn about,
    so that each may run on over its neighbour's columns."""
    name: str
    text: str        # the name, cut to its room
    x: float
    y: float
    x2: float        # where its bracket ends
    checks: int


@dataclass
class HeatColumn:
    x: int
    column: dashboard.Column
    anchor: str
    paths: list[tuple[str, str]]     # (status, SVG path of its cells) but for passed


@dataclass
class HeatMap:
    columns: list[HeatColumn]
    rows: list[dashboard.HeatRow]
    headers: list[Header]
    chars: int
    cell_width: int
    cell_height: int = 14
    top: int = 48

    @property
    def left(self) -> int:
        return 16 + 7 * self.chars

    @property
    def right(self) -> int:
        """Where the cells end and the scores begin."""
        return self.left + len(self.columns) * self.cell_width

    @property
    def width(self) -> int:
        return self.right + 48

    @property
    def bottom(self) -> int:
        """Where the rows end."""
        return self.top + len(self.rows) * self.cell_height

    @property
    def height(self) -> int:
        return self.bottom + 6 + self.cell_height + 10

    def label(self, row: dashboard.HeatRow) -> str:
        """A row's name: its student's, cut to fit with an ellipsis, or how many students share it."""
        if len(row.students) > 1:
            return f"{len(row.students)} students"
        name = row.students[0].student
        return name if len(name) <= self.chars else name[:self.chars - 1] + "…"


def cells_path(x: int, ys: list[int], width: int, height: int) -> str:
    """One path drawing a cell of this size at x and each of `ys`."""
    return "".join(f"M{x} {y}h{width}v{height}h-{width}z" for y in ys)


def build(dash: dict, anchor) -> HeatMap:
    """The map of the dashboard's columns and rows; `anchor(function, check)` names a check on a page."""
    cols: list[dashboard.Column] = dash["columns"]
    rows: list[dashboard.HeatRow] = dash["rows"]
    labels = [f"{len(r.students)} students" if len(r.students) > 1 else r.students[0].student for r in rows]
    heat = HeatMap([], rows, [], max(8, min(NAME_CHARS, max(map(len, labels), default=8))),
                   cell_width=9 if len(cols) <= 120 else 6)
    cw, ch = heat.cell_width, heat.cell_height
    for k, col in enumerate(cols):
        x = heat.left + k * cw
        ys: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            if row.statuses[k] != "passed":
                ys.setdefault(row.statuses[k], []).append(heat.top + i * ch)
        heat.columns.append(HeatColumn(x, col, anchor(col.function, col.name),
                                       [(status, cells_path(x, y, cw - 1, ch - 1)) for status, y in ys.items()]))
    heat.headers = headers(dash["groups"], heat.left, cw, heat.right + 44, heat.top)
    return heat


def headers(groups: list[tuple[str, int]], left: int, cw: int, end: int, top: int) -> list[Header]:
    """Each function's name over its columns, on alternate lines: a name may
    use the room up to the start of the next name on its own line, and is
    cut (with an ellipsis) where it would run into it."""
    starts, x = [], left
    for _, count in groups:
        starts.append(x)
        x += count * cw
    out = []
    for k, (name, count) in enumerate(groups):
        room = (starts[k + 2] if k + 2 < len(starts) else end) - starts[k] - 6
        fits = int(room // CHAR_WIDTH)
        text = name if len(name) <= fits else (name[:fits - 1] + "…" if fits >= 2 else "")
        out.append(Header(name, text, starts[k] + 1, top - 30 + 14 * (k % 2), starts[k] + count * cw - 1, count))
    return out
