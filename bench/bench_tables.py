"""Table extraction accuracy and findings, per document and in total.

Runs every document that has expected values: the seeds in every format under
``corpus/`` (expected in ``../shared/corpus-real/expected/seedNNN.json``),
generated documents with expected files in ``tests/data/expected/`` or
``tests/data/tables/``, and the real reports of ``../shared/corpus-real/``.

Prints per document: cell accuracy (correct non-null / expected non-null,
cells listed ``unreadable`` excluded), cells wrongly invented (non-null where
the expected value is null), unreadable cells we returned with a different
value, findings raised versus expected (error and warning rules; info
findings are listed but not counted), and extraction time.

    .venv/bin/python bench/bench_tables.py [--verbose]
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from analyzer import identify  # noqa: E402
from analyzer.ingest import read_document  # noqa: E402
from analyzer.model import ReportMeta  # noqa: E402,F401
from analyzer.sections import split_sections  # noqa: E402
from analyzer.narrative.consistency import check_consistency  # noqa: E402
from analyzer.tables import extract_tables, run_checks  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parent))
from variants import expected_findings  # noqa: E402  (the expected files less the deliberate departures)

REAL = {
    "real0001": "real0001.txt", "real0003": "real0003.txt", "real0005": "real0005.txt", "real0007": "real0007.txt",
    "real0009": "real0009.txt", "real0010": "real0010.txt", "real0011": "real0011.txt", "real0012": "real0012.txt",
    "pdf_hzq2023": "hzq2023_working.pdf", "pdf_hzq2024": "hzq2024_working.pdf", "pdf_szfgs2024": "szfgs2024.pdf",
}


@dataclass
class Case:
    name: str
    path: Path
    expected: dict


@dataclass
class Outcome:
    correct: int = 0
    expected: int = 0
    invented: list[str] = field(default_factory=list)
    wrong: list[tuple[str, object, object]] = field(default_factory=list)
    unreadable_differs: list[str] = field(default_factory=list)
    raised: set[str] = field(default_factory=set)
    wanted: set[str] = field(default_factory=set)
    infos: list[str] = field(default_factory=list)
    seconds: float = 0.0
    read_seconds: float = 0.0
    pages: int | None = None


def cases() -> list[Case]:
    out: list[Case] = []
    exp_dir = SHARED / "corpus-real" / "expected"
    local = [ROOT / "tests" / "data" / "expected", ROOT / "tests" / "data" / "tables"]
    for f in sorted((ROOT / "corpus").glob("*")) + sorted((ROOT / "tests" / "data" / "tables").glob("*")):
        if f.suffix.lower() not in (".txt", ".pdf", ".docx", ".html"):
            continue
        stem = f.stem
        exp = None
        if stem[:3].isdigit() and (exp_dir / f"seed{stem[:3]}.json").is_file():
            exp = exp_dir / f"seed{stem[:3]}.json"
        for d in local:
            if (d / f"{stem}.json").is_file():
                exp = d / f"{stem}.json"
        if exp:
            out.append(Case(f"{stem[:3] if stem[:3].isdigit() and int(stem[:3]) < 900 else stem}-{f.suffix[1:]}", f, json.loads(exp.read_text())))
    for name, fname in REAL.items():
        p = SHARED / "corpus-real" / fname
        e = exp_dir / f"{name}.json"
        if p.is_file() and e.is_file():
            out.append(Case(name, p, json.loads(e.read_text())))
    return out


def meta_for(doc, expected: dict) -> ReportMeta:
    """The identify stage's reading, as the pipeline has it (the expected facts are not used)."""
    return identify.identify(doc)


def run_case(case: Case) -> Outcome:
    out = Outcome()
    t_read = time.perf_counter()
    doc = read_document(case.path)
    out.read_seconds = time.perf_counter() - t_read
    meta = meta_for(doc, case.expected)
    secs = split_sections(doc)
    t0 = time.perf_counter()
    tables = extract_tables(doc, secs, meta)
    out.seconds = time.perf_counter() - t0
    out.pages = max((b.page or 0 for b in doc.blocks), default=0) or None
    findings = run_checks(tables, meta, secs, doc) + check_consistency(tables, secs, doc, meta)
    unreadable = set(case.expected.get("unreadable", []))
    for table, rows in case.expected["tables"].items():
        for row, cols in rows.items():
            for col, want in cols.items():
                key = f"{table}.{row}.{col}"
                got = tables.get(table, row, col)
                if key in unreadable:
                    if got is not None and got != want:
                        out.unreadable_differs.append(key)
                    continue
                if want is None:
                    if got is not None:
                        out.invented.append(key)
                    continue
                out.expected += 1
                if got == want:
                    out.correct += 1
                else:
                    out.wrong.append((key, want, got))
    out.wanted = {f["rule"] for f in expected_findings(case.expected)}
    out.raised = {f.rule for f in findings if f.severity != "info"}
    out.infos = sorted({f.rule for f in findings if f.severity == "info"})
    return out


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    total = Outcome()
    exact = 0
    all_cases = cases()
    print(f"{'document':<28}{'cells':>12}{'acc':>8}{'invented':>9}{'extract ms':>11}{'read ms':>9}  findings (raised vs expected)")
    for case in all_cases:
        o = run_case(case)
        total.correct += o.correct
        total.expected += o.expected
        total.invented += o.invented
        total.unreadable_differs += o.unreadable_differs
        acc = o.correct / o.expected if o.expected else 1.0
        same = o.raised == o.wanted
        exact += same
        missing = sorted(o.wanted - o.raised)
        extra = sorted(o.raised - o.wanted)
        status = "ok" if same else f"missing {missing} extra {extra}"
        pages = f" ({o.pages}p)" if o.pages else ""
        print(f"{case.name:<28}{o.correct:>5}/{o.expected:<6}{acc:>8.1%}{len(o.invented):>9}{o.seconds * 1000:>11.1f}{o.read_seconds * 1000:>9.0f}  "
              f"{sorted(o.raised) or '-'} {status}{pages}")
        if verbose:
            for w in o.wrong[:20]:
                print("      wrong:", w)
            for k in o.invented[:20]:
                print("      invented:", k)
            if o.infos:
                print("      info:", o.infos)
    acc = total.correct / total.expected if total.expected else 1.0
    print(f"{'TOTAL':<28}{total.correct:>5}/{total.expected:<6}{acc:>8.1%}{len(total.invented):>9}"
          f"                     findings exact on {exact}/{len(all_cases)} documents;"
          f" unreadable cells returned with another value: {len(total.unreadable_differs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
