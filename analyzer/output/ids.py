"""File names of the reports of a run (one id per report, the same in every output), and names fit to show."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from analyzer.model import ReportResult


def _safe(name: str) -> str:
    return re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", name) or "report"


def report_ids(results: list[ReportResult]) -> dict[str, str]:
    """A file-name-safe id per report (source → id): the file stem, or the whole file name
    when several files share a stem (the same report in several formats)."""
    stems: dict[str, int] = {}
    for r in results:
        stem = stem_id(r.source)
        stems[stem] = stems.get(stem, 0) + 1
    sources = sorted(r.source for r in results)
    return dict(unique_ids((s, name_id(s) if stems[stem_id(s)] > 1 else stem_id(s)) for s in sources))


def stem_id(source: str) -> str:
    """A report's id when no other file of the run has its stem."""
    return _safe(Path(source).stem)


def name_id(source: str) -> str:
    """A report's id when another file of the run has its stem: the whole file name."""
    return _safe(Path(source).name)


SUFFIXED = r"-[0-9]+$"  # what unique_ids appends: only an id matching this can meet a suffixed one


def unique_ids(bases: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(source, id) for (source, stem or name id) in source order: an id taken already gets -2, -3, …
    (the same file name in two folders)."""
    used: set[str] = set()
    for source, rid in bases:
        base, n = rid, 2
        while rid in used:
            rid = f"{base}-{n}"
            n += 1
        used.add(rid)
        yield source, rid


_SENTENCE_MARKS = re.compile(r"[《》，。；：、]|^(?:根据|依据|按照|本报告)")


def plausible_name(text: str, longest: int) -> bool:
    """Whether a title or an agency name read from a report looks like one (not a sentence taken for it)."""
    text = text.strip()
    return bool(text) and len(text) <= longest and not _SENTENCE_MARKS.search(text)
