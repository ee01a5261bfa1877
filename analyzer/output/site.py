"""``index.html``: one self-contained page for supervisors.

No network, no scripts, no external fonts or stylesheets: inline CSS and
inline SVG charts, so the page opens from a USB stick or an offline
intranet. It shows one ranking per statistical year (a level filter made of
radio buttons and CSS alone), the reports counted once, three charts (score
distribution, findings by rule, problem categories), and for every report
its score breakdown with reasons, points held for checking (待核实) and its
findings, under an anchor of its own.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from html import escape
from pathlib import Path

from analyzer import rules
from analyzer.labels import CATEGORY_LABELS, LEVEL_LABELS, PART_LABELS, SEVERITY_LABELS
from analyzer.model import ReportResult
from analyzer.output.ids import report_ids
from analyzer.output.review_overall import nothing_found
from analyzer.output.ranking import INDICATORS, MIN_COMPARABLE, Ranking, RankingRow

SEVERITY_CN = SEVERITY_LABELS
CATEGORY_CN = CATEGORY_LABELS
GRADE_COLOURS = {"优秀": "#1a7f37", "良好": "#0969da", "合格": "#9a6700", "不合格": "#cf222e", "无法读取": "#6e7781"}

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
margin:0;color:#1f2328;background:#f6f8fa;font-size:14px;line-height:1.6}
main{max-width:1280px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 12px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:16px;margin:0 0 8px}
.meta{color:#57606a}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:22px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:16px}
.chart{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f6;position:sticky;top:0;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.grade,td.lv{white-space:nowrap}.grade{font-weight:bold}
.flag{color:#cf222e;font-weight:bold}
.note{color:#57606a;font-size:12px}
.report{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:16px;margin:16px 0}
.sev-error{color:#cf222e;font-weight:bold}.sev-warning{color:#9a6700}.sev-info{color:#57606a}
.uncertain{font-style:italic}
ul.reasons{margin:4px 0 0 18px;padding:0}
.bar{fill:#0969da}.bar-err{fill:#cf222e}.bar-warn{fill:#d4a72c}.bar-info{fill:#8c959f}
svg text{font-family:inherit;font-size:12px;fill:#1f2328}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
.filter{margin:8px 0}.filter input{margin-left:12px}
"""


def anchor(source: str) -> str:
    """A stable anchor for a report (the file name may hold characters unsafe in ids)."""
    return "r-" + hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]


def _num(x) -> str:
    return "—" if x is None else f"{x:g}"


def _pct(x) -> str:
    return "—" if x is None else f"{x:.1%}"


# ---------------------------------------------------------------- charts


def histogram_svg(totals: list[float], width: int = 420, height: int = 220) -> str:
    """Counts of reports per 10-point band of the total score."""
    bins = [0] * 10
    for t in totals:
        bins[min(9, max(0, int(t // 10)))] += 1
    top = max(bins) or 1
    left, bottom, plot_h = 30, 30, height - 50
    bw = (width - left - 10) / 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" role="img" aria-label="得分分布">']
    for i, n in enumerate(bins):
        h = plot_h * n / top
        x = left + i * bw
        y = height - bottom - h
        parts.append(f'<rect class="bar" x="{x + 2:.1f}" y="{y:.1f}" width="{bw - 4:.1f}" height="{h:.1f}"><title>{i * 10}–{i * 10 + 10}分：{n}份</title></rect>')
        if n:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{height - bottom + 16:.1f}" text-anchor="middle">{i * 10}</text>')
    parts.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#8c959f"/>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(items: list[tuple[str, int, str]], width: int = 420, label_w: int = 200) -> str:
    """Horizontal bars: (label, value, css class) in the given order.

    The label column widens to the longest label (13 px per CJK character at
    the page's font size), so a long rule name is never clipped.
    """
    if not items:
        return '<p class="note">无数据。</p>'
    longest = max(sum(13 if ord(ch) > 0x2E7F else 7 for ch in label) for label, _, _ in items)
    if longest + 10 > label_w:
        width += longest + 10 - label_w
        label_w = longest + 10
    row_h = 22
    height = row_h * len(items) + 10
    top = max(v for _, v, _ in items) or 1
    plot_w = width - label_w - 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" role="img">']
    for i, (label, value, cls) in enumerate(items):
        y = 5 + i * row_h
        w = plot_w * value / top
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect class="{cls}" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}"><title>{escape(label)}：{value}</title></rect>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def findings_by_rule(results: list[ReportResult]) -> list[tuple[str, int, str]]:
    """Findings per rule, most frequent first; a rule's label names it, never its key."""
    counts: Counter[str] = Counter()
    sev: dict[str, str] = {}
    for r in results:
        for f in r.findings:
            counts[f.rule] += 1
            if f.rule not in sev or f.severity == "error":
                sev[f.rule] = f.severity
    cls = {"error": "bar-err", "warning": "bar-warn", "info": "bar-info"}
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(rules.label(rule), n, cls.get(sev[rule], "bar")) for rule, n in ordered]


def problem_categories(results: list[ReportResult]) -> list[tuple[str, int, str]]:
    """Problem statements per category over the run (section 五's admitted weaknesses)."""
    counts: Counter[str] = Counter()
    for r in results:
        if r.narrative is None:
            continue
        for s in r.narrative.statements:
            if s.kind == "problem":
                counts[s.category or "other"] += 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(CATEGORY_CN.get(c, c), n, "bar") for c, n in ordered]


# ---------------------------------------------------------------- page parts


def _level_class(level: str | None) -> str:
    return f"lv-{level or 'unknown'}"


def _ranking_table(rows: tuple[RankingRow, ...]) -> str:
    heads = ["名次", "机关", "年度", "级别", "总分", "等级", *PART_LABELS.values(), "待核实", "错误", "警告", "较上年",
             INDICATORS["disclosure_rate"], INDICATORS["correction_rate"]]
    out = ["<table><thead><tr>", *(f"<th>{h}</th>" for h in heads), "</tr></thead><tbody>"]
    for r in rows:
        name = escape(r.agency or r.report_id)
        colour = GRADE_COLOURS.get(r.grade, "#1f2328")
        also = f'<div class="note">另计入：{escape("、".join(r.duplicates))}</div>' if r.duplicates else ""
        cells = [
            f'<td class="n">{r.rank}</td>',
            f'<td><a href="#{anchor(r.source)}">{name}</a><div class="note">{escape(r.source)}</div>{also}</td>',
            f'<td class="n">{_num(r.year)}</td>',
            f'<td class="lv">{escape(LEVEL_LABELS.get(r.level, r.level or ""))}</td>',
            f'<td class="n"><b>{_num(r.total)}</b></td>',
            f'<td class="grade" style="color:{colour}">{escape(r.grade)}</td>',
            *(f'<td class="n">{_num(r.parts.get(k))}</td>' for k in PART_LABELS),
            f'<td class="n">{_num(r.pending or None)}</td>',
            f'<td class="n">{r.counts.get("error", 0)}</td>',
            f'<td class="n">{r.counts.get("warning", 0)}</td>',
            f'<td class="n">{"—" if r.change is None else f"{r.change:+g}"}</td>',
            _indicator_cell(r, "disclosure_rate"),
            _indicator_cell(r, "correction_rate"),
        ]
        out.append(f'<tr class="{_level_class(r.level)}">' + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _rankings(ranking: Ranking) -> str:
    """One ranking per year, under a level filter (radio buttons and CSS: the page carries no script)."""
    years = ranking.by_year()
    levels = list(dict.fromkeys(r.level for r in ranking.ranked))
    out = []
    if len(years) > 1:
        out.append('<p class="meta">' + " ｜ ".join(
            f'<a href="#y-{y or "unknown"}">{f"{y}年度" if y else "年度未识别"}</a>' for y, _ in years) + "</p>")
    rules_css = "".join(
        f"#f-{_level_class(lv)}:checked~.rankings tbody tr:not(.{_level_class(lv)}){{display:none}}" for lv in levels)
    out.append(f"<style>{rules_css}</style>" if len(levels) > 1 else "")
    out.append('<div class="filter">')
    if len(levels) > 1:
        out.append('按级别：<input type="radio" name="level" id="f-all" checked><label for="f-all">全部</label>')
        for lv in levels:
            label = escape(LEVEL_LABELS.get(lv, lv or "未识别"))
            out.append(f'<input type="radio" name="level" id="f-{_level_class(lv)}"><label for="f-{_level_class(lv)}">{label}</label>')
    out.append('<div class="rankings">')
    for y, rows in years:
        title = f"{y}年度排名" if y else "年度未识别的报告"
        out.append(f'<h3 id="y-{y or "unknown"}">{title}（{len(rows)}份）</h3>{_ranking_table(rows)}')
    out.append("</div></div>")
    if ranking.duplicates:
        out.append('<p class="note">以下文件未重复排名：</p><ul class="reasons note">')
        out += [f"<li>{escape(d.source)}：{escape(d.note)}</li>" for d in ranking.duplicates]
        out.append("</ul>")
    return "".join(out)


def _indicator_cell(r: RankingRow, key: str) -> str:
    ind = r.indicators[key]
    if ind.value is None:
        return '<td class="n">—</td>'
    cls = ' class="n flag"' if ind.flagged else ' class="n"'
    title = f' title="{escape(ind.note)}"' if ind.note else ""
    return f"<td{cls}{title}>{_pct(ind.value)}</td>"


def _report_block(result: ReportResult, row: RankingRow | None, name: str) -> str:
    s = result.score
    title = escape(result.meta.title or result.report_id)
    out = [f'<section class="report" id="{anchor(result.source)}">']
    out.append(f"<h3>{title}</h3>")
    facts = [
        f"机关：{escape(result.meta.agency or '未识别')}",
        f"年度：{_num(result.meta.year)}",
        f"文件：{escape(result.source)}",
    ]
    if s:
        grade = f"{s.grade}（初评）" if s.provisional else s.grade
        held = f"，另有{s.pending:g}分待核实" if s.pending else ""
        facts.insert(0, f'<b>{s.total:g}分{held} · <span style="color:{GRADE_COLOURS.get(s.grade, "#1f2328")}">{grade}</span></b>')
    if row is not None and row.rank is not None:
        facts.insert(0, f"{row.year}年度第{row.rank}名" if row.year else f"第{row.rank}名")
    if row is not None and row.change is not None:
        facts.append(f"较上年 {row.change:+g}分")
    out.append('<p class="meta">' + " ｜ ".join(facts) + "</p>")
    out.append(
        f'<p class="note"><a href="reviews/{escape(name)}.评审意见.md">评审意见（Markdown）</a> ｜ '
        f'<a href="reviews/{escape(name)}.评审意见.docx">评审意见（Word）</a> ｜ '
        f'<a href="{escape(name)}.json">完整数据（JSON）</a> ｜ <a href="#top">返回排名</a></p>'
    )
    if s:
        out.append("<table><thead><tr><th>评分项</th><th>得分</th><th>失分原因与说明</th></tr></thead><tbody>")
        for p in s.parts:
            reasons = "".join(
                f"<li>{escape(r.text)}{'' if r.points == 0 else f'（扣{r.points:g}分）'}"
                f"{'' if not r.held else f'（待核实{r.held:g}分）'}"
                f"{'' if not r.finding_id else f' <span class=note>{escape(r.finding_id)}</span>'}</li>"
                for r in p.reasons
            )
            judged = "" if p.judged else '<div class="note">本项无法评判</div>'
            out.append(
                f'<tr><td>{escape(p.label)}</td><td class="n">{p.points:g} / {p.max_points:g}{judged}</td>'
                f'<td>{"<ul class=reasons>" + reasons + "</ul>" if reasons else "未失分"}</td></tr>'
            )
        out.append("</tbody></table>")
    if result.findings:
        out.append('<p></p><table><thead><tr><th>级别</th><th>问题</th><th>位置</th><th>说明</th><th>编号</th></tr></thead><tbody>')
        for f in result.findings:
            unc = ' class="uncertain"' if f.status == "uncertain" else ""
            status = "（存疑）" if f.status == "uncertain" else ""
            out.append(
                f'<tr{unc}><td class="sev-{escape(f.severity)}">{SEVERITY_CN.get(f.severity, escape(f.severity))}{status}</td>'
                f"<td>{escape(rules.label(f.rule))}</td><td>{escape(f.where)}</td><td>{escape(f.message)}</td>"
                f'<td class="note">{escape(f.id)}</td></tr>'
            )
        out.append("</tbody></table>")
    else:
        out.append(f'<p class="note">{escape(nothing_found(result))}</p>')
    out.append("</section>")
    return "".join(out)


def render_index(run, ranking: Ranking) -> str:
    """The whole page as one string (deterministic: no clock, no random ids)."""
    results = sorted(run.results, key=lambda r: r.source)
    rows = {r.source: r for r in ranking.rows}
    totals = [r.score.total for r in results if r.score]
    grades = Counter(r.score.grade for r in results if r.score)
    n_find = sum(len(r.findings) for r in results)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>政府信息公开工作年度报告评审结果</title>",
        f"<style>{CSS}</style></head><body><main id=\"top\">",
        "<h1>政府信息公开工作年度报告评审结果</h1>",
        f'<p class="meta">评分方案：{escape(ranking.config_label)}</p>',
        '<div class="cards">',
        f'<div class="card">报告<b>{len(results)}</b></div>',
        *(f'<div class="card">{g}<b style="color:{GRADE_COLOURS[g]}">{grades.get(g, 0)}</b></div>' for g in ("优秀", "良好", "合格", "不合格")),
        f'<div class="card">问题<b>{n_find}</b></div>',
        f'<div class="card">无法读取<b>{len(run.failures)}</b></div>',
        "</div>",
        "<h2>统计图</h2>",
        '<div class="charts">',
        f'<div class="chart"><h3>得分分布（每10分一档）</h3>{histogram_svg(totals)}</div>',
        f'<div class="chart"><h3>各类问题数量</h3>{bars_svg(findings_by_rule(results))}</div>',
        f'<div class="chart"><h3>第五部分所列问题的类别</h3>{bars_svg(problem_categories(results))}</div>',
        "</div>",
        "<h2>排名</h2>",
        _rankings(ranking),
    ]
    notes = []
    for key, st in sorted(ranking.stats.items()):
        if 0 < st.n < MIN_COMPARABLE:
            notes.append(f"{INDICATORS[key]}：有该比率的报告{st.n}份，不足{MIN_COMPARABLE}份，不作比较。")
        elif st.n:
            notes.append(
                f"{INDICATORS[key]}：{st.n}份报告，中位数{st.median:.1%}；红色为明显偏离（超出{st.low:.1%}至{st.high:.1%}）。"
            )
    notes.append("每个统计年度单独排名；同一年度内依次按总分、准确性、内容质量排序，三项均相同者名次并列。")
    notes.append("待核实：识别存疑或无法读取的数据，其分值既不计入总分也不扣除，核对原件后确定；等级可能因此调整的标注“初评”。")
    parts.append("".join(f'<p class="note">{escape(n)}</p>' for n in notes))
    if run.failures:
        parts.append("<h2>无法读取的文件</h2><table><thead><tr><th>文件</th><th>原因</th></tr></thead><tbody>")
        for f in sorted(run.failures, key=lambda f: f.source):
            parts.append(f"<tr><td>{escape(f.source)}</td><td>{escape(f.error)}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("<h2>各报告评分与问题</h2>")
    order = [row.source for row in ranking.ranked]
    by_source = {r.source: r for r in results}
    names = report_ids(results)
    for src in order + [r.source for r in results if r.source not in set(order)]:
        if src in by_source:
            parts.append(_report_block(by_source[src], rows.get(src), names[src]))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def write_index(run, ranking: Ranking, out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` and return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(render_index(run, ranking), encoding="utf-8")
    return path
