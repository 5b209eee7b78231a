"""Report formats. Each module reads the result model and writes its files
into a folder; `write_reports` writes the ones asked for. `github_actions` and
`github_classroom` also hand their results to the GitHub Actions step they run in.

Importing this package imports none of the formats: `FORMATS` and
`write_reports` (writers.py) are imported on first use, so that a command
that writes no report file (self-check, by default) does not pay for them
(jinja2 and the HTML templates, above all)."""
from __future__ import annotations

__all__ = ["FORMATS", "write_reports"]


def __getattr__(name: str):
    if name in __all__:
        from . import writers
        return getattr(writers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
