"""File names of the reports of a run (one id per report, the same in every output), and names fit to show."""

from __future__ import annotations

import re
from pathlib import Path

from analyzer.model import ReportResult


def _safe(name: str) -> str:
    return re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", name) or "report"


def report_ids(results: list[ReportResult]) -> dict[str, str]:
    """A file-name-safe id per report (source → id): the file stem, or the whole file name
    when several files share a stem (the same report in several formats)."""
    stems: dict[str, int] = {}
    for r in results:
        stem = _safe(Path(r.source).stem)
        stems[stem] = stems.get(stem, 0) + 1
    ids: dict[str, str] = {}
    used: set[str] = set()
    for r in sorted(results, key=lambda r: r.source):
        stem = _safe(Path(r.source).stem)
        rid = stem if stems[stem] == 1 else _safe(Path(r.source).name)
        base, n = rid, 2
        while rid in used:  # same file name in two folders
            rid = f"{base}-{n}"
            n += 1
        used.add(rid)
        ids[r.source] = rid
    return ids


_SENTENCE_MARKS = re.compile(r"[《》，。；：、]|^(?:根据|依据|按照|本报告)")


def plausible_name(text: str, longest: int) -> bool:
    """Whether a title or an agency name read from a report looks like one (not a sentence taken for it)."""
    text = text.strip()
    return bool(text) and len(text) <= longest and not _SENTENCE_MARKS.search(text)
