"""Where the files the package reads at run time are: the one place that knows.

``models/`` (the narrative classifier, jieba's user dictionary, the stock
phrases, each with how it was made: ``models/MODEL_CARD.md``) lives at the top
of the repository. The wheel carries it as ``analyzer/models`` (the
``force-include`` mapping in ``pyproject.toml``); in an editable install
``analyzer/`` is the checkout's own folder and ``models/`` stands beside it.
Both are found from ``importlib.resources.files("analyzer")``, so no other
module works out paths from ``__file__``.

A missing file is an :class:`ResourceMissing` with a one-line Chinese
message, never a silent fallback: a tokenizer without its dictionary or a
classifier retrained at run time would give other output than the shipped one.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from analyzer.errors import AnalyzerError

PACKAGE = "analyzer"
# Every file of models/ that the analysis reads; the wheel test checks the wheel carries each.
MODEL_FILES = (
    "narrative_classifier.npz", "narrative_classifier.json", "userdict.txt", "boilerplate_reference.txt", "boilerplate_index.json",
    "places.txt",
)

MISSING = "找不到模型文件 {name}（应在 {folder}）：安装不完整，请重新安装 analyzer；在源码目录中可运行 python -m analyzer.narrative.train 重新生成分类模型。"
NOT_A_FOLDER = "analyzer 安装在压缩包中（{where}），无法读取其模型文件；请用 pip 正常安装后再运行。"
NO_CHECKOUT = "训练与评估数据只在源码目录中（data/narrative/），已安装的 analyzer 不带这些数据；请在 git 克隆的源码目录中运行。"


class ResourceMissing(AnalyzerError):
    """A file the installation should carry (a model, a lexicon) is not there."""


def package_path(*parts: str) -> Path:
    """A path inside the installed package, e.g. ``package_path("scoring.toml")``."""
    root = files(PACKAGE)
    # numpy, jieba and tomllib need real files: a zip-imported package has none.
    if not isinstance(root, Path):
        raise ResourceMissing(NOT_A_FOLDER.format(where=root))
    return root.joinpath(*parts)


def checkout() -> Path | None:
    """The source checkout the package runs from (editable install), or None for an installed wheel."""
    folder = package_path().parent
    return folder if (folder / "pyproject.toml").is_file() else None


def models_dir() -> Path:
    """``analyzer/models`` in a wheel; the checkout's top-level ``models/`` in an editable install."""
    packaged = package_path("models")
    if packaged.is_dir():
        return packaged
    repo = checkout()
    if repo is not None and (repo / "models").is_dir():
        return repo / "models"
    return packaged  # absent everywhere: model_file names the place a wheel would have it


def model_file(name: str) -> Path:
    """A file of ``models/``; :class:`ResourceMissing` when the installation lacks it."""
    folder = models_dir()
    path = folder / name
    if not path.is_file():
        raise ResourceMissing(MISSING.format(name=name, folder=folder))
    return path


def check_models() -> None:
    """Fail early, with one line, when any model file is missing (before a batch starts)."""
    for name in MODEL_FILES:
        model_file(name)
