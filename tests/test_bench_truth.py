"""The truth benchmark's generator is deterministic and its expected values hold together.

``bench/variants.py`` writes reports whose truth is known by construction; these
tests check that construction, not the analyzer: flattened digit runs re-split to
the expected cells, pairs of years compute the expected continuity break, traps
and damage are where the expected values say, and the matching of claims in
``bench/bench_truth.py`` follows its documented rule + location contract.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_truth as B  # noqa: E402
from bench import truth_schema as ts  # noqa: E402
from bench import variants as V  # noqa: E402

SEEDS = ("seed000", "seed001", "seed900")


@pytest.fixture(scope="module")
def bases():
    found = [b for b in V.load_bases() if b.name in SEEDS]
    assert {b.name for b in found} == set(SEEDS)
    return found


@pytest.fixture(scope="module")
def variants(bases):
    return V.generate(bases=bases)


def _text(v) -> str:
    return v.data.decode("utf-8")


def test_generator_is_deterministic(bases, variants):
    again = V.generate(bases=bases)
    assert [v.name for v in again] == [v.name for v in variants]
    for a, b in zip(variants, again):
        assert a.expected == b.expected, a.name
        assert a.data == b.data, a.name
    assert len({v.name for v in variants}) == len(variants)


def test_every_family_has_variants(variants):
    assert {v.family for v in variants} == set(V.FAMILIES)


def test_expected_values_are_complete(variants):
    for v in variants:
        e = v.expected
        assert set(e["report"]) == {"agency", "level", "year", "template"}, v.name
        assert e["report"]["agency"] and e["report"]["year"], v.name
        assert set(e["tables"]) == {"active_disclosure", "applications", "review_litigation"}, v.name
        for rule, loc in e["findings"]:
            assert rule in e["scored"], (v.name, rule)
            assert loc == "report" or loc.split(".")[0] in ("active_disclosure", "applications", "review_litigation", "overview"), loc
        json.dumps(e, ensure_ascii=False)


def test_control_prints_every_expected_cell(variants, bases):
    by_name = {b.name: b for b in bases}
    for v in variants:
        if v.family != "control" or v.suffix != ".txt":
            continue
        text = _text(v)
        base = by_name[v.expected["base"]]
        assert base.title in text
        for key, value in ts.cells(v.expected["tables"]):
            if value is not None:
                assert V.fmt(value) in text, (v.name, key)


# ---------------------------------------------------------------- flattened tables


def _runs_from_flat(text: str, template: str = "2021") -> dict[str, str]:
    """Each applications row's digit run: what stands between its printed label and the next row's.

    As on real pages, a run is followed directly by the next label's enumerator
    ("…00000002.其他法律…"), so a run ends where the next label begins.
    """
    body = text.split("三、收到和处理政府信息公开申请情况", 1)[1].split("四、政府信息公开行政复议", 1)[0]
    spans, pos = [], 0
    for key, parts in ts.app_rows(template):
        start = body.index(parts[-1], pos)
        spans.append((key, start, start + len(parts[-1])))
        pos = start + len(parts[-1])
    runs = {}
    for i, (key, _, end) in enumerate(spans):
        stop = spans[i + 1][1] if i + 1 < len(spans) else len(body)
        runs[key] = re.match(r"\d+", body[end:stop]).group(0)
    return runs


def test_flattened_runs_resplit_to_the_expected_cells(variants):
    seen = 0
    for v in variants:
        if v.family != "flattened":
            continue
        seen += 1
        runs = _runs_from_flat(_text(v))
        several = [k for k, run in runs.items() if len(ts.summed_splits(run, 6)) > 1]
        assert len(several) >= 2, (v.name, "rows that split several ways alone")
        sols = ts.solve_applications(runs, "2021")
        want = v.expected["tables"]["applications"]
        if v.name.endswith("ambiguous"):
            assert len(sols) > 1
        else:
            assert len(sols) == 1, v.name
        for row, run in runs.items():
            for i, col in enumerate(ts.APPLICANTS):
                values = {s[row][i] for s in sols}
                expected = want[row][col]
                if len(values) == 1:
                    assert expected == values.pop(), (v.name, row, col)
                else:
                    assert expected is None, (v.name, row, col)
                    assert ("tables.ambiguous_cell", f"applications.{row}.{col}") in map(tuple, v.expected["findings"])
        # 四: one run of 15 cells, split by the group totals
        rev_run = re.search(r"尚未审结总计(\d{15,})", _text(v)).group(1)
        rev = ts.solve_review(rev_run)
        for i, (g, o) in enumerate((g, o) for g in ts.GROUPS for o in ts.OUTCOMES):
            values = {s[i] for s in rev}
            assert v.expected["tables"]["review_litigation"][g][o] == (values.pop() if len(values) == 1 else None)
    assert seen


def test_solver_agrees_with_brute_force():
    import random

    r = random.Random(7)
    for _ in range(200):
        vals = [r.choice((0, 1, 2, 3, 11, 12, 21, 111)) for _ in range(6)]
        run = ts.run_of(vals + [sum(vals)])
        brute = sorted(s for s in ts.splits(run, 7) if sum(s[:6]) == s[6])
        assert sorted(ts.summed_splits(run, 6)) == brute
    # a real row of 四 (real0003): unique once every group's total is used
    assert ts.solve_review("10203120001200000") == [(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)]
    assert len(ts.summed_splits("112000013", 6)) == 2  # 1|12 or 11|2: ambiguous alone


# ---------------------------------------------------------------- pairs of years


def test_pairs_compute_the_expected_break(variants):
    groups: dict[str, list] = {}
    for v in variants:
        if v.family == "pairs":
            groups.setdefault(v.expected["group"], []).append(v)
    assert groups
    for group, members in groups.items():
        by_name = {m.name: m for m in members}
        for m in members:
            prev = m.expected["previous"]
            got = {tuple(f) for f in m.expected["findings"] if f[0].startswith("continuity.")}
            if prev is None:
                assert not got, m.name  # not linked: no continuity claim can be true
                continue
            want = set(ts.continuity_findings(by_name[prev].expected["tables"], m.expected["tables"], "2021", "2021"))
            assert got == want, m.name
            if group.endswith("-continue"):
                assert not want
            elif group.endswith("-break-carried"):
                assert {loc for _, loc in want} >= {"applications.total"} and len(want) == 2
            elif group.endswith(("-break-in-force", "-names")):
                assert want == {("continuity.in_force", "active_disclosure.normative_documents")}
            # the made year is sound in itself: 一+二 = 三（七）+四 and row totals hold
            own = {tuple(f)[0] for f in m.expected["findings"]}
            assert "applications.balance" not in own and "applications.row_total" not in own, m.name


def test_html_layouts_follow_their_headers(variants):
    for v in variants:
        if v.family != "html_tables":
            continue
        e = v.expected
        kind = v.name.split("-", 2)[2]
        layout = V.HTML_LAYOUTS[kind]
        own = {tuple(f)[0] for f in e["findings"]}
        # the made tables are sound: nothing but the cells a layout leaves out is expected
        assert own <= {"tables.missing_cell"}, v.name
        dropped = layout.get("app_drop")
        for row, cols in e["tables"]["applications"].items():
            assert (cols[dropped] is None) if dropped else all(x is not None for x in cols.values()), (v.name, row)
            if dropped:
                assert ("tables.missing_cell", f"applications.{row}.{dropped}") in map(tuple, e["findings"])
        table = _text(v).split("三、收到和处理政府信息公开申请情况", 1)[1].split("四、政府信息公开行政复议", 1)[0]
        header = re.findall(r"<td[^>]*>(自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计)</td>", table)
        order = [ts.APPLICANT_LABELS[c] for c in (layout.get("app_order") or ts.APPLICANTS) if c != dropped]
        outer = ("自然人", "总计")
        if layout.get("flat_header"):
            assert header == order, v.name
        else:  # 自然人 and 总计 span two header rows; the organisations sit in the lower one
            assert [h for h in header if h in outer] == [h for h in order if h in outer], v.name
            assert [h for h in header if h not in outer] == [h for h in order if h not in outer], v.name


def test_districts_of_one_name_are_never_expected_linked(variants):
    for v in variants:
        if v.family == "pairs" and ("districts" in v.name or "competing" in v.name):
            assert v.expected["previous"] is None


# ---------------------------------------------------------------- traps, damage, headings, departments


def test_narrative_traps_are_in_the_text(variants):
    for v in variants:
        if v.family != "narrative_traps":
            continue
        sentence = v.expected["note"].split("inserted: ", 1)[1]
        text = _text(v)
        assert sentence in text or html.escape(sentence) in text, v.name
        t = v.expected["tables"]["applications"]
        if "contradiction" in v.name and "review" not in v.name:
            stated = int(re.findall(r"(\d+)件", sentence)[-1])
            assert stated not in (t["new_received"]["total"], t["new_received"]["total"] + (t["carried_over"]["total"] or 0))
            assert ("narrative.table_mismatch", "applications.new_received.total") in map(tuple, v.expected["findings"])
        elif any(k in v.name for k in ("documents", "last-year", "scope", "compared", "agrees")):
            # a trap: the sentence speaks of something else, so the base's own findings are all that is expected
            base_own = {tuple(f) for f in v.expected["findings"] if f[0] == "narrative.table_mismatch"}
            stated = [int(n) for n in re.findall(r"(\d+)[件条]", sentence)]
            if "agrees" in v.name:
                assert stated == [t["new_received"]["total"]]
            else:
                assert t["new_received"]["total"] not in stated[-1:]
            assert all(f in map(tuple, v.expected["findings"]) for f in base_own)


def test_damage_marks_are_printed_and_their_cells_unreadable(variants):
    for v in variants:
        if v.family != "damage":
            continue
        note = v.expected["note"]
        printed = note.rsplit(" as ", 1)[1].strip("'")
        assert printed in _text(v) or html.escape(printed) in _text(v), v.name
        assert v.expected["unreadable"], v.name


def test_own_errors_are_printed_and_each_broken_relation_is_expected(variants, bases):
    by_name = {b.name: b for b in bases}
    errors = [v for v in variants if v.family == "errors"]
    assert {v.filename.rsplit(".", 1)[1] for v in errors} == {"txt", "html", "docx"}
    for v in errors:
        base = by_name[v.expected["base"]]
        changed = [(t, r, c) for t, rows in v.expected["tables"].items() for r, cols in rows.items() for c, x in cols.items()
                   if x != base.tables[t][r][c]]
        assert len(changed) == 1, v.name
        (t, r, c), = changed
        assert 1 <= v.expected["tables"][t][r][c] - base.tables[t][r][c] <= 3
        broken = {tuple(f) for f in v.expected["findings"]} - set(ts.table_findings(
            base.tables, base.template, base.agency, base.level, base.year, base.absent_rows)[0])
        assert broken, v.name  # a cell off by 1 to 3 breaks at least one relation of the printed table
        if v.filename.endswith(".txt"):
            assert str(v.expected["tables"][t][r][c]) in _text(v)


def test_deviating_headings_replace_the_standard_ones(variants):
    for v in variants:
        if v.family != "headings" or not v.name.split("-")[-2] in V.HEADING_DEVIATIONS:
            continue
        heads = V.HEADING_DEVIATIONS[v.name.split("-")[-2]]
        text = _text(v)
        for key, printed in heads.items():
            assert printed.strip() in text or html.escape(printed.strip()) in text
            assert ts.SECTION_TITLES[key] not in text.replace(printed, "")


def test_department_titles_name_the_department(variants):
    for v in variants:
        if v.family == "department" and v.suffix == ".txt" and "-header" not in v.name:
            written = v.expected["note"].split("agency ", 1)[1].split(" (")[0]
            assert written in _text(v).split("\n")[0]


# ---------------------------------------------------------------- the matching contract of bench_truth


def test_where_strings_become_canonical_locations():
    assert V.loc_from_where("narrative.table_mismatch", "overview/依申请公开 vs applications/new_received/total") == [
        "applications.new_received.total"]
    assert V.loc_from_where("tables.missing_row", "applications/other_no_correction, other_fee_unpaid, other_other") == [
        "applications.other_no_correction", "applications.other_fee_unpaid", "applications.other_other"]
    assert V.loc_from_where("template.outdated", "active_disclosure + applications") == ["report"]
    assert V.loc_from_where("applications.balance", "applications/natural_person") == ["applications.natural_person"]


def test_claims_are_matched_by_rule_and_location():
    exp = {"findings": [("applications.balance", "applications.natural_person"),
                        ("continuity.in_force", "active_disclosure.normative_documents")],
           "optional": [("tables.missing_cell", "applications.carried_forward.total")],
           "scored": list(V.SCORED)}
    balance_np = {"rule": "applications.balance", "data": {"column": "natural_person", "cells": [
        "applications.new_received.natural_person"]}}
    balance_total = {"rule": "applications.balance", "data": {"column": "total"}}
    in_force = {"rule": "continuity.in_force", "data": {"row": "normative_documents"}}
    missing = {"rule": "tables.missing_cell", "data": {"cells": ["applications.carried_forward.total",
                                                                "applications.granted.total"]}}
    result = {"findings": [balance_np, balance_total, in_force, missing], "sections": list(ts.SECTION_KEYS)}
    j = B.Judged()
    B.judge_findings("doc", exp, result, j)
    assert [(r, sorted(l)[-1]) for _, r, l, _ in j.true] == [("applications.balance", "applications.new_received.natural_person"),
                                                           ("continuity.in_force", "active_disclosure.normative_documents")]
    assert [(r, "applications.granted.total" in l) for _, r, l, _ in j.false] == [("applications.balance", False),
                                                                         ("tables.missing_cell", True)]
    assert len(j.allowed) == 1 and not j.missed
    # a section the analyzer did not find is a claim that it is missing
    j = B.Judged()
    B.judge_findings("doc", {"findings": [], "optional": [], "scored": list(V.SCORED)},
                     {"findings": [], "sections": ["overview"]}, j)
    assert {next(iter(l)) for _, r, l, _ in j.false if r == "sections.missing"} == set(ts.SECTION_KEYS) - {"overview"}


def test_visible_documents_keep_their_expected_files():
    docs = B.visible_docs()
    names = {d.name for d in docs}
    assert {"seed000-txt", "seed000-pdf", "seed000-docx", "seed000-html"} <= names
    real = [d for d in docs if d.name.startswith(("real", "pdf_"))]
    if not V.REAL.is_dir():
        return
    pair = {d.name: d for d in real}
    assert pair["real0014"].expected["previous"] == "real0051"
    assert ("continuity.in_force", "active_disclosure.normative_documents") in map(tuple, pair["real0014"].expected["findings"])
    assert pair["real0014"].group == pair["real0051"].group


# ---------------------------------------------------------------- PDF renderings (bench/pdf_render.py)


def test_pdf_choice_covers_every_family_layout_and_base(variants):
    from bench import pdf_render as P

    every = P.choose(variants, every_base=True)
    fams = {members[0].family for members, _ in every}
    assert fams == {v.family for v in variants if P._printable(v)}
    control = [(m[0].expected["base"], layout) for m, layout in every if m[0].family == "control"]
    assert sorted(control) == sorted((b, layout) for b in SEEDS for layout in P.LAYOUTS)
    for members, layout in every:
        assert all(P._printable(v) for v in members)
        assert (layout == P.FLAT) == bool(members[0].report.flat), members[0].name
        if members[0].family == "pairs":  # a whole run of years, never half of one
            group = members[0].expected["group"]
            assert {v.name for v in members} == {v.name for v in variants if v.expected["group"] == group}
    half = P.choose(variants)
    assert set(map(P.pdf_name_of, half)) < set(map(P.pdf_name_of, every))
    assert {m[0].family for m, _ in half} == fams  # every family still printed
    assert [P.pdf_name_of(x) for x in P.choose(variants)] == [P.pdf_name_of(x) for x in half]  # stable


def test_a_table_cut_by_a_page_keeps_every_cell(bases):
    from bench import pdf_docx as D

    grid = V._app_grid(V.report_of(bases[0]))
    whole = V.expand(grid)
    for at in range(4, len(grid) - 1):
        top, bottom = D.split_grid(grid, at)
        cut = V.expand(top) + V.expand(bottom)
        assert len(cut) == len(whole) and all(len(r) == len(whole[0]) for r in cut), at
        for r, (got, want) in enumerate(zip(cut, whole)):
            for c, (g, w) in enumerate(zip(got, want)):
                # a merged label over the cut is printed above it only
                assert g == w or (r >= at and g == "" and not re.fullmatch(r"[\d.]*", w)), (at, r, c, g, w)


def _document_xml(data: bytes) -> str:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


def test_pdf_word_file_is_stable_and_prints_every_cell(variants):
    from bench import pdf_render as P

    v = next(v for v in variants if v.family == "control" and v.expected["base"] == "seed900")
    for layout in P.LAYOUTS:
        data = P.docx_bytes(v.report, layout, "x")
        assert data == P.docx_bytes(v.report, layout, "x"), layout
        xml = _document_xml(data)
        texts = re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml)
        for key, value in ts.cells(v.expected["tables"]):
            if value is not None:
                assert V.fmt(value) in texts, (layout, key)
        assert ("TableGrid" in xml) == (layout != "borderless")
        assert xml.count("<w:tbl>") == len(V._active_grids(v.report)) + 2 + (layout == "break")
        assert xml.count("<w:pageBreakBefore/>") == 1 + (layout == "break")  # 三 starts a page; break cuts it once more
    header_only = next(v for v in variants if v.family == "header_title" and v.name.endswith("core-title-docx"))
    data = P.docx_bytes(header_only.report, "ruled", "x")
    import docx
    import io

    assert docx.Document(io.BytesIO(data)).core_properties.title == header_only.report.header_title
    assert header_only.report.header_title not in _document_xml(data)


def test_pdf_variants_are_named_grouped_and_linked(variants, monkeypatch):
    from bench import pdf_render as P

    chosen = [pick for pick in P.choose(variants, every_base=True) if pick[0][0].family in ("pairs", "control")][:6]
    chosen += [pick for pick in P.choose(variants, every_base=True) if pick[0][0].family == "pairs"][:2]
    monkeypatch.setattr(P, "convert", lambda items, **kw: ([b"%PDF-1.4 fake"] * len(items), 0))
    out, cost = P.render(chosen)
    assert len(out) == sum(len(m) for m, _ in chosen) and not cost["missing"]
    names = {v.name for v in out}
    for v in out:
        e = v.expected
        assert v.suffix == ".pdf" and e["format"] == "pdf" and e["layout"] in P.LAYOUTS + (P.FLAT,)
        assert v.name == e["name"] and v.name.endswith(f"-pdf-{e['layout']}")
        assert e["source"] in {m.name for m in variants}
        if e["previous"]:
            assert e["previous"] in names and e["previous"].endswith(e["layout"])
        if v.family == "pairs":
            assert e["group"].endswith(f"-pdf-{e['layout']}")
        else:
            assert e["group"] == v.name
    # a group LibreOffice could not print is left out whole
    monkeypatch.setattr(P, "convert", lambda items, **kw: ([None] + [b"%PDF"] * (len(items) - 1), 0))
    out, cost = P.render(chosen)
    assert cost["missing"] == len(chosen[0][0]) and len(out) == sum(len(m) for m, _ in chosen[1:])


def test_printed_pdfs_stay_in_a_folder_of_the_run_unless_a_cache_is_asked_for(monkeypatch, tmp_path):
    """The variants print ../shared/corpus-real text: by default nothing of it outlives the run."""
    import tempfile

    from bench import pdf_render as P

    monkeypatch.delenv("ANALYZER_BENCH_PDF_CACHE", raising=False)
    monkeypatch.setattr(P, "_RUN_CACHE", None)
    folder = P.cache_dir()
    assert folder.is_dir() and folder.parent == Path(tempfile.gettempdir()) and P.cache_dir() == folder
    folder.rmdir()
    monkeypatch.setenv("ANALYZER_BENCH_PDF_CACHE", str(tmp_path))
    assert P.cache_dir() == tmp_path


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice (soffice) not installed")
def test_libreoffice_prints_a_variant_and_the_cache_keeps_it(variants, monkeypatch, tmp_path):
    from bench import pdf_render as P
    import pdfplumber
    import io

    monkeypatch.setenv("ANALYZER_BENCH_PDF_CACHE", str(tmp_path))
    v = next(v for v in variants if v.family == "control" and v.expected["base"] == "seed900")
    item = (P.docx_bytes(v.report, "borderless", "x"), v.report.published)
    (pdf,), converted = P.convert([item])
    assert converted == 1 and pdf and pdf.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages)
        assert doc.metadata.get("Title") == v.report.header_title
    assert re.sub(r"\s+", "", v.report.title) in re.sub(r"\s+", "", text)
    assert str(v.expected["tables"]["applications"]["new_received"]["total"]) in text
    again, converted = P.convert([item])
    assert converted == 0 and again == [pdf]


def test_results_are_told_per_format_and_against_the_source(variants, capsys):
    src = next(v for v in variants if v.family == "control" and v.suffix == ".txt")
    doc = B.Doc(src.name, "control", src.name, src.expected, data=src.data, suffix=".txt")
    pdf_expected = dict(src.expected, name="p", format="pdf", layout="ruled", source=src.name, group="p")
    pdf = B.Doc("p", "control", "p", pdf_expected, data=b"", suffix=".pdf")
    right = {"report": dict(src.expected["report"]), "tables": src.expected["tables"], "findings": [],
             "sections": list(ts.SECTION_KEYS), "notes": []}
    wrong = dict(right, report=dict(right["report"], agency=None))
    tallies = B.judge([doc, pdf], {src.name: right, "p": wrong}, {}, {})
    assert tallies["format:txt"].identity == 1 and tallies["format:pdf"].identity == 0
    assert tallies["format:pdf/ruled"].docs == 1
    from bench import truth_print as TP

    TP.print_formats(tallies)
    TP.print_against_source([doc, pdf], tallies["ALL"].per_doc, True)
    out = capsys.readouterr().out
    assert re.search(r"^  pdf\s+1\s+0\s+0\.0%", out, re.M) and re.search(r"^    ruled\s+1", out, re.M)
    assert re.search(r"identity\s+1 in\s+1 documents", out)


def test_a_sample_prints_to_pdf_what_it_reads_in_other_formats(variants, monkeypatch):
    from bench import pdf_render as P

    monkeypatch.setattr(B.V, "generate", lambda families: [v for v in variants if v.family in families])
    monkeypatch.setattr(P, "convert", lambda items, **kw: ([b"%PDF-1.4 fake"] * len(items), 0))
    docs = B.variant_docs(["control", "department"], per_family=2)
    read = {d.name for d in docs if d.format != "pdf"}
    pdfs = [d for d in docs if d.format == "pdf"]
    for family in ("control", "department"):
        assert 0 < len({d.group for d in pdfs if d.family == family}) <= 2, family
    # every base of control is printed: its sampled PDFs are those of the sampled TXT/HTML
    assert all(d.expected["source"] in read for d in pdfs if d.family == "control"), [d.name for d in pdfs]
