"""Text against the tables on sentences inserted into real reports: what narrative.table_mismatch says.

Each line of ``bench/text_table_sentences.tsv`` puts one sentence at the head of 总体情况 of a base report
(real0001 on the 2019 template, real0009 a province-level 委, real0011 a government's 办公厅, seed 000 a township,
seed 001 a district government's office), analyses it and lists the narrative.table_mismatch findings the
base report does not have. A true sentence (T) and a near one (N: another period, scope, subset, a goal…) must
raise nothing; a false one (F) must raise the finding. Prints each line and the counts per kind:
{kind: [as expected, not]}.

    .venv/bin/python bench/bench_text_tables.py [--misses]
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "corpus-real"
BASES = {
    "r1": REAL / "real0001.txt", "r9": REAL / "real0009.txt", "r11": REAL / "real0011.txt",
    "s0": ROOT / "corpus" / "000_d1513ee4e846cccb.txt", "s1": ROOT / "corpus" / "001_dc17ca86c1b8bf45.txt",
}


def mismatches(path: Path) -> set[str]:
    from analyzer.pipeline import analyze_file

    return {f.message for f in analyze_file(path).findings if f.rule == "narrative.table_mismatch"}


def with_sentence(text: str, sentence: str) -> str:
    """The report with the sentence first under 一、总体情况 (its own line, an HTML paragraph, or run in)."""
    m = re.search(r"一、\s*总体情况(</p>|[^\n]{0,10}\n)?", text)
    if m is None:
        raise SystemExit("no 一、总体情况 heading")
    ins = f"<p>{sentence}</p>" if m.group(1) == "</p>" else (sentence + "\n" if m.group(1) else sentence)
    return text[: m.end()] + ins + text[m.end() :]


def main() -> None:
    misses_only = "--misses" in sys.argv
    missing = [b for b, p in BASES.items() if not p.is_file()]
    if missing:
        raise SystemExit(f"base reports absent: {', '.join(missing)}")
    known = {b: mismatches(p) for b, p in BASES.items()}
    lines = (ROOT / "bench" / "text_table_sentences.tsv").read_text(encoding="utf-8").splitlines()
    counts: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            kind, base, sentence = line.split("\t")
            path = Path(tmp) / BASES[base].name
            path.write_text(with_sentence(BASES[base].read_text(encoding="utf-8"), sentence), encoding="utf-8")
            got = sorted(mismatches(path) - known[base])
            ok = bool(got) == (kind == "F")
            counts.setdefault(kind, [0, 0])[0 if ok else 1] += 1
            if not (ok and misses_only):
                print(("ok  " if ok else "BAD ") + f"{kind} {base} {sentence}" + ("  => " + " | ".join(got) if got else ""))
    print(counts)


if __name__ == "__main__":
    main()
