"""The corpus study from a store: its sections, guards, copy network, determinism, and the incremental index."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _reports import clean_result, flawed_result, scored
from analyzer.cli import app
from analyzer.model import RunResult, Statement
from analyzer.output import neardup_index
from analyzer.output.ids import report_ids
from analyzer.output.store import write_store
from analyzer.output.study import write_study
from analyzer.output.study.data import MIN_SAMPLE, TOO_FEW

pytest.importorskip("duckdb")
pytest.importorskip("matplotlib")
runner = CliRunner()
STOCK = "进一步加强政务公开工作的组织领导，把政务公开工作摆上重要议事日程，常抓不懈"
COPIED = "我区创新推出“政务公开体验日”活动，邀请市民代表走进行政服务中心现场体验办事流程"


def _report(i: int, year: int, agency: str, extra: list[str], township: bool = False):
    base = flawed_result(f"in/r{i:02d}.txt") if township else clean_result(f"in/r{i:02d}.txt")
    base = replace(base, meta=replace(base.meta, agency=agency, year=year))
    texts = [STOCK + "。", f"{agency}本年度共办理依申请公开{i}件，均按时答复。"] + extra
    stmts = tuple(Statement(t, "overview") for t in texts) + base.narrative.statements
    return scored(replace(base, narrative=replace(base.narrative, statements=stmts)))


def _run(n_counties: int = 12, offset: int = 0) -> RunResult:
    results = []
    for i in range(n_counties):
        extra = [COPIED + "。"] if i in (0, 1) else []
        results.append(_report(offset + i, 2021 + (i == 1), f"第{offset + i}县人民政府", extra))
    results.append(_report(offset + 90, 2022, "某某镇人民政府", [], township=True))
    return RunResult(results=sorted(results, key=lambda r: r.source))


@pytest.fixture
def store(tmp_path) -> Path:
    run = _run()
    write_store(run, tmp_path / "out", report_ids(run.results))
    return tmp_path / "out"


def test_study_files_sections_and_guards(store, tmp_path):
    summary = write_study(store, tmp_path / "study")
    assert "13份报告" in summary
    html = (tmp_path / "study" / "study.html").read_text(encoding="utf-8")
    for title in ("覆盖情况", "表格数据", "问题分布", "问题的类别", "套话", "相互抄用", "逐年变化", "方法与引用"):
        assert title in html
    assert "<script" not in html and html.count("<svg") >= 6
    assert "font-family" in html and "Noto Sans CJK SC" in html
    # the township has one report: fewer than MIN_SAMPLE, its median is not shown
    with open(tmp_path / "study" / "tables" / "applications_by_level.csv", encoding="utf-8-sig") as fh:
        rows = {r["层级"]: r for r in csv.DictReader(fh)}
    assert rows["乡镇级"]["中位数"] == TOO_FEW
    assert int(rows["县级"]["有取值的报告"]) >= MIN_SAMPLE and rows["县级"]["中位数"] == "8"


def test_stock_sentences_and_copies(store, tmp_path):
    write_study(store, tmp_path / "study")
    with open(tmp_path / "study" / "tables" / "boilerplate_clusters.csv", encoding="utf-8-sig") as fh:
        clusters = list(csv.DictReader(fh))
    stock = next(c for c in clusters if c["代表表述"] == STOCK + "。")
    assert stock["机关数"] == "13" and stock["使用次数"] == "13"
    assert all(int(c["机关数"]) >= 2 for c in clusters)
    with open(tmp_path / "study" / "tables" / "copy_edges.csv", encoding="utf-8-sig") as fh:
        edges = list(csv.DictReader(fh))
    # shared by two agencies only: the 2021 report is the source, the 2022 one copies it
    assert [(e["来源机关"], e["来源年度"], e["机关"], e["年度"]) for e in edges] == [("第0县人民政府", "2021", "第1县人民政府", "2022")]


def test_study_docx_opens_and_is_deterministic(store, tmp_path):
    from docx import Document

    write_study(store, tmp_path / "one")
    write_study(store, tmp_path / "two")
    for name in ("study.html", "study.docx"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    doc = Document(str(tmp_path / "one" / "study.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert any("套话" in h for h in headings) and headings[-1] == "引用"
    assert len(doc.inline_shapes) >= 6


def test_index_update_adds_only_what_is_new(tmp_path):
    first, second = _run(), _run(6, offset=50)
    out = tmp_path / "out"
    write_store(first, out, report_ids(first.results))
    added = neardup_index.update_index(out / "store")
    assert added["texts"] > 0 and neardup_index.update_index(out / "store")["texts"] == 0
    write_store(second, out, report_ids(second.results))
    again = neardup_index.update_index(out / "store")
    # new: the own sentence of each of the 7 new reports; the stock sentences are known already
    assert again["texts"] == 7
    # the same index as built from scratch over both runs
    fresh = tmp_path / "fresh"
    shutil.copytree(out / "store", fresh, ignore=shutil.ignore_patterns("neardup"))
    neardup_index.update_index(fresh)
    assert _pairs(out / "store") == _pairs(fresh)


def _pairs(store: Path) -> set:
    import duckdb

    con = duckdb.connect()
    neardup_index.index_views(con, store)
    pairs = set(con.execute("SELECT a, b FROM idx_pairs").fetchall())
    con.close()
    return pairs


def test_corpus_command_reads_a_store_or_analyses_files(store, tmp_path):
    result = runner.invoke(app, ["corpus", str(store), "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "study.docx").is_file()
    both = runner.invoke(app, ["corpus", str(store), str(tmp_path / "s"), "--out", str(tmp_path / "t")])
    assert both.exit_code == 2 and "同一个 --out" in both.stderr


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="headless chromium not installed")
def test_study_page_renders_in_chromium(store, tmp_path):
    write_study(store, tmp_path / "study")
    shot = tmp_path / "study.png"
    subprocess.run(
        ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,3000", f"--screenshot={shot}",
         (tmp_path / "study" / "study.html").as_uri()],
        capture_output=True, timeout=120,
    )
    assert shot.is_file() and shot.stat().st_size > 50_000


def test_index_found_in_small_ranges_is_the_index_found_at_once(tmp_path, monkeypatch):
    # The pair search goes one range of node ids at a time (neardup_index.PAIRS_PER_PART), and
    # chooses the heads of the buckets one range of keys at a time (HEAD_ROWS band rows): in ranges
    # of 100 candidates and of 5 band rows, a pair lost or repeated between ranges changes the files.
    run = _run(30)
    out = tmp_path / "out"
    write_store(run, out, report_ids(run.results))
    small = tmp_path / "small"
    shutil.copytree(out / "store", small)
    whole = neardup_index.update_index(out / "store")
    monkeypatch.setattr(neardup_index, "HEAD_ROWS", 5)
    ranged = neardup_index.update_index(small, pairs_per_part=100, chunk=7)
    assert whole == ranged and whole["pairs"] > 30
    files = sorted(p.relative_to(out / "store") for p in (out / "store" / "neardup").rglob("*.parquet"))
    assert files == sorted(p.relative_to(small) for p in (small / "neardup").rglob("*.parquet"))
    assert [(out / "store" / f).read_bytes() == (small / f).read_bytes() for f in files] == [True] * len(files)


def test_pair_search_ranges_meet_without_gap_or_overlap():
    import duckdb

    # Three nodes in one bucket, one of them exactly on the edge of the two ranges.
    edge = neardup_index.NODE_IDS // 2
    con = duckdb.connect()
    con.execute(f"CREATE VIEW idx_bands AS SELECT 0::TINYINT AS band, 7::BIGINT AS key, node, seq "
                f"FROM (VALUES (0, 0), ({edge}, 1), ({neardup_index.NODE_IDS - 1}, 2)) v(node, seq)")
    # 6 candidate rows (each node against the two others), 3 a range: two ranges
    got = list(neardup_index._candidates(con, -1, neardup_index.HEADS, pairs_per_part=3))
    assert got == [(0, edge), (0, neardup_index.NODE_IDS - 1), (edge, neardup_index.NODE_IDS - 1)]


def test_pair_search_ranges_cover_every_id_once_and_hold_their_share():
    # Candidates per slice of 2**SLICE_BITS ids -> ranges of at most 10 candidates, cut at slice edges;
    # a slice of 25 is a range of its own.
    bits, ids = neardup_index.SLICE_BITS, neardup_index.NODE_IDS
    slices = {0: 4, 1: 5, 2: 3, 7: 25, 9: 1, 2**(63 - bits) - 1: 6}
    ranges = neardup_index.id_ranges(slices, 10)
    assert ranges[0][0] == 0 and ranges[-1][1] == ids - 1
    assert all(hi + 1 == lo for (_, hi), (lo, _) in zip(ranges, ranges[1:]))
    held = [sum(n for s, n in slices.items() if lo <= s << bits <= hi) for lo, hi in ranges]
    assert held == [9, 3, 25, 7]
    assert neardup_index.id_ranges({}, 10) == [(0, ids - 1)]


def test_report_counts_by_year_are_ticked_at_whole_numbers():
    """Fails before: three reports a year had the count axis ticked at 0.5, 1.5 and 2.5 reports."""
    from analyzer.output.study import charts

    fig = charts.draw_counts_by(["2023", "2024"], {"省级": [1, 1], "市级": [1, 2]}, ylabel="报告数")
    ticks = fig.axes[0].get_yticks()
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks


def test_an_agencys_own_years_and_the_templates_headings_are_no_copying(tmp_path):
    """hzq2023 (洪泽区人民政府) and hzq2024 (淮安市洪泽区人民政府) are one agency's years: sharing sentences is carrying
    over, not copying between agencies; and 总体情况's sub-headings of the template ("政府信息公开平台建设情况。"),
    written alike by every agency, are neither stock phrasing nor copying (淮安市人民政府 was drawn as copying 洪泽区's)."""
    heading = "政府信息公开平台建设情况。"
    own = "实行政府信息公开工作人员跟班学习制度，不断提高各单位政府信息公开工作人员的思想认识和业务工作水平。"
    results = [_report(1, 2023, "洪泽区人民政府", [heading, own]), _report(2, 2024, "淮安市洪泽区人民政府", [heading, own]),
               _report(3, 2024, "淮安市人民政府", [heading])]
    run = RunResult(results=sorted(results, key=lambda r: r.source), previous={"in/r02.txt": "in/r01.txt"})
    write_store(run, tmp_path / "out", report_ids(run.results))
    write_study(tmp_path / "out", tmp_path / "study")
    with open(tmp_path / "study" / "tables" / "copy_edges.csv", encoding="utf-8-sig") as fh:
        edges = list(csv.DictReader(fh))
    # (the three share the sentences of the hand-made narrative they are built on: 淮安市人民政府 shares those)
    assert not [e for e in edges if {e["来源机关"], e["机关"]} == {"洪泽区人民政府", "淮安市洪泽区人民政府"}]
    assert not [e for e in edges if e["示例"] in (heading, own)]
    with open(tmp_path / "study" / "tables" / "boilerplate_clusters.csv", encoding="utf-8-sig") as fh:
        texts = [c["代表表述"] for c in csv.DictReader(fh)]
    assert heading not in texts and own not in texts


def test_an_agency_under_two_names_in_linked_years_counts_once(tmp_path):
    """The real reports' study counted 8 机关 for 7: 洪泽区人民政府 2023 and 淮安市洪泽区人民政府 2024, linked as one
    agency's years, were two agencies in the count though one everywhere else in the study."""
    at = lambda r, total: replace(r, score=replace(r.score, total=total))  # noqa: E731 (hzq's scores)
    results = [at(_report(1, 2023, "洪泽区人民政府", []), 79.65), at(_report(2, 2024, "淮安市洪泽区人民政府", []), 87.13),
               _report(3, 2024, "淮安市人民政府", [])]
    run = RunResult(results=sorted(results, key=lambda r: r.source), previous={"in/r02.txt": "in/r01.txt"})
    write_store(run, tmp_path / "out", report_ids(run.results))
    write_study(tmp_path / "out", tmp_path / "study")
    page = (tmp_path / "study" / "study.html").read_text(encoding="utf-8")
    assert "<b>2</b><span>机关" in page and "<b>3</b><span>机关" not in page
    # the change is that of the scores as shown (79.7 -> 87.1), not 7.48 shown as 7.5
    with open(tmp_path / "study" / "tables" / "year_over_year.csv", encoding="utf-8-sig") as fh:
        row = next(csv.DictReader(fh))
    assert (row["上年得分"], row["本年得分"], row["变化"]) == ("79.7", "87.1", "7.4")


def _table(study: Path, name: str) -> list[dict]:
    with open(study / "tables" / f"{name}.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _study_of(tmp_path, results, previous=None) -> tuple[Path, str]:
    run = RunResult(results=sorted(results, key=lambda r: r.source), previous=previous or {})
    write_store(run, tmp_path / "out", report_ids(run.results))
    write_study(tmp_path / "out", tmp_path / "study")
    return tmp_path / "study", (tmp_path / "study" / "study.html").read_text(encoding="utf-8")


def test_one_agency_is_not_said_to_share_or_copy_nothing(tmp_path):
    """Fails before: a single report's study (real0012) said "没有发现少数机关之间共用的表述" and showed an empty
    table of stock phrases, as if other agencies had been compared; one agency cannot share a sentence with another."""
    study, page = _study_of(tmp_path, [_report(1, 2023, "洪泽区人民政府", [COPIED + "。"]),
                                       _report(2, 2024, "洪泽区人民政府", [COPIED + "。"])])
    assert "没有发现" not in page and "未发现" not in page
    assert page.count("语料中只有1个机关（2份报告）") == 2  # 套话 and 相互抄用 both say why they say nothing
    assert not (study / "tables" / "boilerplate_clusters.csv").exists() and not (study / "tables" / "copy_edges.csv").exists()


def test_none_found_says_how_much_was_compared(tmp_path):
    own = lambda r, text: replace(r, narrative=replace(r.narrative, statements=(Statement(text, "overview"),)))  # noqa: E731
    study, page = _study_of(tmp_path, [own(_report(1, 2023, "甲县人民政府", []), "甲县全年主动公开政府信息三百余条，均在门户网站发布。"),
                                       own(_report(2, 2023, "乙县人民政府", []), "乙县依申请公开办理工作规范有序，未发生超期答复情形。")])
    assert "比较范围：2个机关的2份报告、2条表述" in page
    assert "在上述范围内未发现2至4个机关共用的表述" in page
    assert "2份可读报告的第五部分中没有识别出问题表述。" in page  # of how many reports, not a bare "没有"


def test_shares_of_small_groups_are_counts_not_percentages(store, tmp_path):
    """Fails before: 2022·县级 has one report, and its finding was stated "100.0%" of the group, its problem categories
    "33.3%" of a year, its outcomes a level's composition, its stock share a level's average."""
    write_study(store, tmp_path / "study")
    study = tmp_path / "study"
    findings = _table(study, "findings_by_year_level")
    small = [c for c in findings[0] if c.startswith("2022·")]
    assert small and all(row[c] == "" or "/" in row[c] and "%" not in row[c] for row in findings for c in small)
    big = next(c for c in findings[0] if c.startswith("2021·县级"))
    assert any(row[big].endswith("%") for row in findings)
    for name in ("categories_by_year", "categories_by_level"):
        rows = _table(study, name)
        for col in rows[0]:
            if col != "类别" and int(col.rsplit("（", 1)[1].rstrip("）")) < MIN_SAMPLE:
                assert all("%" not in row[col] and row[col].endswith("条") for row in rows), (name, col)
    outcomes = {r["层级"]: r for r in _table(study, "outcomes_by_level")}
    assert outcomes["乡镇级"]["报告数"] == "1" and outcomes["乡镇级"]["予以公开"].endswith("件")
    assert outcomes["县级"]["予以公开"].endswith("%")
    share = {r["层级"]: r for r in _table(study, "boilerplate_share_by_level")}
    assert share["乡镇级"]["平均占比"] == TOO_FEW and share["县级"]["平均占比"].endswith("%")


def test_unread_year_and_agency_are_named_not_folded(tmp_path):
    """Fails before: a report of no read year was left out of the year range ("2023–2023") and of the categories by
    year, its column headed "?·", and a report of no read agency was named by its report id in the clusters."""
    unread = _report(2, 2023, "乙县人民政府", [COPIED + "。"])
    unread = replace(unread, meta=replace(unread.meta, agency=None, year=None, level=None),
                     tables=replace(unread.tables, values={}))  # and no table read: its level has no value at all
    study, page = _study_of(tmp_path, [_report(1, 2023, "甲县人民政府", [COPIED + "。"]), unread])
    assert "<b>2023</b><span>年度" in page and "<b>1</b><span>年度未识别的报告" in page
    assert "<b>1</b><span>机关未识别的报告" in page
    assert "?·" not in page and "年度未识别·" in page
    names = " ".join(r["使用的机关（部分）"] for r in _table(study, "boilerplate_clusters"))
    assert "2个机关的2份报告（其中1份报告的机关未识别，各计一个机关）" in page
    assert "机关未识别（r02.txt）" in names and not re.search(r"R[0-9a-f]{16}", names)
    # which was not read, the year or the level, is said on both axes of the coverage table
    assert [r["年度"] for r in _table(study, "coverage_year_level")] == ["2023", "年度未识别"]
    assert "层级未识别" in _table(study, "coverage_year_level")[0]
    # a level without one value has no sample to be too small: "无取值", not "样本不足"
    apps = {r["层级"]: r for r in _table(study, "applications_by_level")}
    assert apps["层级未识别"]["有取值的报告"] == "0" and apps["层级未识别"]["中位数"] == "无取值"
    # one file of two: a count, not "0.0%" of two files
    assert _table(study, "coverage_format")[0]["无法读取占比"] == "0/2" and "共2个文件，其中0个无法读取。" in page


def test_score_changes_of_too_few_pairs_are_not_drawn_as_a_distribution(tmp_path):
    study, page = _study_of(tmp_path, [_report(1, 2023, "洪泽区人民政府", []), _report(2, 2024, "洪泽区人民政府", [])],
                            previous={"in/r02.txt": "in/r01.txt"})
    assert "1对相邻年度的报告" in page and "不作分布图；各对见下表" in page and "得分的逐年变化（" not in page


def test_a_rate_axis_does_not_run_past_100_percent():
    """Fails before: twelve reports all at 100% were drawn on an axis ticked 96% … 104%."""
    from analyzer.output.study import charts

    ax = charts.draw_boxes(["县级"], [[1.0] * 12], xlabel="实质公开率", percent=True).axes[0]
    lo, hi = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if lo <= t <= hi]
    assert lo <= 0 and max(ticks) == pytest.approx(1.0), ticks


def test_the_findings_chart_draws_no_rule_its_groups_do_not_have(store, tmp_path):
    """Fails before: the chart's rules were the corpus's commonest, found only in the groups of one report it no longer
    draws, so it showed rows of 0% for the one group of eleven."""
    write_study(store, tmp_path / "study")
    page = (tmp_path / "study" / "study.html").read_text(encoding="utf-8")
    assert f"报告不少于{MIN_SAMPLE}份的组里没有一份报告有下表所列问题，不作占比图。" in page
    assert "有该问题的报告占比</figcaption>" not in page


def test_a_count_axis_on_a_log_scale_reaches_past_its_values():
    """Fails before: twelve reports of 8 applications were drawn at the end of an axis whose last tick was "10⁰"."""
    from analyzer.output.study import charts

    ax = charts.draw_boxes(["县级"], [[8.0] * 12], xlabel="申请数", log=True).axes[0]
    lo, hi = ax.get_xlim()
    fig = ax.figure
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if lo <= t.get_position()[0] <= hi]
    assert lo == 0 and hi >= 10 and "10" in labels and not any("^" in s or "$" in s for s in labels), labels
