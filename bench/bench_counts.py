"""Which reader of counts should feed the text-vs-table check: the claims regex or the spaCy Matcher?

Issue 14 asked for counts with units (…件、…条、…次、…%) as a spaCy ``Matcher``
feeding the text-vs-table check, measured against today's reader, keeping
what measures better. The check compares only counts of the units the tables
count in (``claims.UNITS``: 件条宗起个份项). This bench reads the 总体情况 of
every visible report (corpus/ and ../shared/corpus-real, all formats) both ways
and prints, for those units: the counts both readers find, the counts only one
finds (with examples, to be judged by eye), and what each costs per report
(the Matcher's pipeline loaded once, as a batch worker would).

    .venv/bin/python bench/bench_counts.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "corpus-real"


def overview_texts() -> list[tuple[str, str]]:
    from analyzer.config import resolve
    from analyzer.pipeline import analyze_file

    files = sorted(p for p in (ROOT / "corpus").iterdir() if p.is_file())
    if REAL.is_dir():
        files += sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".pdf"))
    out = []
    for f in files:
        result = analyze_file(f, resolve(None))
        section = result.sections.get("overview") if isinstance(result.sections, dict) else None
        text = getattr(section, "text", "") if section else ""
        if text:
            out.append((f.name, text))
    return out


def regex_counts(text: str) -> set[tuple[int, int, str]]:
    """(start, value, unit) of every count the claims reader sees."""
    from analyzer.ingest.normalize import nfkc
    from analyzer.narrative.claims import _NUMBER

    text = nfkc(text)
    return {(m.start(), int(m.group(1).replace(",", "")), m.group(3)) for m in _NUMBER.finditer(text)}


def matcher_counts(text: str) -> set[tuple[int, int, str]]:
    from analyzer.ingest.normalize import nfkc
    from analyzer.narrative.claims import UNITS
    from analyzer.narrative.nlp import find_counts

    text = nfkc(text)
    return {(c.start, int(c.value), c.unit) for c in find_counts(text) if c.unit in UNITS and c.value == int(c.value)}


def main() -> int:
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    texts = overview_texts()
    t0 = time.perf_counter()
    import spacy  # noqa: F401 - what the Matcher adds to a process that does not load spaCy today

    from analyzer.narrative.nlp import find_counts

    find_counts("共收到申请5件")
    load = time.perf_counter() - t0
    both = only_regex = only_matcher = 0
    examples: list[str] = []
    t_regex = t_matcher = 0.0
    for name, text in texts:
        t = time.perf_counter()
        a = regex_counts(text)
        t_regex += time.perf_counter() - t
        t = time.perf_counter()
        b = matcher_counts(text)
        t_matcher += time.perf_counter() - t
        # The same count may start one character apart (a leading "余" or a comma): match by value and unit nearby.
        matched_b = set()
        for s, v, u in sorted(a):
            near = next((x for x in b if x not in matched_b and x[1] == v and x[2] == u and abs(x[0] - s) <= 3), None)
            if near:
                matched_b.add(near)
                both += 1
            else:
                only_regex += 1
                examples.append(f"  only regex   {name}: …{text[max(0, s - 12):s + 8]}…")
        for s, v, u in sorted(b - matched_b):
            only_matcher += 1
            examples.append(f"  only Matcher {name}: …{text[max(0, s - 12):s + 8]}…")
    n = len(texts)
    print(f"{n} reports' 总体情况, counts in 件条宗起个份项: both {both}, only the regex {only_regex}, only the Matcher {only_matcher}")
    for line in examples[:30]:
        print(line.replace("\n", " "))
    print(f"regex: {t_regex / n * 1000:.2f} ms a report; Matcher: {t_matcher / n * 1000:.2f} ms a report"
          f" and {load:.2f} s to import spaCy and build its pipeline once per process")
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
