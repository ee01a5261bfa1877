"""Which template row a document row names: its label against the template's cue words.

Labels are compared after :func:`norm_label` (NFKC, no quotation marks, no
whitespace). A cue contained in the label matches; short labels ("规章",
"3.其他") must end the label; a damaged label (OCR noise, "菩 部分公开")
matches a long cue through rapidfuzz's ``partial_ratio``, a short one when it
ends the label but for one character ("予以公幵") and no other cue fits so. The
longest cue that matches wins, so "2.其他法律行政法规禁止公开" is never taken for "3.其他".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from analyzer.ingest.normalize import compact, drop_quotes, nfkc
from analyzer.tables import schema
from analyzer.tables.schema import Row as Spec
from analyzer.tables.textread import TableRow

FUZZY_MIN = 82  # partial_ratio a damaged label must reach ("菩 部分公开" still reads)


def norm_label(s: str) -> str:
    """A label as compared with the template's cues: NFKC, no quotation marks, no whitespace."""
    return compact(drop_quotes(nfkc(s)))


@lru_cache(maxsize=None)
def _norm_cue(cue: str) -> str:
    """A template cue, normalised once per process (every label is tried against every cue)."""
    return norm_label(cue)


@dataclass
class Match:
    """A template row a label names: its index among the specs, the match score and the length of the cue that matched."""

    spec_index: int
    score: float
    cue_len: int


def match_label(label_parts: list[str], specs: tuple[Spec, ...], running_text: bool) -> Match | None:
    """The template row a label names, reading its last part first (the most specific)."""
    parts = [p for p in label_parts if p and p.strip()]
    if not parts:
        return None
    m = _best(norm_label(parts[-1]), specs, running_text)
    if m or len(parts) == 1:
        return m
    # A label split over cells ("（三）不予公" / "开"): the joined words, exact cues only.
    return _best(norm_label("".join(parts)), specs, running_text, fuzzy=False)


def _best(label: str, specs: tuple[Spec, ...], running_text: bool, fuzzy: bool = True) -> Match | None:
    if not label:
        return None
    best: Match | None = None
    unnumbered = re.sub(r"^[\d.、()一二三四五六七八九十]+", "", label)
    for i, spec in enumerate(specs):
        for cue in spec.cues:
            c = _norm_cue(cue)
            score = 0.0
            if spec.exact:
                # Short labels must end the label ("规章", "3.其他"); on a grid the
                # label must be little more than the cue, so prose never matches.
                stripped = unnumbered if not c[0].isdigit() else label
                if label.endswith(c) and (running_text or len(stripped) - len(c) <= 6):
                    score = 100.0
            elif c in label:
                score = 100.0
            elif fuzzy and len(c) >= 5 and len(label) >= len(c) - 1:
                score = fuzz.partial_ratio(c, label)
                if score < FUZZY_MIN:
                    score = 0.0
            if score and (best is None or (score, len(c)) > (best.score, best.cue_len)):
                best = Match(i, score, len(c))
    if best is None and fuzzy:
        best = _one_char_off(label, specs)
    return best


def _one_char_off(label: str, specs: tuple[Spec, ...]) -> Match | None:
    """A short label with one wrong character ("予以公幵", "重夏申请"): the one template cue of 4–5
    characters that the label ends with, but for one character; none when two cues would fit."""
    found: set[int] = set()
    for i, spec in enumerate(specs):
        for cue in spec.cues:
            c = _norm_cue(cue)
            if not 4 <= len(c) <= 5 or c[0].isdigit() or len(label) < len(c):
                continue
            tail = label[-len(c):]
            if sum(a != b for a, b in zip(tail, c)) == 1 and (spec.exact is False or len(label) - len(c) <= 6):
                found.add(i)
    if len(found) != 1:
        return None
    i = found.pop()
    return Match(i, float(FUZZY_MIN), max(len(_norm_cue(c)) for c in specs[i].cues))


def template_by_rows(rows: list[TableRow]) -> str | None:
    """2019 when a single （六）其他处理 row stands without the 2021 template's three sub-rows.

    For reports that use no word of either template (:func:`~analyzer.tables.schema.detect_template`).
    """
    has_other = any(_best(norm_label(r.label), (schema.OTHER_PROCESSING,), False) for r in rows)
    has_sub = any(_best(norm_label(r.label), schema.APPLICATIONS_2021[20:23], False) for r in rows)
    return "2019" if has_other and not has_sub else None
