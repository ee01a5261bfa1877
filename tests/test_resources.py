"""The files the package reads at run time: found through one module, refused with one line when wrong."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
from typer.testing import CliRunner

from analyzer import resources
from analyzer.cli import app
from analyzer.narrative import classify as clf
from conftest import CORPUS, ROOT

runner = CliRunner()
SEED000 = CORPUS / "000_d1513ee4e846cccb.txt"


def test_every_model_file_is_found_in_the_checkout():
    assert resources.checkout() == ROOT
    assert resources.models_dir() == ROOT / "models"
    for name in resources.MODEL_FILES:
        assert resources.model_file(name).is_file()


def test_a_missing_file_is_a_one_line_chinese_error():
    with pytest.raises(resources.ResourceMissing, match=r"^找不到模型文件 nothing\.bin（应在 .*）：安装不完整") as info:
        resources.model_file("nothing.bin")
    assert "\n" not in str(info.value)


@pytest.fixture
def no_loaded_model(monkeypatch):
    """Forget the process-wide model, so that the next use loads it again (restored afterwards)."""
    monkeypatch.setattr(clf, "_MODEL", None)


@pytest.mark.parametrize("command", [["analyze", str(SEED000)], ["check", str(SEED000)], ["classify"]])
def test_missing_model_stops_with_one_line_never_a_retrain(tmp_path, monkeypatch, no_loaded_model, command):
    monkeypatch.setattr(clf, "MODEL_PATH", tmp_path / "narrative_classifier.npz")
    result = runner.invoke(app, [*command, "--out", str(tmp_path / "out")] if command[0] == "analyze" else command, input="一句话\n")
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("找不到模型文件 narrative_classifier.npz")
    assert clf._MODEL is None  # nothing was trained in its place
    assert not (tmp_path / "out").exists()  # and the run did not start


def test_model_of_another_version_stops_with_one_line(tmp_path, monkeypatch, no_loaded_model):
    meta = clf.read_sidecar()
    meta["model_version"] = "0.1"
    sidecar = tmp_path / "narrative_classifier.json"
    sidecar.write_text(json.dumps(meta), encoding="utf-8")
    monkeypatch.setattr(clf, "SIDECAR_PATH", sidecar)
    result = runner.invoke(app, ["analyze", str(SEED000), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "叙述分类模型的版本为 0.1" in result.stderr and "python -m analyzer.narrative.train" in result.stderr
    assert clf._MODEL is None


def test_the_scikit_learn_pin_is_the_model_s():
    """Inference needs numpy only; retraining gives the shipped bytes only with the scikit-learn that made them."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = [re.fullmatch(r"scikit-learn==([\w.]+)", d) for d in deps]
    pinned = [m.group(1) for m in pins if m]
    assert pinned == [clf.read_sidecar()["sklearn_version"]]
