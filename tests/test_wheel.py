"""The built wheel works on its own: it carries models/ and the scoring weights, and analyses
the corpus exactly as the editable install does.

Slow (about a minute): it builds the wheel with pip (hatchling), installs it into a fresh
venv and runs ``analyzer analyze corpus`` twice. To stay reasonable the fresh venv borrows
the already installed third-party packages (a path to this venv's site-packages; its .pth
files, the editable install's among them, are not read from there), so only ``analyzer``
itself comes from the wheel. ``.ci/run`` does the same from scratch, dependencies included.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from analyzer import resources
from conftest import ROOT


# Without PYTHONPATH: the fresh venv must import analyzer from the wheel, not from a source folder.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def _run(args: list, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=check, timeout=600, env=CLEAN_ENV
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", out, ROOT], cwd=out)
    (built,) = out.glob("analyzer-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; returns its bin folder."""
    env = tmp_path_factory.mktemp("venv") / "env"
    venv.create(env, with_pip=True)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(env), "platbase": str(env)}))
    (purelib / "_borrowed_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    _run([env / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", wheel], cwd=env)
    return env / "bin"


def test_wheel_carries_models_and_scoring_config(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in resources.MODEL_FILES + ("MODEL_CARD.md",):
        assert f"analyzer/models/{name}" in names, name
    assert any(n.startswith("analyzer/") and n.endswith("scoring.toml") for n in names)
    assert not any(n.startswith(("data/", "tests/", "corpus/", "analyzer/data/")) for n in names)


def test_installed_package_reads_its_own_models(installed, tmp_path):
    probe = "import analyzer, analyzer.resources as r; print(analyzer.__file__); print(r.models_dir()); print(r.checkout())"
    package, models, checkout = _run([installed / "python", "-c", probe], cwd=tmp_path).stdout.splitlines()
    assert not Path(package).is_relative_to(ROOT)
    assert Path(models) == Path(package).parent / "models"
    assert checkout == "None"


def test_wheel_and_editable_install_give_the_same_output(installed, tmp_path):
    editable, built = tmp_path / "editable", tmp_path / "wheel"
    _run([sys.executable, "-m", "analyzer.cli", "analyze", "corpus", "--out", editable, "--workers", "2"], cwd=ROOT)
    _run([installed / "analyzer", "analyze", "corpus", "--out", built, "--workers", "2"], cwd=ROOT)
    files = sorted(p.relative_to(editable) for p in editable.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(built) for p in built.rglob("*") if p.is_file())
    assert len(files) > 30
    different = [f for f in files if (editable / f).read_bytes() != (built / f).read_bytes()]
    assert not different


def test_installed_package_refuses_a_wrong_model_in_one_line(installed, tmp_path):
    models = Path(_run([installed / "python", "-c", "import analyzer.resources as r; print(r.models_dir())"], cwd=tmp_path).stdout.strip())
    sidecar, userdict = models / "narrative_classifier.json", models / "userdict.txt"
    saved = {f: f.read_bytes() for f in (sidecar, userdict)}
    seed = ROOT / "corpus" / "000_d1513ee4e846cccb.txt"
    try:
        sidecar.write_text(json.dumps({**json.loads(saved[sidecar]), "model_version": "0.1"}), encoding="utf-8")
        mismatched = _run([installed / "analyzer", "analyze", seed, "--out", tmp_path / "a"], cwd=tmp_path, check=False)
        userdict.unlink()
        missing = _run([installed / "analyzer", "analyze", seed, "--out", tmp_path / "b"], cwd=tmp_path, check=False)
    finally:
        for f, data in saved.items():
            f.write_bytes(data)
    assert mismatched.returncode == 2 and mismatched.stderr.count("\n") == 1
    assert "叙述分类模型的版本为 0.1" in mismatched.stderr
    assert missing.returncode == 2 and missing.stderr.startswith("找不到模型文件 userdict.txt")
    assert missing.stderr.count("\n") == 1
