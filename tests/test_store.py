"""The corpus store: rows against the report JSON, runs combined, `analyzer sql`, the documented queries."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.output.store import COLUMNS, connect, query
from conftest import CORPUS, ROOT

duckdb = pytest.importorskip("duckdb")
runner = CliRunner()
SEEDS = ["000_d1513ee4e846cccb.txt", "001_dc17ca86c1b8bf45.txt", "002_1d3bd799e56a65c1.html"]
STORE_DOC = ROOT / "docs" / "STORE.md"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> Path:
    """Three seeds, one of them again under another name, and an empty file, analysed into one folder."""
    base = tmp_path_factory.mktemp("store")
    src = base / "in"
    src.mkdir()
    for name in SEEDS:
        shutil.copy(CORPUS / name, src / name)
    shutil.copy(CORPUS / SEEDS[0], src / "copy_of_000.txt")
    (src / "empty.txt").write_bytes(b"")
    out = base / "out"
    result = runner.invoke(app, ["analyze", str(src), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    return out


def _reports_json(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}


def test_rows_match_the_report_json(analysed):
    con = connect(analysed)
    reports = _reports_json(analysed)
    rows = con.execute(
        "SELECT file_id, agency, level, year, score_total, findings, statements, cells_read FROM all_reports "
        "WHERE status <> 'unreadable' ORDER BY file_id"
    ).fetchall()
    assert [r[0] for r in rows] == sorted(reports)
    for file_id, agency, level, year, total, n_findings, n_statements, cells_read in rows:
        data = reports[file_id]
        assert (agency, level, year) == (data["report"]["agency"], data["report"]["level"], data["report"]["year"])
        assert total == data["score"]["total"]
        assert n_findings == len(data["findings"])
        assert n_statements == len(data["narrative"]["statements"])
        assert cells_read == sum(v is not None for t in data["tables"].values() for r in t.values() for v in r.values())
    one = reports[Path(SEEDS[1]).stem]
    rid = con.execute("SELECT report_id FROM reports WHERE file_id = ?", [Path(SEEDS[1]).stem]).fetchone()[0]
    cells = dict(
        ((t, r, c), v) for t, r, c, v in con.execute(
            'SELECT "table", row, "column", value FROM cells WHERE report_id = ?', [rid]).fetchall()
    )
    for t, table in one["tables"].items():
        for r, row in table.items():
            for c, v in row.items():
                assert cells[(t, r, c)] == v, (t, r, c)
    findings = con.execute("SELECT finding_id, rule, severity, message FROM findings WHERE report_id = ? ORDER BY finding_id", [rid]).fetchall()
    assert findings == sorted((f["id"], f["rule"], f["severity"], f["message"]) for f in one["findings"])
    kept = con.execute("SELECT sum(points) FROM scores WHERE report_id = ? AND kind = 'kept'", [rid]).fetchone()[0]
    assert kept == pytest.approx(one["score"]["total"], abs=0.02)
    texts = [r[0] for r in con.execute("SELECT text FROM statements WHERE report_id = ? ORDER BY position", [rid]).fetchall()]
    assert texts == [s["text"] for s in one["narrative"]["statements"]]


def test_the_same_report_twice_is_one_row(analysed):
    con = connect(analysed)
    assert con.execute("SELECT count(*) FROM all_reports").fetchone()[0] == 5
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 4  # the copy of seed 000 is the same report
    assert con.execute("SELECT count(DISTINCT report_id) FROM reports").fetchone()[0] == 4
    sources = {r[0] for r in con.execute("SELECT source FROM all_reports WHERE sha256 = (SELECT sha256 FROM all_reports WHERE source LIKE '%copy_of_000.txt')").fetchall()}
    assert len(sources) == 2
    # the child views hold one report's rows once
    per_report = con.execute("SELECT count(*) FROM cells GROUP BY report_id").fetchall()
    assert len(per_report) == 3 and len({n for (n,) in per_report}) == 1


def test_unreadable_files_are_rows_with_their_reason(analysed):
    rows = connect(analysed).execute("SELECT source, status, error, error_kind FROM reports WHERE status = 'unreadable'").fetchall()
    assert len(rows) == 1
    source, status, error, kind = rows[0]
    assert source.endswith("empty.txt") and kind == "unreadable" and "文件为空" in error


def test_runs_combine_and_a_rerun_replaces_its_own_rows(analysed, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(analysed, out)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(CORPUS / "003_3e90722e65647b3d.txt", other)
    shutil.copy(CORPUS / SEEDS[1], other)  # already in the first run
    for _ in range(2):  # the second time replaces the run's own part files
        result = runner.invoke(app, ["analyze", str(other), "--out", str(out)])
        assert result.exit_code == 0, result.output
    con = connect(out)
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM all_reports").fetchone()[0] == 7
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 5
    # seed 001 is in both runs: the views take it from the larger run
    run_of_001, biggest = con.execute(
        "SELECT r.run_id, (SELECT run_id FROM runs ORDER BY reports DESC LIMIT 1) FROM reports r WHERE r.source LIKE '%001_dc17ca86c1b8bf45.txt'"
    ).fetchone()
    assert run_of_001 == biggest
    assert con.execute("SELECT count(DISTINCT run_id) FROM findings").fetchone()[0] == 2


def test_every_column_is_documented():
    doc = STORE_DOC.read_text(encoding="utf-8")
    for table, columns in COLUMNS.items():
        section = doc.split(f"### `{table}`", 1)[1].split("\n### ", 1)[0]
        for name in columns:
            assert f"`{name}`" in section, (table, name)


def _documented_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", STORE_DOC.read_text(encoding="utf-8"), re.S)


def test_the_docs_show_ten_queries():
    assert len(_documented_queries()) >= 10


@pytest.mark.parametrize("sql", _documented_queries(), ids=lambda q: " ".join(q.split())[:40])
def test_documented_query_runs(analysed, sql):
    columns, rows = query(analysed, sql)
    assert columns


def test_sql_command_formats(analysed):
    sql = "SELECT level, count(*) AS n FROM reports WHERE status <> 'unreadable' GROUP BY level ORDER BY level"
    table = runner.invoke(app, ["sql", sql, "--out", str(analysed)])
    assert table.exit_code == 0 and "township" in table.stdout and "(2 行)" in table.stdout
    csv = runner.invoke(app, ["sql", sql, "--out", str(analysed), "--format", "csv"])
    assert csv.stdout.splitlines()[0] == "level,n"
    data = json.loads(runner.invoke(app, ["sql", sql, "--out", str(analysed), "--format", "json"]).stdout)
    assert sum(r["n"] for r in data) == 3


def test_sql_errors_are_one_line_exit_2(analysed, tmp_path):
    bad = runner.invoke(app, ["sql", "SELECT nothing FROM reports", "--out", str(analysed)])
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1 and "SQL" in bad.stderr
    missing = runner.invoke(app, ["sql", "SELECT 1", "--out", str(tmp_path)])
    assert missing.exit_code == 2 and "analyzer analyze" in missing.stderr


def test_rows_made_columnar_early_give_the_same_part_files(tmp_path, monkeypatch):
    # StoreWriter turns rows into Arrow batches every COLUMNAR_ROWS rows (memory) and writes a
    # part file every batch_rows rows: the files must be those of rows written all at once.
    from _reports import clean_result, flawed_result, scored
    from analyzer.output import store

    results = [scored(clean_result(f"in/c{i}.txt") if i % 2 else flawed_result(f"in/f{i}.txt")) for i in range(9)]
    trees = []
    for columnar in (10**9, 7):
        monkeypatch.setattr(store, "COLUMNAR_ROWS", columnar)
        with store.StoreWriter(tmp_path / str(columnar), "run-x", batch_rows=300) as writer:
            for r in results:
                writer.add_report(r, file_id=Path(r.source).stem, sha256=None)
        folder = tmp_path / str(columnar)
        trees.append({str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.parquet"))})
    assert len([n for n in trees[0] if n.startswith("cells/")]) >= 3  # several part files, several batches each
    assert trees[0] == trees[1]
