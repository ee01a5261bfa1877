"""Runs in bounded memory (analyzer/scale.py): the same outputs as the whole run in memory."""

from __future__ import annotations

import csv
import json
import itertools
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from _reports import clean_result
from analyzer.linking import link_previous, link_years
from analyzer.model import ReportMeta, ReportResult, RunResult, Statement
from analyzer.narrative import neardup
from analyzer.output.run import write_run
from analyzer.pipeline import analyze_run, finish_run
from analyzer.scale import LINK_CHUNK, MIN_AGENCIES, Spill, analyze_to, finish_one, link_years_spill, shared_statements
from conftest import CORPUS

duckdb = pytest.importorskip("duckdb")
STOCK = "进一步加强政务公开工作的组织领导，把政务公开工作摆上重要议事日程，常抓不懈"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The six TXT reports of corpus/: streamed (small and 'large' ways) and in memory."""
    base = tmp_path_factory.mktemp("scale")
    src = base / "in"
    src.mkdir()
    for p in sorted(CORPUS.glob("*.txt")):
        shutil.copy(p, src)
    (src / "empty.txt").write_bytes(b"")
    write_run(analyze_run([src], workers=2), base / "memory")
    analyze_to([src], out_dir=base / "streamed", workers=2)
    analyze_to([src], out_dir=base / "large", workers=2, whole_run_limit=0)
    return base


def test_streamed_run_writes_the_same_tree(both):
    memory, streamed = _tree(both / "memory"), _tree(both / "streamed")
    assert sorted(memory) == sorted(streamed)
    assert [name for name in memory if memory[name] != streamed[name]] == []
    assert not (both / "streamed" / ".analyzer-spill").exists()


def test_large_run_writes_the_same_reports_and_store(both):
    memory, large = _tree(both / "memory"), _tree(both / "large")
    per_report = [n for n in memory if n.endswith(".json") or n.startswith("store/") or n in ("summary.csv", "failures.csv")]
    assert [n for n in per_report if memory[n] != large.get(n)] == []
    assert "index.html" not in large and "ranking.xlsx" not in large
    # the ranking from the store ranks as output.ranking does
    with open(both / "memory" / "ranking.csv", encoding="utf-8-sig") as fh:
        want = [(r["报告文件"], r["年度"], r["名次"]) for r in csv.DictReader(fh) if r["名次"]]
    with open(both / "large" / "ranking.csv", encoding="utf-8-sig") as fh:
        got = [(r["报告文件"], r["年度"], r["名次"]) for r in csv.DictReader(fh)]
    assert got == want and len({y for _, y, _ in got}) >= 2


def _light(source: str, agency: str | None, year: int | None) -> ReportResult:
    return ReportResult(source=source, format="txt", meta=ReportMeta(None, agency, None, year, "2021"), sections={})


def _spilled(tmp_path, results):
    """The results through a spill's first pass, and a DuckDB connection with its index as the view ``idx``."""
    spill = Spill(tmp_path / "spill")
    for r in results:
        spill.add(r)
    spill.close_pass()
    con = duckdb.connect()
    con.execute(f"CREATE VIEW idx AS SELECT * FROM read_parquet('{spill.glob('index')}')")
    return spill, con


@pytest.mark.parametrize("chunk", [LINK_CHUNK, 1, 3])  # rows through Python at a time: the same links in any case
def test_links_from_the_spill_are_link_years(tmp_path, chunk):
    names = ["某县人民政府", "某县人民政府办公室", "洪泽区人民政府", "淮安市洪泽区人民政府", "南京市鼓楼区人民政府",
             "福州市鼓楼区人民政府", "鼓楼区人民政府", "某县教育局", "江苏省淮安市洪泽区人民政府", "平潭综合实验区管委会",
             "平潭综合实验区管理委员会", None, "某镇人民政府"]
    rng = random.Random(3)
    results = [_light(f"r{i:03d}/{rng.random():.6f}.txt", rng.choice(names), rng.choice([2020, 2021, 2022, None]))
               for i in range(160)]
    want = link_years(results)
    spill, con = _spilled(tmp_path, results)
    competing = link_years_spill(con, spill, chunk=chunk)
    got = dict(con.execute("SELECT source, prev FROM links").fetchall())
    con.close()
    spill.close()
    assert got == {src: prev.source for src, prev in want.previous.items()} and len(got) > 20
    assert competing == {src: tuple(c.source for c in cands) for src, cands in want.competing.items()}
    assert competing  # the same name in one year, different texts: several readings of no one report


def test_a_range_of_reports_is_the_join_of_its_tables(tmp_path):
    # scale._range_rows cuts each table by a query of its own and puts the pieces together in Python
    # (joined in DuckDB, each join held an ~8 MB hash table): the same rows as the join, linked reports
    # in other ranges or in none, reports without shared statements, files' facts included.
    from analyzer.scale import _range_rows

    rng = random.Random(5)
    names = ["某县人民政府", "某县教育局", "洪泽区人民政府", "鼓楼区人民政府", "某镇人民政府", None]
    results = [_light(f"r{i:03d}/{rng.random():.6f}.txt", rng.choice(names), rng.choice([2020, 2021, 2022]))
               for i in range(60)]
    spill, con = _spilled(tmp_path, results)
    link_years_spill(con, spill)
    con.execute("CREATE TABLE shared AS SELECT source, i AS idx FROM idx, range(3) t(i) WHERE hash(source) % 3 = 0 AND i <> 1")
    con.execute("CREATE TABLE files AS SELECT source, 'id-' || source AS file_id, md5(source) AS sha256, "
                "CASE WHEN hash(source) % 4 = 0 THEN 'first' END AS duplicate_of FROM idx")
    sources = [s for (s,) in con.execute("SELECT source FROM idx ORDER BY source").fetchall()]
    bounds = sources[::7]
    got = []
    for k, lo in enumerate(bounds):
        hi = bounds[k + 1] if k + 1 < len(bounds) else None
        got += [(*r[:6], sorted(r[6]) if r[6] else r[6], *r[7:]) for r in _range_rows(con, lo, hi, files=True)]
    want = con.execute("""
        WITH sh AS (SELECT source, list(idx) AS shared FROM shared GROUP BY source)
        SELECT i.source, i."offset", i.length, p."offset", p.length, p.source, list_sort(sh.shared),
               f.file_id, f.sha256, f.duplicate_of, pf.file_id, pf.sha256
        FROM idx i LEFT JOIN links l ON l.source = i.source LEFT JOIN idx p ON p.source = l.prev
             LEFT JOIN sh ON sh.source = i.source JOIN files f ON f.source = i.source LEFT JOIN files pf ON pf.source = l.prev
        ORDER BY i.source""").fetchall()
    con.close()
    spill.close()
    assert got == [tuple(r) for r in want] and len(got) == 60
    assert sum(r[5] is not None for r in got) > 10 and sum(r[6] is None for r in got) > 10


def _with_statements(i: int, agency: str, texts: list[str], year: int = 2021) -> ReportResult:
    r = clean_result(f"in/{i:03d}.txt", agency=agency, year=year)
    return replace(r, narrative=replace(r.narrative, statements=tuple(Statement(t, "overview") for t in texts)))


def _run() -> list[ReportResult]:
    out = []
    for i in range(8):
        texts = [STOCK + f"，这是第{i % 3}种写法。", f"第{i}县本年共收到申请{i * 7}件，全部按期答复。"]
        if i < 2:
            texts.append("我县创新推出政务公开体验日活动，邀请市民代表走进行政服务中心")
        out.append(_with_statements(i, f"第{i}县人民政府", texts))
    out.append(_with_statements(20, "第0县人民政府", [STOCK + "，这是第0种写法。"], year=2022))
    return out


def test_finishing_one_report_at_a_time_is_finishing_the_run():
    results = _run()
    whole = {r.source: r for r in finish_run(RunResult(results=results)).results}
    items = [neardup.Item(r.meta.agency, s.text) for r in results for s in r.narrative.statements]
    where = [(r.source, i) for r in results for i, _ in enumerate(r.narrative.statements)]
    shared = {}
    for (src, i), groups in zip(where, neardup.shared_groups(items, cap=MIN_AGENCIES)):
        if len(groups) >= MIN_AGENCIES:
            shared.setdefault(src, []).append(i)
    links = link_previous(results)
    for r in results:
        assert finish_one(r, shared.get(r.source, ()), links.get(r.source)) == whole[r.source]
    assert any(s.boilerplate for r in whole.values() for s in r.narrative.statements)


def test_shared_statements_from_the_index_agree_with_the_exact_search(tmp_path, monkeypatch):
    from analyzer import scale

    spill = Spill(tmp_path / "spill")
    for r in _run():
        spill.add(r)
    spill.close_pass()
    found = {}
    # exact in memory, then the persisted index, then its neighbours counted 2 a range (scale.NEIGHBOURS_PER_PART)
    # and its statements' groups found 3 statements a range (scale.STATEMENTS_PER_PART)
    for limit, per_part in ((10**6, None), (0, None), (-1, 2)):
        if per_part:
            monkeypatch.setattr(scale, "NEIGHBOURS_PER_PART", per_part)
            monkeypatch.setattr(scale, "STATEMENTS_PER_PART", 3)
        con = duckdb.connect()
        con.execute(f"CREATE VIEW stmts AS SELECT * FROM read_parquet('{spill.glob('statements')}')")
        shared_statements(con, spill, tmp_path / f"store{limit}", limit=limit)
        found[limit] = sorted(con.execute("SELECT source, idx FROM shared").fetchall())
        con.close()
    spill.close()
    assert found[0] == found[10**6] == found[-1] and len(found[0]) >= MIN_AGENCIES + 1
    assert (tmp_path / "store0" / "neardup" / "pairs").is_dir()


def test_large_run_names_links_and_copies_as_the_whole_run(tmp_path, monkeypatch):
    # What a streamed run above WHOLE_RUN_LIMIT computes in DuckDB instead of from lists of
    # the run (scale._file_facts): ids of files that share a stem or a name (x.txt-2 is taken
    # by the time c/x.txt-2 comes), first copies of the same bytes, links and competing links;
    # finished 3 reports a query (scale.FINISH_RANGE) against the whole run in one.
    from analyzer import scale
    from analyzer.scale import finish_spill

    names = ["a/x.txt", "b/x.txt", "c/x.txt-2", "d/y.txt", "d/y.pdf", "e/z-2.txt", "f/z.txt", "g/w.txt"]
    texts = {"b/x.txt": "同一份", "d/y.txt": "同一份", "g/w.txt": "另一份"}
    results = []
    for i, name in enumerate(names):
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(texts.get(name, name), encoding="utf-8")
        agency, year = ("某县人民政府", 2021 + i % 2) if i < 6 else ("某县人民政府", 2020)
        r = clean_result(str(path), agency=agency, year=year)
        if name == "d/y.pdf":  # another report of the agency's 2021, not a reading of the same: links compete
            values = {t: {row: {c: (v + 1 if isinstance(v, int) else v) for c, v in cols.items()} for row, cols in rows.items()}
                      for t, rows in r.tables.values.items()}
            r = replace(r, tables=replace(r.tables, values=values))
        results.append(r)
    trees = {}
    for limit, finish_range in ((10, 10**6), (0, 3)):
        monkeypatch.setattr(scale, "FINISH_RANGE", finish_range)
        spill = Spill(tmp_path / f"spill{limit}")
        for r in results:
            spill.add(r)
        finish_spill(spill, [], tmp_path / f"out{limit}", whole_run_limit=limit)
        spill.close()
        trees[limit] = _tree(tmp_path / f"out{limit}")
    kept = [n for n in trees[10] if n.endswith(".json") or n.startswith("store/") or n == "summary.csv"]
    assert sorted(n for n in kept if n.endswith(".json")) == sorted(n for n in trees[0] if n.endswith(".json"))
    assert [n for n in kept if trees[10][n] != trees[0].get(n)] == []
    assert {"x.txt-2.json", "x.txt-2-2.json", "z-2.json", "y.txt.json"} <= set(trees[0])
    reports = duckdb.connect().execute(
        f"SELECT count(*) FILTER (duplicate_of IS NOT NULL), count(previous_source), "
        f"count(*) FILTER (source LIKE '%w.txt') FROM '{tmp_path / 'out0' / 'store' / 'reports'}/*.parquet'").fetchone()
    assert reports[0] == 1 and reports[1] >= 1
    data = [json.loads(trees[0][n]) for n in trees[0] if n.endswith(".json")]
    assert any(d.get("previous_candidates") for d in data) and any(d.get("previous_report") for d in data)


def test_ranking_from_the_store_ranks_each_year_as_output_ranking(tmp_path):
    # store.ranking_rows sorts one year at a time and counts the ranks itself as the rows come: ties
    # share a rank (1, 1, 3), years come newest first and reports without a year last, the same agency
    # twice in a year counts once, and a rate far from the run's median is flagged (40 reports have it).
    from _reports import flawed_result, scored
    from analyzer.output.ids import report_ids
    from analyzer.output.ranking import rank_results
    from analyzer.output.store import write_ranking_csv, write_store

    results = []
    for i in range(44):
        year = (2022, 2020, None, 2021)[i % 4]
        agency = f"某某市第{i % 40}区人民政府"  # the last four: an agency's second report of a year
        make = flawed_result if i % 3 == 0 else clean_result
        r = replace(make(f"in/{i:03d}.txt"), meta=replace(clean_result().meta, agency=agency, year=year))
        if i == 5:  # a disclosure rate far below the others
            values = {t: {row: dict(cols) for row, cols in rows.items()} for t, rows in r.tables.values.items()}
            values["applications"]["granted"]["total"] = 1
            r = replace(r, tables=replace(r.tables, values=values))
        results.append(scored(r))
    run = RunResult(results=results)
    write_store(run, tmp_path, report_ids(run.results))
    run_id = duckdb.connect().execute(f"SELECT run_id FROM '{tmp_path / 'store' / 'runs'}/*.parquet'").fetchone()[0]
    with open(write_ranking_csv(tmp_path, run_id), encoding="utf-8-sig") as fh:
        got = [(r["报告文件"], r["年度"], r["名次"], r["实质公开率偏离"]) for r in csv.DictReader(fh)]
    rate = lambda r: r.indicators["disclosure_rate"]  # noqa: E731
    want = [(r.source, "" if r.year is None else str(r.year), str(r.rank),
             "" if rate(r).value is None else str(rate(r).flagged)) for r in rank_results(run).ranked]
    assert got == want
    years = list(dict.fromkeys(y for _, y, _, _ in got))
    assert years == ["2022", "2021", "2020", ""] and len(got) == 40
    ranks = [int(rank) for _, _, rank, _ in got]
    assert ranks.count(1) > 4 and any(b > a + 1 for a, b in zip(ranks, ranks[1:]))  # ties, then a rank skipped
    assert [flag for *_, flag in got].count("True") == 1


def test_ranking_from_the_store_takes_the_kept_reports_rates_even_when_null(tmp_path):
    # The run's medians come from the report kept for each agency and year (the smaller source), null rate
    # or not: with 29 kept reports that have a rate no rate is compared (30 needed), even though the
    # agency's other report of that year (in/040) has one.
    from _reports import scored
    from analyzer.output.ids import report_ids
    from analyzer.output.ranking import MIN_COMPARABLE, rank_results
    from analyzer.output.store import write_ranking_csv, write_store

    def with_granted(r, value):
        values = {t: {row: dict(cols) for row, cols in rows.items()} for t, rows in r.tables.values.items()}
        values["applications"]["granted"]["total"] = value
        return replace(r, tables=replace(r.tables, values=values))

    results = []
    for i in range(41):
        r = replace(clean_result(f"in/{i:03d}.txt"), meta=replace(clean_result().meta, agency=f"某某市第{i % 40}区人民政府"))
        if i < 40 - (MIN_COMPARABLE - 1):  # no rate: the kept report of agency 0 among them
            r = with_granted(r, None)
        if i in (20, 40):  # far below the others
            r = with_granted(r, 1)
        results.append(scored(r))
    run = RunResult(results=results)
    write_store(run, tmp_path, report_ids(run.results))
    run_id = duckdb.connect().execute(f"SELECT run_id FROM '{tmp_path / 'store' / 'runs'}/*.parquet'").fetchone()[0]
    with open(write_ranking_csv(tmp_path, run_id), encoding="utf-8-sig") as fh:
        got = [(r["报告文件"], r["实质公开率偏离"]) for r in csv.DictReader(fh)]
    assert [src for src, _ in got] == [r.source for r in rank_results(run).ranked] and len(got) == 40
    assert {flag for _, flag in got} == {""}  # 29 kept reports with a rate: none is compared


def test_ranking_from_the_store_reads_its_run_across_part_files(tmp_path, monkeypatch):
    # store.ranking_rows keeps and orders the reports on a few numbers each, read part file by part file,
    # and reads their rows a stretch of the ranking at a time: with parts of 7 rows, fetches of 5 rows,
    # another run in the same store and unreadable files, every column is still output.ranking's.
    from _reports import flawed_result, scored
    from analyzer.model import Failure
    from analyzer.output import store
    from analyzer.output.ids import report_ids
    from analyzer.output.ranking import rank_results

    def run_of(n: int, prefix: str) -> RunResult:
        results = []
        for i in range(n):
            year = (2022, 2020, None, 2021)[i % 4]
            make = flawed_result if i % 3 == 0 else clean_result
            r = replace(make(f"{prefix}/{i:03d}.txt"),
                        meta=replace(clean_result().meta, agency=f"某某市第{i % 36}区人民政府", year=year))
            results.append(scored(r))
        return RunResult(results=results, failures=[Failure(f"{prefix}/bad.pdf", "无法读取")])

    run, other = run_of(40, "in"), run_of(12, "other")
    ids = report_ids(run.results)
    for r in (other, run):
        with store.StoreWriter(tmp_path / "store", store.run_id_of([r.results[0].source]), batch_rows=7) as w:
            for x in sorted(r.results, key=lambda x: x.source):
                w.add_report(x, file_id=ids.get(x.source), sha256=None)
            w.add_failure(r.failures[0], sha256=None)
    run_id = store.run_id_of([run.results[0].source])
    assert len(list((tmp_path / "store" / "reports").glob("*.parquet"))) > 7

    def ranked(fetch: int) -> list[dict]:
        monkeypatch.setattr(store, "RANKING_FETCH", fetch)
        with open(store.write_ranking_csv(tmp_path, run_id), encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))

    got = ranked(5)
    assert got == ranked(1000)
    want = rank_results(run).ranked
    assert [r["报告文件"] for r in got] == [r.source for r in want] and len(want) == 36
    for row, r in zip(got, want):
        assert row["名次"] == str(r.rank) and row["report_id"] == ids[r.source]
        assert row["年度"] == ("" if r.year is None else str(r.year))
        assert (float(row["总分"]), float(row["准确性"]), float(row["内容质量"])) == (
            round(r.total, 2), round(r.parts["accuracy"], 2), round(r.parts["substance"], 2))
        rate = r.indicators["disclosure_rate"]
        assert row["实质公开率偏离"] == ("" if rate.value is None else str(rate.flagged))
    assert {r["复议纠错率偏离"] for r in got} <= {"True", "False"}


def test_ranking_from_the_store_keeps_the_same_reports_whatever_its_partitions(tmp_path, monkeypatch):
    # store.ranking_rows keeps one report per agency and year (per content when the year is missing) one
    # partition of those keys at a time: however many partitions, each key's reports meet in one, and the
    # kept reports' files are gone afterwards. The run: agencies reporting twice in a year, and copies of
    # reports without a year under other names (their fingerprint stands for them).
    from _reports import flawed_result, scored
    from analyzer.output import store
    from analyzer.output.ids import report_ids
    from analyzer.output.ranking import rank_results

    results = []
    for i in range(60):
        year = (2022, 2021, None)[i % 3]
        make = flawed_result if i % 4 == 0 else clean_result
        agency = f"某某市第{i % 25}区人民政府" if year is not None else f"某某市第{i % 7}区人民政府"
        results.append(scored(replace(make(f"in/{i:03d}.txt"), meta=replace(clean_result().meta, agency=agency, year=year))))
    run = RunResult(results=results)
    store.write_store(run, tmp_path, report_ids(run.results))
    run_id = duckdb.connect().execute(f"SELECT run_id FROM '{tmp_path / 'store' / 'runs'}/*.parquet'").fetchone()[0]
    want = [r.source for r in rank_results(run).ranked]
    assert len(want) < 50  # copies and second reports were left out
    temp = tmp_path / "duckdb"
    got = {}
    for part_rows in (1, 4, store.RANKING_PART_ROWS):
        monkeypatch.setattr(store, "RANKING_PART_ROWS", part_rows)
        con = store.duckdb_connection(store.RUN_MEMORY, temp=temp)
        got[part_rows] = list(store.ranking_rows(con, tmp_path / "store", run_id))
        con.close()
        assert [row[2] for row in got[part_rows]] == want
        assert not list(temp.glob("*"))  # the kept reports' files removed
    assert got[1] == got[4] == got[store.RANKING_PART_ROWS]


def test_ranking_from_the_store_of_only_unreadable_files_is_its_header(tmp_path):
    from analyzer.model import Failure
    from analyzer.output import store

    with store.StoreWriter(tmp_path / "store", "run-x") as w:
        w.add_failure(Failure("in/bad.pdf", "无法读取"), sha256=None)
    with open(store.write_ranking_csv(tmp_path, "run-x"), encoding="utf-8-sig") as fh:
        assert list(csv.reader(fh)) == [store.RANKING_COLUMNS]
