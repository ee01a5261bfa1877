"""What the study says, computed from the store with DuckDB: sections of text, tables and charts.

Every figure is computed over the store's views (one row per report, the
latest analysis of each; ``docs/STORE.md``), in SQL, so the study of 100,000
reports holds only the aggregates in memory. Distributions are described only
for groups with at least ``MIN_SAMPLE`` values; smaller groups are listed with
their count and "样本不足" instead of a median that means little; a share of a
smaller group is stated as its count over the group ("1/2"), not as a
percentage (:func:`share`). Where a section finds nothing it says what it
looked at (:func:`looked_at`): one agency cannot share a sentence with another.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from analyzer.labels import CATEGORY_LABELS, LEVEL_LABELS
from analyzer.output.store import __version__
from analyzer.output.study import charts
from analyzer.tables import schema

MIN_SAMPLE = 10  # values a group needs before its median and quartiles are shown
TOO_FEW = "样本不足"
LEVELS = ("national", "province", "city", "county", "township")
OUTCOMES = (  # table 三's result rows, grouped as the template groups them
    ("予以公开", "granted"), ("部分公开", "partially_granted"), ("不予公开", "denied_"),
    ("无法提供", "unable_"), ("不予处理", "not_processed_"), ("其他处理", "other_"),
)
TOP_RULES = 15
TOP_CLUSTERS = 30
COPY_MAX_AGENCIES = 4  # a sentence shared by more agencies is a stock phrase, not a copy from one to another
TOP_EDGES = 30


@dataclass
class Table:
    name: str  # file name of its CSV
    title: str
    header: list[str]
    rows: list[list]
    note: str = ""


@dataclass
class Figure:
    name: str
    title: str
    draw: Callable  # () -> matplotlib Figure
    note: str = ""


@dataclass
class Section:
    key: str
    title: str
    text: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Study:
    title: str
    facts: list[tuple[str, str]]
    sections: list[Section]
    citation: str


def level_name(level: str | None) -> str:
    # "未识别" alone beside "未识别" years (a column and a row of one table, a legend and an axis of one chart) does
    # not say which was not read
    return "层级未识别" if level is None else LEVEL_LABELS.get(level, str(level))


def _level_order(level: str | None) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def pct(x: float | None, digits: int = 1) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}%}"


def num(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.{digits}f}"


def share(n: float, total: float, unit: str = "") -> str:
    """``n`` of a group of ``total`` reports: a percentage from ``MIN_SAMPLE`` reports on, else the count over the
    size ("1/2"), so that one report is never stated as "100.0%" of its group."""
    if not total:
        return ""
    if total >= MIN_SAMPLE:
        return pct(n / total)
    return f"{num(n)}/{num(total)}{unit}"


def year_name(year: int | None) -> str:
    return str(year) if year is not None else "年度未识别"


def looked_at(con) -> tuple[int, int, int, int]:
    """What a comparison between agencies looks at: agencies (as the clusters count them: a lineage is one, a report
    of no known agency is one of its own), readable reports, their statements other than headings, and the reports
    of no known agency among them."""
    create_lineage(con)
    return con.execute(
        "SELECT count(DISTINCT coalesce(l.grp, r.agency_key, r.report_id)), count(DISTINCT r.report_id), "
        "(SELECT count(*) FROM statements s JOIN reports q USING (report_id) "
        " WHERE q.status <> 'unreadable' AND NOT coalesce(s.heading, false)), count(*) FILTER (WHERE r.agency_key IS NULL) "
        "FROM reports r LEFT JOIN lineage l USING (report_id) WHERE r.status <> 'unreadable'"
    ).fetchone()


def build(con, clusters) -> Study:
    """The whole study from a DuckDB connection on the store (``store.connect``) and the boilerplate clusters."""
    facts = _facts(con)
    sections = [
        coverage(con), table_statistics(con), findings_landscape(con), problem_categories(con),
        boilerplate(con, clusters), copy_network(con, clusters), year_over_year(con), methods(),
    ]
    total = dict(facts).get("报告（可读）", "0")
    citation = (
        f"政府信息公开工作年度报告语料研究（{total}份报告）。由 analyzer {__version__} 生成，"
        f"数据集：analyze 输出的 store/（运行 {dict(facts).get('分析运行', '')}）。"
    )
    return Study("政府信息公开工作年度报告语料研究", facts, sections, citation)


def create_lineage(con) -> None:
    """The temporary table ``lineage(report_id, grp)``: one agency is one group, also under another form of its
    name in another year (洪泽区人民政府 2023, 淮安市洪泽区人民政府 2024): reports linked as its years
    (previous_report_id) share the key of the first."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lineage AS WITH RECURSIVE chain(report_id, root) AS ("
        "SELECT report_id, report_id FROM reports WHERE previous_report_id IS NULL "
        "OR previous_report_id NOT IN (SELECT report_id FROM reports) "
        "UNION ALL SELECT r.report_id, c.root FROM reports r JOIN chain c ON r.previous_report_id = c.report_id) "
        "SELECT c.report_id, coalesce(first.agency_key, first.report_id) AS grp "
        "FROM chain c JOIN reports first ON first.report_id = c.root"
    )


def _facts(con) -> list[tuple[str, str]]:
    # agencies as the study groups them everywhere else (create_lineage): the real reports' study counted
    # 洪泽区人民政府 2023 and 淮安市洪泽区人民政府 2024, linked as one agency's years, as two agencies
    create_lineage(con)
    files, read, unreadable, y0, y1, agencies, no_year, no_agency = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE status <> 'unreadable'), count(*) FILTER (WHERE status = 'unreadable'), "
        "min(year), max(year), count(DISTINCT l.grp) FILTER (WHERE r.agency_key IS NOT NULL), "
        "count(*) FILTER (WHERE status <> 'unreadable' AND year IS NULL), "
        "count(*) FILTER (WHERE status <> 'unreadable' AND agency_key IS NULL) "
        "FROM reports r LEFT JOIN lineage l USING (report_id)"
    ).fetchone()
    runs = ", ".join(r[0] for r in con.execute("SELECT run_id FROM runs ORDER BY run_id").fetchall())
    years = "—" if y0 is None else str(y0) if y0 == y1 else f"{y0}–{y1}"
    facts = [("文件", f"{files:,}"), ("报告（可读）", f"{read:,}"), ("无法读取", f"{unreadable:,}"), ("机关", f"{agencies:,}")]
    # a report whose agency or year was not read is in neither count: say how many, not fold them into the range
    if no_agency:
        facts.append(("机关未识别的报告", f"{no_agency:,}"))
    facts.append(("年度", years))
    if no_year:
        facts.append(("年度未识别的报告", f"{no_year:,}"))
    return facts + [("分析运行", runs)]


# ---------------------------------------------------------------- coverage


def coverage(con) -> Section:
    sec = Section("coverage", "一、覆盖情况")
    by = con.execute(
        "SELECT year, level, count(*) FROM reports WHERE status <> 'unreadable' GROUP BY ALL"
    ).fetchall()
    years = sorted({y for y, _, _ in by if y is not None}) + ([None] if any(y is None for y, _, _ in by) else [])
    levels = sorted({lv for _, lv, _ in by}, key=_level_order)
    counts = {(y, lv): n for y, lv, n in by}
    ylabel = [year_name(y) for y in years]
    series = {level_name(lv): [counts.get((y, lv), 0) for y in years] for lv in levels}
    sec.figures.append(Figure("coverage_by_year", "各年度、各层级的报告数",
                              lambda: charts.draw_counts_by(ylabel, series, ylabel="报告数")))
    sec.tables.append(Table(
        "coverage_year_level", "各年度、各层级报告数", ["年度"] + [level_name(lv) for lv in levels] + ["合计"],
        [[label] + [counts.get((y, lv), 0) for lv in levels] + [sum(counts.get((y, lv), 0) for lv in levels)]
         for y, label in zip(years, ylabel)],
    ))
    fmt = con.execute(
        "SELECT coalesce(format, '未知'), count(*), count(*) FILTER (WHERE status = 'full'), "
        "count(*) FILTER (WHERE status = 'partial'), count(*) FILTER (WHERE status = 'unreadable') "
        "FROM reports GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    sec.tables.append(Table(
        "coverage_format", "各格式的文件数与读取情况", ["格式", "文件", "完整", "部分", "无法读取", "无法读取占比"],
        [[f, n, full, part, bad, share(bad, n)] for f, n, full, part, bad in fmt],
        "完整：六个章节与三张表格均已找到；部分：有章节或表格未找到。",
    ))
    reasons = con.execute(
        "SELECT error_kind, regexp_replace(error, '^[^：]*：', '') AS reason, count(*) FROM reports "
        "WHERE status = 'unreadable' GROUP BY ALL ORDER BY 3 DESC, 2 LIMIT 15"
    ).fetchall()
    kinds = {"unreadable": "无法读取", "timeout": "超时", "crash": "进程崩溃", "unexpected": "意外错误"}
    sec.tables.append(Table(
        "coverage_unreadable", "无法读取的原因", ["类型", "原因", "文件数"],
        [[kinds.get(k, k), r, n] for k, r, n in reasons], "原因去掉了文件名，相同原因合并计数。",
    ))
    total = sum(r[1] for r in fmt) or 1
    bad = sum(r[4] for r in fmt)
    rate = f"（{pct(bad / total)}）" if total >= MIN_SAMPLE else ""  # "1 of 3" needs no "33.3%" beside it
    sec.text.append(f"共{total:,}个文件，其中{bad:,}个无法读取{rate}。")
    return sec


# ---------------------------------------------------------------- table statistics


def _distribution(con, column: str, where: str = "TRUE") -> list[tuple]:
    return con.execute(
        f"SELECT level, count({column}), median({column}), quantile_cont({column}, 0.25), quantile_cont({column}, 0.75), "
        f"avg({column}), sum({column}) FROM reports WHERE status <> 'unreadable' AND {where} GROUP BY level"
    ).fetchall()


def _dist_rows(rows: list[tuple], fmt) -> list[list]:
    out = []
    for level, n, med, q1, q3, mean, total in sorted(rows, key=lambda r: _level_order(r[0])):
        if n == 0:  # no report of the level gives the value: there is no sample to be too small
            out.append([level_name(level), n, "无取值", "", "", "", ""])
        elif n < MIN_SAMPLE:
            out.append([level_name(level), n, TOO_FEW, "", "", "", fmt(total) if n else ""])
        else:
            out.append([level_name(level), n, fmt(med), fmt(q1), fmt(q3), fmt(mean), fmt(total)])
    return out


def _samples(con, column: str) -> tuple[list[str], list[list[float]]]:
    rows = con.execute(
        f"SELECT level, list({column}) FROM reports WHERE {column} IS NOT NULL GROUP BY level"
    ).fetchall()
    rows = [(lv, vals) for lv, vals in rows if len(vals) >= MIN_SAMPLE]
    rows.sort(key=lambda r: _level_order(r[0]))
    return [level_name(lv) for lv, _ in rows], [vals for _, vals in rows]


def table_statistics(con) -> Section:
    sec = Section("tables", "二、表格数据")
    sec.text.append(
        f"分布只对有不少于{MIN_SAMPLE}个取值的层级给出中位数和四分位数；不足者标“{TOO_FEW}”。"
        "实质公开率 =（予以公开 + 部分公开）/ 办理结果总计；复议纠错率 = 结果纠正 /（复议总计 − 尚未审结）。"
    )
    header = ["层级", "有取值的报告", "中位数", "下四分位", "上四分位", "平均", "合计"]
    apps = _distribution(con, "applications_received")
    sec.tables.append(Table("applications_by_level", "本年新收申请数（总计列）", header, _dist_rows(apps, num)))
    groups, samples = _samples(con, "applications_received")
    if groups:
        sec.figures.append(Figure("applications_by_level", "各层级本年新收申请数的分布（对数刻度）",
                                  lambda g=groups, s=samples: charts.draw_boxes(g, s, xlabel="申请数", log=True)))
    shares = _outcome_shares(con)
    if shares:
        parts = [name for name, _ in OUTCOMES]
        # a level's composition from fewer than MIN_SAMPLE reports is one or two agencies' handling, not the level's:
        # its row gives the counts (件), and the chart leaves it out
        big = [(g, s, n) for g, s, _, n in shares if n >= MIN_SAMPLE]
        if big:
            sec.figures.append(Figure("outcomes_by_level", f"办理结果构成（各层级全部申请合计；报告不少于{MIN_SAMPLE}份的层级）",
                                      lambda: charts.draw_stacked([f"{g}（n={n}）" for g, _, n in big], parts, [s for _, s, _ in big])))
        sec.tables.append(Table(
            "outcomes_by_level", "办理结果构成", ["层级", "报告数", "办理结果总计"] + parts,
            [[g, n, num(total)] + [pct(x) if n >= MIN_SAMPLE else f"{num(round(x * total))}件" for x in s] for g, s, total, n in shares],
            f"报告不足{MIN_SAMPLE}份的层级给出件数，不作百分比。"))
    for column, title, name in (("disclosure_rate", "实质公开率", "disclosure_rate"), ("correction_rate", "复议纠错率", "correction_rate")):
        rows = _distribution(con, column)
        groups, samples = _samples(con, column)
        note = "" if groups else f"没有一个层级的样本达到{MIN_SAMPLE}份，不作分布图。"
        sec.tables.append(Table(f"{name}_by_level", f"{title}（按报告）", header[:-1],
                                [r[:-1] for r in _dist_rows(rows, pct)], note))
        if groups:
            sec.figures.append(Figure(f"{name}_by_level", f"各层级{title}的分布",
                                      lambda g=groups, s=samples, t=title: charts.draw_boxes(g, s, xlabel=t, percent=True)))
    return sec


def _outcome_shares(con) -> list[tuple[str, list[float], float, int]]:
    cases = ", ".join(
        f"sum(c.value) FILTER (WHERE c.row {'=' if not key.endswith('_') else 'LIKE'} '{key + '%' if key.endswith('_') else key}')"
        for _, key in OUTCOMES
    )
    rows = con.execute(
        f"SELECT r.level, count(DISTINCT c.report_id), {cases} FROM cells c JOIN reports r USING (report_id) "
        "WHERE c.\"table\" = 'applications' AND c.\"column\" = 'total' GROUP BY r.level"
    ).fetchall()
    out = []
    for level, reports, *values in sorted(rows, key=lambda r: _level_order(r[0])):
        values = [v or 0.0 for v in values]
        total = sum(values)
        if total > 0:
            out.append((level_name(level), [v / total for v in values], total, reports))
    return out


# ---------------------------------------------------------------- findings


def _groups(con) -> list[tuple[int | None, str | None, int]]:
    rows = con.execute("SELECT year, level, count(*) FROM reports WHERE status <> 'unreadable' GROUP BY ALL").fetchall()
    return sorted(rows, key=lambda r: (r[0] is None, r[0] or 0, _level_order(r[1])))


def findings_landscape(con) -> Section:
    sec = Section("findings", "三、问题分布（规则 × 层级 × 年度）")
    groups = _groups(con)
    sizes = {(y, lv): n for y, lv, n in groups}
    rows = con.execute(
        "SELECT f.rule, any_value(f.rule_label), r.year, r.level, count(DISTINCT f.report_id) FROM findings f "
        "JOIN reports r USING (report_id) GROUP BY f.rule, r.year, r.level"
    ).fetchall()
    have: dict[str, dict] = defaultdict(dict)
    labels: dict[str, str] = {}
    for rule, label, year, level, n in rows:
        have[rule][(year, level)] = n
        labels[rule] = label
    total = sum(sizes.values()) or 1
    order = sorted(have, key=lambda r: (-sum(have[r].values()), r))
    cols = [f"{year_name(y)}·{level_name(lv)}（{n}）" for y, lv, n in groups]
    table_rows = []
    for rule in order:
        table_rows.append([labels[rule], rule, sum(have[rule].values()), share(sum(have[rule].values()), total)]
                          + [share(have[rule].get((y, lv), 0), n) for y, lv, n in groups])
    sec.tables.append(Table("findings_by_year_level", "有该问题的报告占比", ["问题", "规则", "报告数", "占全部"] + cols, table_rows,
                            f"按报告计：一份报告有多条同一规则的问题只计一次。列名括号内为该组报告数；不足{MIN_SAMPLE}份的组"
                            "列出“有该问题的报告数/该组报告数”，不作百分比。"))
    big = [(i, g) for i, g in enumerate(groups) if g[2] >= MIN_SAMPLE]
    # the chart's rules are the commonest in the groups it draws: the corpus's commonest may be found only in small
    # groups, and would be drawn as rows of 0%
    in_big = {r: sum(have[r].get((y, lv), 0) for _, (y, lv, _) in big) for r in order}
    top = sorted((r for r in order if in_big[r]), key=lambda r: (-in_big[r], r))[:TOP_RULES]
    if top:
        values = [[have[r].get((y, lv), 0) / n for _, (y, lv, n) in big] for r in top]
        big_cols = [cols[i] for i, _ in big]
        sec.figures.append(Figure("findings_heatmap", f"报告不少于{MIN_SAMPLE}份的组中最常见的{len(top)}类问题：有该问题的报告占比",
                                  lambda: charts.draw_heatmap([labels[r] for r in top], big_cols, values)))
    elif order and not big:
        sec.text.append(f"没有一个年度·层级组的报告达到{MIN_SAMPLE}份，不作占比图。")
    elif order:
        sec.text.append(f"报告不少于{MIN_SAMPLE}份的组里没有一份报告有下表所列问题，不作占比图。")
    return sec


# ---------------------------------------------------------------- problem categories


def problem_categories(con) -> Section:
    sec = Section("categories", "四、存在问题的类别（第五部分）")
    rows = con.execute(
        "SELECT coalesce(s.category, 'other'), r.year, r.level, count(*), count(DISTINCT s.report_id) FROM statements s "
        "JOIN reports r USING (report_id) WHERE s.kind = 'problem' GROUP BY ALL"
    ).fetchall()
    if not rows:
        read = con.execute("SELECT count(*) FROM reports WHERE status <> 'unreadable'").fetchone()[0]
        sec.text.append(f"{read}份可读报告的第五部分中没有识别出问题表述。")
        return sec
    cats = sorted({c for c, *_ in rows}, key=lambda c: -sum(n for cc, _, _, n, _ in rows if cc == c))
    # a report of no read year is a column of its own ("年度未识别"), not left out of every year
    years = sorted({y for _, y, _, _, _ in rows}, key=lambda y: (y is None, y or 0))
    levels = sorted({lv for _, _, lv, _, _ in rows}, key=_level_order)
    # the reports behind each column: a composition drawn from fewer than MIN_SAMPLE reports is given as counts
    reporting = con.execute(
        "SELECT r.year, r.level, count(DISTINCT s.report_id) FROM statements s JOIN reports r USING (report_id) "
        "WHERE s.kind = 'problem' GROUP BY ALL"
    ).fetchall()
    names = [CATEGORY_LABELS.get(c, c) for c in cats]
    sec.text.append(f"占比为该类问题条数占该列问题条数之比；列名括号内为列出问题的报告数，不足{MIN_SAMPLE}份的列给出“该类条数/该列条数”。")
    for key, title, what, key_of, keys, label in (
        ("categories_by_year", "各年度问题的类别构成", "当年", lambda y, lv: y, years, year_name),
        ("categories_by_level", "各层级问题的类别构成", "该层级", lambda y, lv: lv, levels, level_name),
    ):
        totals = {k: sum(n for c, y, lv, n, _ in rows if key_of(y, lv) == k) for k in keys}
        reports = {k: sum(n for y, lv, n in reporting if key_of(y, lv) == k) for k in keys}
        counts = [[sum(n for c, y, lv, n, _ in rows if c == cat and key_of(y, lv) == k) for k in keys] for cat in cats]
        cols = [f"{label(k)}（{reports[k]}）" for k in keys]
        sec.tables.append(Table(key, title, ["类别"] + cols, [
            [name] + [pct(n / totals[k]) if reports[k] >= MIN_SAMPLE else f"{n}/{totals[k]}条" for n, k in zip(row, keys)]
            for name, row in zip(names, counts)]))
        big = [j for j, k in enumerate(keys) if reports[k] >= MIN_SAMPLE and totals[k]]
        if big:
            values = [[row[j] / totals[keys[j]] for j in big] for row in counts]
            sec.figures.append(Figure(key, f"{title}（占{what}问题条数；列出问题的报告不少于{MIN_SAMPLE}份的列）",
                                      lambda v=values, c=[cols[j] for j in big]: charts.draw_heatmap(names, c, v)))
    return sec


# ---------------------------------------------------------------- boilerplate and copying


def _few_agencies(con, sec: Section, what: str) -> bool:
    """Say what a comparison between agencies looked at; True when there are too few agencies to compare at all."""
    agencies, reports, statements, unknown = looked_at(con)
    if agencies < 2:
        sec.text.append(f"语料中只有{agencies}个机关（{reports}份报告）：{what}无从比较，本节不作统计。")
        return True
    unknown = f"（其中{unknown}份报告的机关未识别，各计一个机关）" if unknown else ""
    sec.text.append(f"比较范围：{agencies}个机关的{reports}份报告{unknown}、{statements:,}条表述。")
    return False


def boilerplate(con, clusters) -> Section:
    sec = Section("boilerplate", "五、套话：多个机关共用的表述")
    sec.text.append(
        "同一表述在归一化（年份、标点不计）后字符三元组的 Jaccard 相似度不低于0.6即视为近似重复，近似重复传递合并为一组；"
        "下表列出至少两个机关使用的组，按机关数排序。"
    )
    if _few_agencies(con, sec, "机关之间共用的表述"):
        return sec
    shared = [c for c in clusters if c.agencies >= 2]
    shared.sort(key=lambda c: (-c.agencies, -c.uses, c.text))
    top = shared[:TOP_CLUSTERS]
    if not shared:
        sec.text.append("在上述范围内未发现至少两个机关共用的表述。")
    sec.tables.append(Table(
        "boilerplate_clusters", "共用表述（至少两个机关使用）",
        ["序号", "机关数", "使用次数", "代表表述", "使用的机关（部分）"],
        [[i, c.agencies, c.uses, c.text, "、".join(c.agency_names[:5])] for i, c in enumerate(shared, 1)],
    ))
    if top:
        head = top[:15]
        sec.figures.append(Figure("boilerplate_top", "使用机关最多的共用表述",
                                  lambda: charts.draw_bars([c.text for c in head], [c.agencies for c in head], xlabel="机关数", label_chars=26)))
    share = con.execute(
        "SELECT r.level, avg(r.boilerplate_share), count(r.boilerplate_share) FROM reports r "
        "WHERE r.boilerplate_share IS NOT NULL GROUP BY r.level"
    ).fetchall()
    share.sort(key=lambda r: _level_order(r[0]))
    sec.tables.append(Table("boilerplate_share_by_level", "正文中套话的平均占比（按字数）", ["层级", "报告数", "平均占比"],
                            [[level_name(lv), n, pct(v) if n >= MIN_SAMPLE else TOO_FEW] for lv, v, n in share],
                            f"报告不足{MIN_SAMPLE}份的层级不给平均占比。"))
    return sec


def copy_network(con, clusters) -> Section:
    sec = Section("copying", "六、相互抄用：谁的表述出现在谁的报告里")
    sec.text.append(
        f"只看少数机关（2至{COPY_MAX_AGENCIES}个）共用的表述：多数机关共用的是套话，少数机关共用的更可能是相互抄用。"
        "每组中最早的报告（年度，其次发布日期）视为来源，指向其他机关的报告；箭头越粗，共用的句子越多。"
    )
    if _few_agencies(con, sec, "机关之间的相互抄用"):
        return sec
    weight: dict[tuple, int] = defaultdict(int)
    example: dict[tuple, str] = {}
    for c in clusters:
        if not 2 <= c.agencies <= COPY_MAX_AGENCIES:
            continue
        members = sorted(c.members, key=lambda m: (m.year is None, m.year or 0, m.published or "9999", m.source))
        origin = members[0]
        seen = {origin.group or origin.agency}
        for m in members[1:]:
            if (m.group or m.agency) in seen:  # the same agency in another year, whatever its name's form
                continue
            seen.add(m.group or m.agency)
            key = (origin.agency, origin.year, m.agency, m.year)
            weight[key] += 1
            example.setdefault(key, c.text)
    edges = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
    sec.tables.append(Table(
        "copy_edges", "共用句子最多的机关对", ["来源机关", "来源年度", "机关", "年度", "共用句子数", "示例"],
        [[a, ay or "", b, by or "", n, example[(a, ay, b, by)]] for (a, ay, b, by), n in edges],
    ))
    top = edges[:TOP_EDGES]
    if top:
        sec.figures.append(Figure("copy_network", "相互抄用网络（前{}对）".format(len(top)),
                                  lambda: charts.draw_network([(f"{a}{ay or ''}", f"{b}{by or ''}", n) for (a, ay, b, by), n in top])))
    else:
        sec.text.append(f"在上述范围内未发现2至{COPY_MAX_AGENCIES}个机关共用的表述。")
    return sec


# ---------------------------------------------------------------- year over year


def year_over_year(con) -> Section:
    sec = Section("change", "七、同一机关的逐年变化")
    rows = con.execute(
        "SELECT r.agency, p.year, r.year, p.score_total, r.score_total, p.applications_received, r.applications_received, "
        "p.disclosure_rate, r.disclosure_rate, p.findings, r.findings, r.copied_share "
        "FROM reports r JOIN reports p ON p.report_id = r.previous_report_id ORDER BY r.agency, r.year"
    ).fetchall()
    if not rows:
        create_lineage(con)
        agencies, several = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE years >= 2) FROM (SELECT l.grp, count(DISTINCT r.year) AS years "
            "FROM reports r JOIN lineage l USING (report_id) WHERE r.status <> 'unreadable' AND r.agency_key IS NOT NULL "
            "GROUP BY l.grp)"
        ).fetchone()
        sec.text.append(f"语料中没有同一机关相邻两年的报告（需在同一次运行中分析）：已识别的{agencies}个机关中，"
                        f"{several}个有两个及以上年度的报告。")
        return sec
    changes = [r[4] - r[3] for r in rows if r[3] is not None and r[4] is not None]
    better = sum(1 for c in changes if c > 0)
    sec.text.append(
        f"{len(rows)}对相邻年度的报告：得分提高{better}对、降低{sum(1 for c in changes if c < 0)}对；"
        f"上一年报告文字被沿用的平均比例{pct(_mean([r[11] for r in rows]))}。"
    )
    if len(changes) >= MIN_SAMPLE:
        sec.figures.append(Figure("score_change", f"得分的逐年变化（{len(changes)}对）",
                                  lambda: charts.draw_histogram(changes, xlabel="得分变化（分）", ylabel="报告对数")))
    else:  # the median of one or two changes drawn as a distribution says more than they hold
        sec.text.append(f"有得分的报告对不足{MIN_SAMPLE}对，不作分布图；各对见下表。")
    table = []
    for agency, y0, y1, s0, s1, a0, a1, d0, d1, f0, f1, copied in sorted(rows, key=lambda r: -abs((r[4] or 0) - (r[3] or 0))):
        # the change of the scores as shown: 79.65 -> 87.13 is shown 79.7 -> 87.1, a change of 7.4 (7.48 was shown 7.5)
        change = round(s1, 1) - round(s0, 1) if s0 is not None and s1 is not None else None
        table.append([agency, f"{y0}→{y1}", num(s0), num(s1), num(change), num(a0), num(a1),
                      pct(d0), pct(d1), f0, f1, pct(copied)])
    sec.tables.append(Table("year_over_year", "各机关相邻年度报告的变化（按得分变化绝对值排序）",
                            ["机关", "年度", "上年得分", "本年得分", "变化", "上年申请数", "本年申请数",
                             "上年实质公开率", "本年实质公开率", "上年问题数", "本年问题数", "沿用上年文字比例"], table))
    return sec


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def methods() -> Section:
    sec = Section("methods", "八、方法与引用说明")
    sec.text += [
        "数据：analyzer analyze 写出的语料库（store/，Parquet），每份报告一行，同一内容（SHA-256 相同）只计一次；"
        "各表的字段见 docs/STORE.md，可用 analyzer sql 复核本报告的每个数字。",
        "表格数据取自报告附表的各单元格；报告未列出的单元格为空值，不按0计。比率只在分母大于0时计算。",
        f"分布统计的最小样本量为{MIN_SAMPLE}份报告；“问题分布”的占比按报告计，“问题的类别”的占比按问题条数计；不足此数的组给出计数（如“1/2”），不作百分比。",
        "近似重复：字符三元组 Jaccard ≥ 0.6（年份、标点归一化，数字保留），大规模时由 MinHash LSH 候选、精确复核（store/neardup/ 持久化索引）。",
        f"生成工具：analyzer {__version__}。同一数据生成的本报告内容相同。",
    ]
    return sec
