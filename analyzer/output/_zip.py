"""Zip containers (DOCX, XLSX) with fixed timestamps: the same content gives the same bytes."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

FIXED_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)  # DOCX/XLSX core properties: same bytes on every run
FIXED_STAMP = b"2000-01-01T00:00:00Z"
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)([^<]*)(</dcterms:(?:created|modified)>)")


def write_frozen_zip(data: bytes, path: Path) -> None:
    """Write the zip container ``data`` to ``path`` with fixed timestamps (entries and core properties)."""
    write_entries(frozen_entries(data), path)


def frozen_entries(data: bytes) -> list[tuple[str, bytes]]:
    """The entries of the zip container ``data``, in order, the core properties' times fixed."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    # openpyxl stamps the save time into the core properties whatever we set.
    return [
        (name, _CORE_TIMES.sub(rb"\g<1>" + FIXED_STAMP + rb"\g<3>", content) if name == "docProps/core.xml" else content)
        for name, content in entries
    ]


def write_entries(entries: list[tuple[str, bytes]], path: Path) -> None:
    """A zip container of these entries, in this order, each with the same fixed timestamp."""
    with zipfile.ZipFile(path, "w") as zout:
        for name, content in entries:
            fixed = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, content, compresslevel=1)  # fast: these files are small and written by the hundred
