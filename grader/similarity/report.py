"""What the comparison writes into the report folder: `similarity.json`
(every pair above the threshold, each with the regions its two sides
share) and `_similarity.html` (the pairs side by side: each region's lines
of one beside the other's), and what the class page shows of it (the
first pairs, linked to both). The class page reads `similarity.json` from
its own folder, so that it shows the pairs of the run that wrote it and,
where no comparison ran, nothing."""
from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..atomic import write_text
from .compare import Comparison, Lines
from .sources import Source

FILENAME = "similarity.json"
PAGE = "_similarity.html"   # never a student's page's name: those never start with "_" (html_pages.py)
ON_CLASS_PAGE = 50       # pairs listed on the class page (the most similar; every pair is in similarity.json)
ON_PAGE = 100            # pairs shown side by side on PAGE
MAX_LINES = 80           # lines of one side of a region shown


def write(comparison: Comparison, sources: list[Source], folder: Path, html: bool = True) -> list[Path]:
    """similarity.json, and the side-by-side page where `html`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_text(folder / FILENAME, comparison.model_dump_json(indent=2) + "\n")]
    if html:
        written.append(write_text(folder / PAGE, side_by_side(comparison, {s.name: s for s in sources})))
    elif (folder / PAGE).exists():
        (folder / PAGE).unlink()
    return written


def remove(folder: Path) -> None:
    """Remove an earlier run's comparison, so that the class page never shows pairs this run did not find."""
    for name in (FILENAME, PAGE):
        (Path(folder) / name).unlink(missing_ok=True)


def read(folder: Path) -> Comparison | None:
    """The comparison written into `folder`, or None where there is none (or it cannot be read)."""
    try:
        return Comparison.model_validate_json((Path(folder) / FILENAME).read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def class_section(folder: Path) -> dict | None:
    """What the class page shows: the most similar pairs, how many there are, and the threshold."""
    comparison = read(folder)
    if comparison is None:
        return None
    return {"comparison": comparison, "pairs": list(enumerate(comparison.pairs[:ON_CLASS_PAGE])),
            "page": PAGE if (Path(folder) / PAGE).exists() else None}


def side_by_side(comparison: Comparison, sources: dict[str, Source]) -> str:
    """The side-by-side page: each pair's regions, a's lines beside b's."""
    from ..reports.html import (
        environment,  # the report's templates, filters and escaping
    )
    from ..reports.html_pages import page_name
    shown = [(n, pair, [(region, excerpt(sources.get(pair.a), region.a), excerpt(sources.get(pair.b), region.b))
                        for region in pair.regions])
             for n, pair in enumerate(comparison.pairs[:ON_PAGE])]
    return environment().get_template("similarity.html.j2").render(comparison=comparison, shown=shown,
                                                                   page_of=page_name)


def excerpt(source: Source | None, lines: Lines) -> list[tuple[str, str]]:
    """(number as shown, text) of the region's lines, at most MAX_LINES of them (a notebook's numbered `cell:line`)."""
    if source is None:
        return []
    for f in source.files:
        if f.name == lines.file:
            text = f.text.splitlines()
            last = min(lines.last, lines.first + MAX_LINES - 1)
            return [(f.label(n), text[n - 1] if n <= len(text) else "") for n in range(lines.first, last + 1)]
    return []

