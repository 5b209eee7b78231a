"""The grader that runs here, packed as a wheel, for an autograder image to
install with pip (its dependencies come from the package registry).

The wheel is made from the installed distribution's metadata (name, version,
Python and package requirements, entry points) and the `grader` package's
own files, so it is the same whether the grader was installed from a wheel
or from a checkout with `pip install -e .`, and no build tool is needed.
The format: a zip holding the package and a `<name>-<version>.dist-info`
folder with METADATA, WHEEL, entry_points.txt and RECORD (every file's
SHA-256 and size)."""
from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from importlib import metadata
from pathlib import Path

from ..cases.discover import UsageError

DISTRIBUTION = "backprop-grader"
PACKAGE = Path(__file__).resolve().parents[1]     # the `grader` package
SKIPPED = {"__pycache__"}
EPOCH = (1980, 1, 1, 0, 0, 0)                      # fixed times: the same files give the same wheel


def grader_wheel() -> tuple[str, bytes]:
    """(file name, bytes) of a wheel of the running grader."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise UsageError(f"the grader is not installed as the package {DISTRIBUTION}, so it cannot be packed for "
                         "the autograder: install it (pip install -e . from its folder) and run this again") from None
    stem = f"{re.sub(r'[-_.]+', '_', dist.metadata['Name']).lower()}-{dist.version}"
    info = f"{stem}.dist-info"
    files = {f"{PACKAGE.name}/{p.relative_to(PACKAGE).as_posix()}": p.read_bytes() for p in _package_files()}
    files[f"{info}/METADATA"] = _metadata(dist).encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: backprop-grader\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/entry_points.txt"] = _entry_points(dist).encode()
    files[f"{info}/RECORD"] = _record(files, f"{info}/RECORD").encode()
    return f"{stem}-py3-none-any.whl", zip_files(files)


def _package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and not SKIPPED & set(p.relative_to(PACKAGE).parts))


def _metadata(dist: metadata.Distribution) -> str:
    """Core metadata: what pip needs to install it and its dependencies
    (requirements of optional extras are left out)."""
    lines = ["Metadata-Version: 2.1", f"Name: {dist.metadata['Name']}", f"Version: {dist.version}"]
    for field in ("Summary", "License", "Requires-Python"):
        if dist.metadata.get(field):
            lines.append(f"{field}: {dist.metadata[field]}")
    lines += [f"Requires-Dist: {r}" for r in dist.requires or [] if not re.search(r"\bextra\s*==", r)]
    return "\n".join(lines) + "\n"


def _entry_points(dist: metadata.Distribution) -> str:
    groups: dict[str, list[str]] = {}
    for e in dist.entry_points:
        groups.setdefault(e.group, []).append(f"{e.name} = {e.value}")
    return "".join(f"[{group}]\n" + "\n".join(sorted(lines)) + "\n\n" for group, lines in sorted(groups.items()))


def _record(files: dict[str, bytes], record: str) -> str:
    def digest(data: bytes) -> str:
        return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "".join(f"{name},sha256={digest(data)},{len(data)}\n" for name, data in files.items()) + f"{record},,\n"


def zip_files(files: dict[str, bytes], executable: frozenset[str] = frozenset()) -> bytes:
    """A zip of the files in the given order, with fixed times and the usual
    permissions (0755 for the `executable` ones, 0644 for the others)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, EPOCH)
            entry.external_attr = (0o100755 if name in executable else 0o100644) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, data)
    return buffer.getvalue()
