"""The workbench's pieces without HTTP: the store, decisions applied to a report, upload names."""

from __future__ import annotations

import sqlite3

import pytest

from analyzer.model import Finding, ReportMeta, ReportResult
from analyzer.serve.decisions import apply_decisions, cells_of
from analyzer.serve.store import MIGRATIONS, STORE_NAME, Decision, Store
from analyzer.serve.workbench import clean_name


def _result(*findings: Finding) -> ReportResult:
    meta = ReportMeta(title="某镇2021年政府信息公开工作年度报告", agency="某镇人民政府", level="township", year=2021,
                      template="2021")
    return ReportResult(source="r000000000001", format="txt", meta=meta, sections={}, findings=findings)


POWER = Finding("active_disclosure.rules_without_power", "error", "乡镇人民政府无规章制定权，但填报规章1件。",
                "二、主动公开政府信息情况 / 规章 / 本年制发件数", id="Faaaaaaaaaa",
                data={"cells": ["active_disclosure.rules.issued"]})
DOUBT = Finding("template.outdated", "error", "本报告为2021年度报告，但仍使用旧版表格。", "二、主动公开政府信息情况",
                id="Fbbbbbbbbbb", status="uncertain")


def test_dismissed_findings_leave_the_report_and_the_score_follows():
    base = apply_decisions(_result(POWER), {})
    decided = apply_decisions(_result(POWER), {POWER.id: Decision(POWER.id, "dismissed", "已核实", "t")})
    assert decided.findings == ()
    assert decided.score.total > base.score.total


def test_confirming_a_doubtful_finding_makes_it_certain_and_its_points_lost():
    base = apply_decisions(_result(DOUBT), {})
    decided = apply_decisions(_result(DOUBT), {DOUBT.id: Decision(DOUBT.id, "confirmed", "", "t")})
    assert decided.findings[0].status == "confirmed"
    # Points held while the reading was in doubt (待核实) are now lost.
    assert decided.score.pending < base.score.pending and decided.score.total <= base.score.total


def test_cells_of_a_finding():
    assert cells_of(POWER) == ["active_disclosure.rules.issued"]
    carried = Finding("continuity.carried_over", "warning", "m", "w", data={"column": "total"})
    assert cells_of(carried) == ["applications.carried_over.total"]
    assert cells_of(Finding("narrative.boilerplate", "info", "m", "w", data={"cells": ["../x"]})) == []


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\报告.pdf", "报告.pdf"),
    ("  a\x00b\n.txt ", "ab.txt"),
    ("...", "未命名文件"),
    (None, "未命名文件"),
    (".hidden.txt", "hidden.txt"),
    # Fails before: Chromium sends 名 字 'q"x.txt as 名 字 'q%22x.txt, and the page showed the escape.
    ("名 字 'q%22x.txt", "名 字 'q\"x.txt"),
    ("报告%0d%0A终稿.pdf", "报告 终稿.pdf"),
])
def test_upload_names_are_shown_never_used_as_paths(name, shown):
    assert clean_name(name) == shown


def test_store_keeps_uploads_by_hash_and_decisions_by_finding(tmp_path):
    store = Store(tmp_path)
    sha = store.keep_upload(b"abc", suffix=".txt")
    again = store.keep_upload(b"abc", suffix=".pdf")  # the same bytes under another name: one copy
    assert sha == again
    files = [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert [p.name for p in files] == [f"{sha}.txt"]
    store.add_report(report_id="r" + sha[:12], sha256=sha, file="a.txt", batch="b1")
    assert store.report("r" + sha[:12]).status == "queued"
    store.decide(finding_id="F1234567890", decision="dismissed", reason="理由")
    store.decide(finding_id="F1234567890", decision="confirmed", reason="")
    assert store.decisions()["F1234567890"].decision == "confirmed"
    store.decide(finding_id="F1234567890", decision=None, reason="")
    assert store.decisions() == {}
    with pytest.raises(ValueError):
        store.upload_path("../../x", "")
    store.close()


def test_migrations_run_once_and_keep_data(tmp_path):
    store = Store(tmp_path)
    store.save_review(report_key="某镇人民政府|2021", overall="好", problems=["一", "二"], suggestions=[], closing="")
    store.close()
    store = Store(tmp_path)
    assert store.review("某镇人民政府|2021").problems == ("一", "二")
    store.close()
    conn = sqlite3.connect(tmp_path / STORE_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_readings_of_another_version_are_read_again(tmp_path):
    store = Store(tmp_path)
    sha = store.keep_upload(b"x", suffix=".txt")
    store.add_report(report_id="r" + sha[:12], sha256=sha, file="a.txt", batch="b")
    store.save_reading("r" + sha[:12], _result(POWER))
    assert [rid for rid, _ in store.readings()] == ["r" + sha[:12]]
    store.conn.execute("UPDATE reports SET version = '0.0.1+deadbeef'")
    assert list(store.readings()) == []
    assert store.requeue_stale() == 1 and store.report("r" + sha[:12]).status == "queued"
    store.close()


def test_a_scanned_cell_is_shown_in_the_box_ocr_found_it_in():
    # Fails before: the page view looked for a "bbox" no source has, so no scanned cell was ever boxed.
    from analyzer.model import CellReading, CellSource
    from analyzer.serve.views import cell_box

    reading = CellReading(page=2, box=(100.0, 200.0, 140.0, 215.0), confidence=0.97)
    assert cell_box(CellSource("12", "规章", "本年制发件数", page=2).read_by(reading)) == (100.0, 200.0, 140.0, 215.0)
    assert cell_box(CellSource("12", "规章", "本年制发件数", page=2)) is None
    assert cell_box(None) is None


def test_a_single_other_processing_row_is_shown_as_reported():
    """Fails before: a 2021 report that filled （六）其他处理 as one row showed three blank sub-rows on the
    report page, hiding the numbers it reported (and the sums were checked with)."""
    from dataclasses import replace

    from _reports import clean_result, full_tables
    from analyzer.serve.views import table_grids

    tables = full_tables()
    values = {t: {r: dict(c) for r, c in rows.items()} for t, rows in tables.values.items()}
    for row in ("other_no_correction", "other_fee_unpaid", "other_other"):
        values["applications"][row] = {col: None for col in values["applications"][row]}
    single = (3, 0, 0, 0, 0, 1, 4)
    tables = replace(tables, values=values, aux_rows={"applications.other_processing": single})
    grid = table_grids(replace(clean_result(), tables=tables), {})["applications"]["rows"]
    other = [r for r in grid if any("（六）" in label["text"] for label in r["labels"])]
    assert len(other) == 1
    assert [c["value"] for c in other[0]["cells"]] == list(single)
    assert "仅填一行合计" in other[0]["labels"][-1]["text"]
    assert not [c for r in grid for c in r["cells"] if c["key"].startswith("applications.other_fee_unpaid")]
    result_label = next(label for r in grid for label in r["labels"] if label["text"] == "三、本年度办理结果")
    assert result_label["rowspan"] == sum(1 for r in grid) - 3  # new, carried over, carried forward stand apart


def test_years_page_says_agree_only_of_what_continuity_compared():
    """历年对比 said “相邻年度报告的上年结转、现行有效件数前后衔接，未发现问题” of a 2020 report on the 2019 template (no
    现行有效件数) linked to its 2021 report: it says so of 上年结转 only and that 现行有效件数 could not be compared."""
    import re
    from dataclasses import replace

    from _reports import clean_result, full_tables
    from analyzer.serve.app import _environment
    from analyzer.serve.views import _continuity_unchecked

    cur = clean_result(year=2021)
    prev = clean_result(source="corpus/prev.txt", year=2020, tables=full_tables("2019"))
    prev = replace(prev, meta=replace(prev.meta, template="2019"))
    unchecked = _continuity_unchecked([(prev, cur)])
    assert unchecked == {"checked": "上年结转", "unchecked": "现行有效件数"}
    html = _environment().get_template("agency.html").render(
        request=None, signed_in=False, loading=None, key="k", names=["某某区人民政府"], ids=["a", "b"], results=[prev, cur],
        table=[], continuity=[], unchecked=unchecked, repeated=[], recurring=[], pairs=1, rows=[])
    said = re.sub(r"<[^>]+>", "", html)
    assert "相邻年度报告的上年结转前后衔接，未发现问题" in said and "现行有效件数前后衔接" not in said
    assert "相邻年度报告的现行有效件数未能核对" in said
