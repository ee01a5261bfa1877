"""`analyze --engine dask`: the same output tree as a local run, and one failure row per bad file.

Each test starts a Dask LocalCluster of two worker processes (about ten
seconds each, most of it the workers loading the classifier).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.config import Settings
from analyzer.pipeline import analyze_run
from analyzer.runner import FAULT_ENV, DaskEngine, LocalEngine, make_engine
from conftest import CORPUS

distributed = pytest.importorskip("distributed")
runner = CliRunner()
# One file of every format.
FILES = ["000_d1513ee4e846cccb.txt", "001_dc17ca86c1b8bf45.html", "002_1d3bd799e56a65c1.docx", "003_3e90722e65647b3d.pdf"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_dask_run_writes_the_same_bytes_as_a_local_run(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in FILES:
        shutil.copy(CORPUS / name, src)
    (src / "empty.txt").write_bytes(b"")
    outs = {}
    for engine in ("local", "dask"):
        outs[engine] = tmp_path / engine
        result = runner.invoke(app, ["analyze", str(src), "--out", str(outs[engine]), "--workers", "2", "--engine", engine])
        assert result.exit_code == 0, result.output
    local, dask = _tree(outs["local"]), _tree(outs["dask"])
    assert sorted(local) == sorted(dask)
    assert any(name.startswith("store/cells/") for name in local)
    different = [name for name in local if local[name] != dask[name]]
    assert different == []


def test_dask_crash_and_hang_cost_one_failure_each(tmp_path, monkeypatch):
    """A scheduler given by address (a cluster started by hand, daemonic workers as by default)."""
    src = tmp_path / "in"
    src.mkdir()
    names = ["000_d1513ee4e846cccb.txt", "001_dc17ca86c1b8bf45.txt", "002_1d3bd799e56a65c1.txt"]
    for name in names:
        shutil.copy(CORPUS / name, src)
    monkeypatch.setenv(FAULT_ENV, f"crash:{names[0]};hang:{names[1]}")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        started = time.monotonic()
        run = analyze_run([src], Settings(per_file_timeout_s=2), engine=DaskEngine(cluster.scheduler_address))
        assert time.monotonic() - started < 120
    assert [Path(r.source).name for r in run.results] == [names[2]]
    assert [(Path(f.source).name, f.kind) for f in run.failures] == [(names[0], "crash"), (names[1], "timeout")]
    assert run.failures[1].error == f"{names[1]}：处理超时（超过2秒），已跳过。"
    assert run.failures[0].source == run.results[0].source.replace(names[2], names[0])


def test_make_engine():
    assert isinstance(make_engine("local", workers=3), LocalEngine)
    engine = make_engine("dask", workers=2, scheduler="tcp://127.0.0.1:8786")
    assert isinstance(engine, DaskEngine) and engine.scheduler == "tcp://127.0.0.1:8786"
    with pytest.raises(ValueError, match="Unknown engine"):
        make_engine("spark")
    with pytest.raises(ValueError, match="--engine dask"):
        make_engine("local", scheduler="tcp://127.0.0.1:8786")
