"""Progress of a batch on stderr: a live bar (count, rate, time left) on a
terminal; one plain line per submission in CI and when stderr is not a
terminal; nothing with --quiet. A dozen lines of our own do what a
progress-bar library would, without a dependency."""
from __future__ import annotations

import os
import sys
import time

from ..names import for_log


def choose_mode(quiet: bool, stream=None) -> str:
    stream = stream or sys.stderr
    if quiet:
        return "quiet"
    tty = getattr(stream, "isatty", lambda: False)()
    if not tty or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return "lines"
    return "bar"


class Progress:
    def __init__(self, label: str, total: int, mode: str = "lines", stream=None):
        self.label, self.total, self.mode = label, total, mode
        self.stream = stream or sys.stderr
        self.done = self.reused = 0
        self.start = time.monotonic()
        self.drawn = 0.0

    def saved(self, student: str, score: float, max_score: float) -> None:
        """A stored result is still up to date: not graded again."""
        self.done += 1
        self.reused += 1
        self._line(f"{self.label}/{student}: {score:g}/{max_score:g} (saved result, unchanged)")

    def graded(self, student: str, score: float, max_score: float, seconds: float) -> None:
        self.done += 1
        self._line(f"{self.label}/{student}: {score:g}/{max_score:g} in {seconds:.1f} s")

    def _line(self, text: str) -> None:
        if self.mode == "lines":  # a student's name is in it: escaped for the log
            print(f"[{self.done}/{self.total}] {for_log(text)}", file=self.stream, flush=True)
        elif self.mode == "bar":
            now = time.monotonic()
            if now - self.drawn >= 0.1 or self.done == self.total:
                self.drawn = now
                self.stream.write("\r" + self.bar(now) + "\x1b[K")
                self.stream.flush()

    def bar(self, now: float, width: int = 28) -> str:
        filled = int(width * self.done / self.total) if self.total else width
        graded = self.done - self.reused
        elapsed = max(now - self.start, 1e-9)
        rate = graded / elapsed
        left = self.total - self.done
        eta = f"{_clock(left / rate)} left" if rate > 0 and left else ("done" if not left else "")
        saved = f", {self.reused} saved" if self.reused else ""
        return (f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}{saved}"
                f"  {rate:.1f}/s  {eta}")

    def close(self) -> None:
        """End the bar's line, and say what was graded and what was reused."""
        graded = self.done - self.reused
        elapsed = time.monotonic() - self.start
        if self.mode == "bar":
            self.stream.write("\r" + self.bar(time.monotonic()) + "\x1b[K\n")
        if self.mode != "quiet":
            rate = f" ({graded / elapsed:.1f}/s)" if graded and elapsed > 0 else ""
            print(f"{self.label}: {graded} graded in {elapsed:.1f} s{rate}, {self.reused} saved results reused",
                  file=self.stream, flush=True)


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}:{seconds % 60:02d}"
