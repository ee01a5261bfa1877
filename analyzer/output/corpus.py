"""Corpus study: how disclosure is practised across a run, and its boilerplate.

``write_corpus_study(run, out_dir)`` writes

- ``stats_by_year_level.csv``: per report year and administrative level, the
  number of reports, mean score, median applications received, median
  实质公开率 and 复议纠错率;
- ``findings_by_year_level.csv``: for each rule, how many reports of the
  group have it (share of reports, not count of findings);
- ``problem_categories.csv``: section 五's admitted problems per category;
- ``boilerplate_clusters.csv``: statements repeated across agencies,
  clustered as near-duplicates (``analyzer.narrative.boilerplate``: Jaccard
  of character 3-grams, numbers masked; MinHash LSH for large runs), with the
  number of agencies that use each;
- ``corpus.html``: the same as tables and inline SVG charts (self-contained).
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path

from analyzer.labels import LEVEL_LABELS as LEVEL_CN
from analyzer.model import ReportResult
from analyzer.narrative import neardup
from analyzer.output.ranking import correction_rate, disclosure_rate
from analyzer.output.site import CATEGORY_CN, CSS, bars_svg
from analyzer.rules import label as rule_label

LEVEL_ORDER = ["national", "province", "city", "county", "township", None]

# Clusters of statements shared by agencies.
MIN_CHARS = 12  # shorter statements ("一、总体情况") are headings, not boilerplate
MIN_AGENCIES = 2
MAX_CLUSTERS = 100

_PUNCT = re.compile(r"[\s，。、；：:;,.!?！？“”\"'‘’（）()《》〈〉【】\[\]—…·-]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+是|[（(]?[一二三四五六七八九十\d]+[)）、.．]|第[一二三四五六七八九十]+)")


def normalize_statement(text: str) -> str:
    """The comparable core of a statement: enumeration, numbers and punctuation removed.

    >>> normalize_statement("一是公开内容还不够全面，2021年仅公开3条。")
    '公开内容还不够全面#年仅公开#条'
    """
    t = _ENUM.sub("", text.strip())
    t = _DIGITS.sub("#", t)
    return _PUNCT.sub("", t)


@dataclass(frozen=True)
class Cluster:
    text: str  # the most common wording (as written)
    agencies: int  # distinct agencies (or reports when the agency is unknown)
    statements: int
    sources: tuple[str, ...]  # one report per agency using it (at most 5), sorted


def _statements(result: ReportResult) -> list[str]:
    if result.narrative is not None and result.narrative.statements:
        return [s.text for s in result.narrative.statements]
    out: list[str] = []
    for key in ("overview", "problems"):
        sec = result.sections.get(key)
        if sec is not None:
            out.extend(p for p in re.split(r"[。；\n]", sec.text) if p.strip())
    return out


def cluster_statements(results: list[ReportResult], limit: int = MAX_CLUSTERS) -> list[Cluster]:
    """Statements repeated by at least two agencies, as near-duplicate clusters, most widespread first."""
    # Exact duplicates after normalisation first: most boilerplate is verbatim, and
    # it shrinks the near-duplicate search to the distinct wordings.
    owners: dict[str, set[str]] = defaultdict(set)
    wordings: dict[str, Counter[str]] = defaultdict(Counter)
    sources: dict[str, dict[str, str]] = defaultdict(dict)  # wording -> agency -> first report
    for r in sorted(results, key=lambda r: r.source):
        who = r.meta.agency or r.source
        for text in _statements(r):
            norm = normalize_statement(text)
            if len(norm) < MIN_CHARS:
                continue
            owners[norm].add(who)
            wordings[norm][text.strip()] += 1
            sources[norm].setdefault(who, r.source)
    keys = sorted(owners)
    if not keys:
        return []
    clusters = []
    # Each distinct wording is its own item, so near-duplicates are found by
    # the narrative stage's one definition (analyzer.narrative.neardup).
    for members in neardup.clusters(keys):
        who: set[str] = set()
        words: Counter[str] = Counter()
        srcs: dict[str, str] = {}
        for i in members:
            who |= owners[keys[i]]
            words.update(wordings[keys[i]])
            for agency, src in sources[keys[i]].items():
                srcs[agency] = min(src, srcs.get(agency, src))
        if len(who) < MIN_AGENCIES:
            continue
        text = sorted(words.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        # One example report per agency, so the examples show the spread.
        clusters.append(Cluster(text, len(who), sum(words.values()), tuple(sorted(srcs.values()))[:5]))
    clusters.sort(key=lambda c: (-c.agencies, -c.statements, c.text))
    return clusters[:limit]


# ---------------------------------------------------------------- statistics


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _group_key(r: ReportResult) -> tuple[int | None, str | None]:
    return (r.meta.year, r.meta.level)


def _sorted_groups(results: list[ReportResult]) -> list[tuple[tuple[int | None, str | None], list[ReportResult]]]:
    groups: dict[tuple[int | None, str | None], list[ReportResult]] = defaultdict(list)
    for r in results:
        groups[_group_key(r)].append(r)
    return sorted(groups.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or 0, LEVEL_ORDER.index(kv[0][1]) if kv[0][1] in LEVEL_ORDER else 99))


def _fmt(x: float | None, digits: int = 4) -> str:
    if x is None:
        return ""
    return f"{round(x, digits):g}"


def stats_rows(results: list[ReportResult]) -> list[list[str]]:
    """stats_by_year_level.csv: counts, mean score and median rates per year and level (header row first)."""
    rows = [["年度", "层级", "报告数", "平均得分", "申请数中位数", "实质公开率中位数", "有实质公开率的报告数", "复议纠错率中位数", "有复议纠错率的报告数"]]
    for (year, level), group in [((None, "全部"), results)] + _sorted_groups(results):
        apps = [r.tables.get("applications", "new_received", "total") for r in group if r.tables]
        apps = [a for a in apps if a is not None]
        dr = [v for v in (disclosure_rate(r) for r in group) if v is not None]
        cr = [v for v in (correction_rate(r) for r in group) if v is not None]
        scores = [r.score.total for r in group if r.score]
        rows.append([
            "全部" if level == "全部" else ("" if year is None else str(year)),
            "全部" if level == "全部" else LEVEL_CN.get(level, str(level)),
            str(len(group)),
            _fmt(statistics.fmean(scores), 2) if scores else "",
            _fmt(_median(apps), 1),
            _fmt(_median(dr)), str(len(dr)),
            _fmt(_median(cr)), str(len(cr)),
        ])
    return rows


def findings_rows(results: list[ReportResult]) -> list[list[str]]:
    """findings_by_year_level.csv: per rule, how many reports of each group have it (header row first)."""
    rows = [["年度", "层级", "问题", "规则", "报告数", "有该问题的报告数", "占比"]]
    for (year, level), group in [((None, "全部"), results)] + _sorted_groups(results):
        have: Counter[str] = Counter()
        for r in group:
            have.update({f.rule for f in r.findings})
        for rule, n in sorted(have.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append([
                "全部" if level == "全部" else ("" if year is None else str(year)),
                "全部" if level == "全部" else LEVEL_CN.get(level, str(level)),
                rule_label(rule), rule, str(len(group)), str(n), _fmt(n / len(group)),
            ])
    return rows


def category_rows(results: list[ReportResult]) -> list[list[str]]:
    """problem_categories.csv: section 五's admitted problems per category (header row first)."""
    rows = [["年度", "层级", "问题类别", "问题条数", "涉及报告数"]]
    for (year, level), group in [((None, "全部"), results)] + _sorted_groups(results):
        count: Counter[str] = Counter()
        reports: Counter[str] = Counter()
        for r in group:
            cats = [s.category or "other" for s in (r.narrative.statements if r.narrative else ()) if s.kind == "problem"]
            count.update(cats)
            reports.update(set(cats))
        for cat, n in sorted(count.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append([
                "全部" if level == "全部" else ("" if year is None else str(year)),
                "全部" if level == "全部" else LEVEL_CN.get(level, str(level)),
                CATEGORY_CN.get(cat, cat), str(n), str(reports[cat]),
            ])
    return rows


def cluster_rows(clusters: list[Cluster]) -> list[list[str]]:
    """boilerplate_clusters.csv: the clusters, most widespread first (header row first)."""
    rows = [["序号", "使用该表述的机关数", "句数", "代表表述", "示例报告"]]
    for i, c in enumerate(clusters, 1):
        rows.append([str(i), str(c.agencies), str(c.statements), c.text, "；".join(c.sources)])
    return rows


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _html_table(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _as_percent(rows: list[list[str]], columns: tuple[str, ...]) -> list[list[str]]:
    """The same table with the named rate columns shown as percentages (the CSV keeps decimals)."""
    idx = [rows[0].index(c) for c in columns if c in rows[0]]
    out = [rows[0]]
    for row in rows[1:]:
        row = list(row)
        for i in idx:
            if row[i]:
                row[i] = f"{float(row[i]):.1%}"
        out.append(row)
    return out


def render_corpus_html(results: list[ReportResult], clusters: list[Cluster], failures: int) -> str:
    """corpus.html: the same tables with inline SVG charts, self-contained."""
    years = Counter(r.meta.year for r in results)
    per_year = [(f"{y}年" if y else "未识别", n, "bar") for y, n in sorted(years.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]
    levels = Counter(r.meta.level for r in results)
    per_level = [(LEVEL_CN.get(lv, str(lv)), levels[lv], "bar") for lv in LEVEL_ORDER if levels.get(lv)]
    have: Counter[str] = Counter()
    for r in results:
        have.update({f.rule for f in r.findings})
    share = [(rule_label(rule), n, "bar-warn") for rule, n in sorted(have.items(), key=lambda kv: (-kv[1], kv[0]))]
    cats: Counter[str] = Counter()
    for r in results:
        if r.narrative:
            cats.update(s.category or "other" for s in r.narrative.statements if s.kind == "problem")
    cat_items = [(CATEGORY_CN.get(c, c), n, "bar") for c, n in sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>年度报告语料研究</title>',
        f"<style>{CSS}</style></head><body><main>",
        "<h1>政府信息公开工作年度报告语料研究</h1>",
        f'<p class="meta">报告{len(results)}份，无法读取{failures}份。比率为中位数；“有该问题的报告数”按报告计，不按问题条数计。</p>',
        '<div class="charts">',
        f'<div class="chart"><h3>各年度报告数</h3>{bars_svg(per_year)}</div>',
        f'<div class="chart"><h3>各层级报告数</h3>{bars_svg(per_level)}</div>',
        f'<div class="chart"><h3>有各类问题的报告数</h3>{bars_svg(share)}</div>',
        f'<div class="chart"><h3>第五部分所列问题的类别</h3>{bars_svg(cat_items)}</div>',
        "</div>",
        "<h2>分年度、分层级统计</h2>",
        _html_table(_as_percent(stats_rows(results), ("实质公开率中位数", "复议纠错率中位数"))),
        "<h2>各类问题的报告占比</h2>",
        _html_table(_as_percent([row[:3] + row[4:] for row in findings_rows(results)], ("占比",))),
        "<h2>存在问题的类别</h2>",
        _html_table(category_rows(results)),
        f"<h2>跨机关重复的表述（{MIN_AGENCIES}个及以上机关使用，近似重复合并）</h2>",
        _html_table(cluster_rows(clusters)) if clusters else '<p class="note">未发现跨机关重复的表述。</p>',
        "</main></body></html>\n",
    ]
    return "\n".join(parts)


def write_corpus_study(run, out_dir: Path) -> str:
    """Write the statistics, charts and boilerplate clusters of a run; return what was written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = sorted(run.results, key=lambda r: r.source)
    clusters = cluster_statements(results)
    files = {
        "stats_by_year_level.csv": _csv(stats_rows(results)),
        "findings_by_year_level.csv": _csv(findings_rows(results)),
        "problem_categories.csv": _csv(category_rows(results)),
        "boilerplate_clusters.csv": _csv(cluster_rows(clusters)),
        "corpus.html": render_corpus_html(results, clusters, len(run.failures)),
    }
    for name, text in files.items():
        # BOM on CSV so that Excel opens the Chinese headers correctly.
        (out / name).write_text(text, encoding="utf-8-sig" if name.endswith(".csv") else "utf-8")
    return f"{len(results)}份报告的统计、{len(clusters)}组跨机关重复表述；文件：{'、'.join(files)}"
