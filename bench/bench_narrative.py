"""Narrative throughput on a corpus made by varying the real reports (kept in memory, never written).

    .venv/bin/python bench/bench_narrative.py [--reports 1000] [--seed 0]

Each synthetic report takes 总体情况, 五 and 六 from the seeds and the real
reports of ../shared/corpus-real (as split by analyzer.sections), shuffles
the paragraphs within each section, mixes sections of different reports,
and substitutes the agency, the year and the figures. One in five reports
gets a "previous year" twin that copies most of it, so the run-level
carry-over check has work to do. Prints model load time, reports/s and
characters/s for the per-report stage and for the run-level stage, and the
process's peak memory.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analyzer.ingest import read_document  # noqa: E402
from analyzer.model import Block, ReportMeta, ReportResult, Section  # noqa: E402
from analyzer.sections import split_sections  # noqa: E402

KEYS = ("overview", "problems", "other")
PLACES = ["东城", "西岭", "南湖", "北塘", "青石", "白沙", "云溪", "金川", "桃源", "松岗", "梅林", "柳河"]
KINDS = ["区人民政府", "县人民政府", "镇人民政府", "市发展和改革委员会", "县教育局", "区卫生健康委员会"]


def source_sections() -> list[dict[str, list[str]]]:
    """Paragraphs of the narrative sections of every seed and real text report available."""
    files = sorted((REPO / "corpus").glob("*.txt")) + sorted((REPO.parent / "shared" / "corpus-real").glob("real*.txt"))
    out = []
    for f in files:
        secs = split_sections(read_document(f))
        paras = {k: [b.text for b in secs[k].blocks if b.kind != "table" and b.text.strip()] for k in KEYS if k in secs}
        if "overview" in paras and "problems" in paras:
            out.append(paras)
    return out


def vary(paras: list[str], rng: random.Random, agency: str, year: int) -> list[str]:
    paras = paras[:]
    head, rest = paras[:1], paras[1:]
    rng.shuffle(rest)
    out = []
    for p in head + rest:
        p = re.sub(r"(?:19|20)\d{2}(?=\s*年)", lambda m: str(year + (int(m.group(0)) - 2021 if abs(int(m.group(0)) - 2021) <= 1 else 0)), p)
        p = re.sub(r"(?<![\d.])\d{1,4}(?=\s*[条件篇次个人家项])", lambda m: str(max(0, int(m.group(0)) + rng.randint(-3, 30))), p)
        p = re.sub(r"我(镇|区|县|市|局)", lambda m: "我" + agency[-1] if agency[-1] in "区县镇市局" else m.group(0), p)
        out.append(p)
    return out


def make_corpus(n: int, seed: int) -> tuple[list[tuple[dict[str, Section], ReportMeta]], list[tuple[int, int]]]:
    rng = random.Random(seed)
    pool = source_sections()
    reports, twins = [], []
    while len(reports) < n:
        agency = rng.choice(PLACES) + rng.choice(KINDS) + str(len(reports))
        year = rng.choice([2021, 2022, 2023, 2024, 2025])
        pick = {k: rng.choice([p for p in pool if k in p]) for k in KEYS}
        texts = {k: vary(pick[k][k], rng, agency, year) for k in KEYS}
        reports.append((texts, agency, year))
        if rng.random() < 0.2 and len(reports) < n:
            prev = {k: [p if rng.random() < 0.8 else rng.choice(rng.choice(pool)["overview"]) for p in v] for k, v in texts.items()}
            reports.append((prev, agency, year - 1))
            twins.append((len(reports) - 2, len(reports) - 1))
    built = []
    titles = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况", "other": "六、其他需要报告的事项"}
    for texts, agency, year in reports:
        secs = {k: Section(k, titles[k], (Block("heading", titles[k]),) + tuple(Block("paragraph", p) for p in texts[k])) for k in KEYS}
        meta = ReportMeta(f"{agency}{year}年政府信息公开工作年度报告", agency, "county", year, "2021")
        built.append((secs, meta))
    return built, twins


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reader", choices=("spacy", "segmenter"), default=None, help="how statements are read (default: the analyzer's)")
    args = ap.parse_args()
    if args.reader:
        from analyzer.narrative import analyze

        analyze.READER = args.reader

    t0 = time.perf_counter()
    from analyzer.narrative import analyze_narrative, cross_report
    from analyzer.narrative.classify import get_model

    get_model()
    load_s = time.perf_counter() - t0

    corpus, twins = make_corpus(args.reports, args.seed)
    chars = sum(len(s.text) for secs, _ in corpus for k, s in secs.items() if k in ("overview", "problems"))

    t1 = time.perf_counter()
    results = []
    n_findings = 0
    for i, (secs, meta) in enumerate(corpus):
        narrative, findings = analyze_narrative(secs, meta, None)
        n_findings += len(findings)
        results.append(ReportResult(source=f"synthetic/{i:05d}.txt", format="txt", meta=meta, sections=secs, narrative=narrative))
    per_report_s = time.perf_counter() - t1
    statements = sum(len(r.narrative.statements) for r in results)

    previous = {results[cur].source: results[prev] for cur, prev in twins}
    t2 = time.perf_counter()
    cross = cross_report(results, previous)
    cross_s = time.perf_counter() - t2
    copied = sum(1 for _, f in cross.values() for x in f if x.rule == "narrative.copied")
    boiler = sum(1 for n, _ in cross.values() for s in n.statements if s.boilerplate)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reports: {len(results)} (made from {len(source_sections())} real/seed reports), {statements} statements, {chars:,} narrative characters")
    print(f"model load (first use, incl. imports): {load_s:.2f} s")
    print(f"per-report stage (analyze_narrative): {per_report_s:.1f} s → {len(results) / per_report_s:.1f} reports/s, {chars / per_report_s:,.0f} chars/s; {n_findings} findings")
    print(f"run-level stage (cross_report, {'MinHash LSH' if statements > 5000 else 'exact'}): {cross_s:.1f} s → {len(results) / cross_s:.1f} reports/s; "
          f"{len(cross)} reports changed, {boiler} boilerplate statements, {copied} narrative.copied of {len(twins)} planted twins")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
