"""Statement kinds and problem categories at inference: the shipped model, read with numpy.

Every statement gets a **kind** (problem / measure / achievement / statement,
or ``other`` for text that is not a statement of disclosure work: "天气很好"),
and problems and measures a **category** of ``spec/taxonomy.md`` §2. Each
label comes with a calibrated probability; below :data:`UNCERTAIN` the row
says ``uncertain``.

The model is trained by :mod:`analyzer.narrative.train` (scikit-learn,
:mod:`analyzer.narrative.estimator`) and shipped as arrays:
``models/narrative_classifier.npz`` and its JSON sidecar (feature
definitions, vocabularies, classes, temperatures, training-data hash, scores).
Loading it imports numpy only (:mod:`analyzer.narrative.linear`). A missing
model or one of another format is an error with one line saying what to do,
never a model retrained behind the user's back.

Where a statement stands changes what it most likely is ("加强组织领导" is a
heading in 总体情况 and a promise in 五): :func:`apply_priors` brings in the
section and the lead-in as a Bayes prior on the text's balanced posterior.
Without the section, the kind probability is calibrated once more after the
priors (:attr:`NarrativeModel.unknown_section_temperature`, fitted on the
training files left out in turn and read as text alone): the same kind, a less
sure probability, since what a text alone leaves open is where it stands.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from analyzer import labels, resources
from analyzer.errors import AnalyzerError
from analyzer.narrative import linear
from analyzer.narrative.features import CATEGORIES, DISCLOSURE_KINDS, KINDS, aside, aspect

__all__ = ["KINDS", "DISCLOSURE_KINDS", "CATEGORIES", "classify", "describe", "apply_priors", "get_model"]

CATEGORY_LABELS = labels.CATEGORY_LABELS
MODEL_VERSION = "2.1"  # 2.1 (r14c): the kind model reads the statement's edges (features.edge_grams), which 2.0 code cannot compute
MODEL_PATH = resources.models_dir() / "narrative_classifier.npz"
SIDECAR_PATH = resources.models_dir() / "narrative_classifier.json"
RUNNER_UP_RATIO = 0.6  # a second category is reported when its probability reaches 60 % of the first
UNCERTAIN = 0.7  # below this calibrated probability the label is wrong three times in ten or more: "uncertain"


class ModelIncompatible(AnalyzerError):
    """The saved model was made for another model version or file format."""


INCOMPATIBLE = (
    "叙述分类模型的版本为 {made}（格式 {made_format}），当前程序需要版本 {have}（格式 {have_format}），无法加载；"
    "请重新安装 analyzer，或在源码目录运行 python -m analyzer.narrative.train 重新训练。"
)


@dataclass(frozen=True)
class NarrativeModel:
    """The kind and category models with their shared features (numpy only)."""

    featurizer: linear.Featurizer
    kind: linear.LinearModel
    category: linear.LinearModel | None
    meta: dict
    boilerplate: linear.LinearModel | None = None

    @property
    def classes_(self) -> np.ndarray:
        return np.asarray(self.kind.classes, dtype=object)

    @property
    def unknown_section_temperature(self) -> float:
        """The temperature of the kind probabilities read without the section (:func:`apply_priors`), fitted by
        training on out-of-fold probabilities (sidecar ``unknown_section_temperature``; 1, none, for a model
        made before r14g)."""
        return float(self.meta.get("unknown_section_temperature", 1.0))

    @property
    def categories_(self) -> np.ndarray:
        return np.asarray(self.category.classes if self.category else (), dtype=object)

    def _proba(self, model, texts: list[str], first_clause_weight: float = 0.0) -> np.ndarray:
        """``model``'s calibrated probabilities for ``texts`` (not empty), over the shared features; with a
        ``first_clause_weight``, its logits mixed with those of each text's first clause (:func:`linear.with_first_clause`)."""
        self.featurizer.keep_bounded()
        if not first_clause_weight:
            return model.proba(self.featurizer.rows(texts, model.blocks))
        z = linear.with_first_clause(texts, lambda ts: model.logits(self.featurizer.rows(ts, model.blocks)), first_clause_weight)
        return linear.softmax(z / model.temperature)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated kind probabilities (balanced posterior), columns in ``classes_`` order."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.kind.classes)))
        return self._proba(self.kind, texts)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    def predict_category_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated category probabilities, columns in ``categories_`` order.

        The logits of the whole text are mixed with those of its first clause
        (:func:`analyzer.narrative.linear.with_first_clause`), as in training, by the weight the model was
        trained with (``params.category_first_clause_weight`` of the sidecar; 0 for a model made before r14e).
        """
        texts = list(texts)
        if self.category is None or not texts:
            return np.zeros((len(texts), len(self.categories_)))
        return self._proba(self.category, texts, float(self.meta.get("params", {}).get("category_first_clause_weight", 0.0)))

    def predict_category(self, texts: Sequence[str]) -> np.ndarray:
        return self.categories_[self.predict_category_proba(texts).argmax(axis=1)]

    def boilerplate_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probability that each text is boilerplate (:mod:`analyzer.narrative.boilerplate`)."""
        texts = list(texts)
        if self.boilerplate is None or not texts:
            return np.zeros(len(texts))
        proba = self._proba(self.boilerplate, texts)
        return proba[:, list(self.boilerplate.classes).index("yes")]


# --- persistence -------------------------------------------------------------------------------------

_LOCK = threading.Lock()
_MODEL: NarrativeModel | None = None


def save_model(featurizer: linear.Featurizer, models: dict[str, linear.LinearModel], meta: dict, path: Path | None = None, sidecar: Path | None = None) -> None:
    """Write the arrays and the JSON sidecar (deterministic: same model, same bytes)."""
    linear.save(path or MODEL_PATH, sidecar or SIDECAR_PATH, featurizer, models, {"model_version": MODEL_VERSION, **meta})


def read_sidecar(sidecar: Path | None = None) -> dict:
    """The saved model's sidecar: versions, training-data hash, feature definitions, scores."""
    return json.loads((sidecar or SIDECAR_PATH).read_text(encoding="utf-8"))


def load_model_file(path: Path | None = None, sidecar: Path | None = None) -> NarrativeModel:
    """Load the saved model after checking its model version and file format."""
    path, sidecar = path or MODEL_PATH, sidecar or SIDECAR_PATH
    for file in (path, sidecar):
        if not file.is_file():
            raise resources.ResourceMissing(resources.MISSING.format(name=file.name, folder=file.parent))
    head = read_sidecar(sidecar)
    if head.get("model_version") != MODEL_VERSION or head.get("format") != linear.FORMAT:
        raise ModelIncompatible(
            INCOMPATIBLE.format(made=head.get("model_version"), made_format=head.get("format"), have=MODEL_VERSION, have_format=linear.FORMAT)
        )
    featurizer, models, meta = linear.load(path, sidecar)
    return NarrativeModel(featurizer, models["kind"], models.get("category"), meta, models.get("boilerplate"))


def get_model() -> NarrativeModel:
    """The process-wide model, loaded on first use.

    Raises :class:`~analyzer.resources.ResourceMissing` when the model is not
    installed and :class:`ModelIncompatible` when it has another version or
    format: the shipped model or nothing, so the same input always gives the
    same output.
    """
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = load_model_file()
    return _MODEL


# --- where a statement stands changes what it most likely is ------------------------------------------

# Kind priors by section: 总体情况 reports work done, 五 states problems and
# measures. The classifier reads text alone and answers with a balanced
# posterior (every kind equally likely a priori); the section's prior turns it
# into the posterior for that section (Bayes: posterior × prior, renormalised).
# Text that is not about disclosure work is rare inside a report (page chrome,
# conversion junk): a small prior, so that only clear cases stay ``other``. At 0.03
# no statement of the real reports, the corpus or the held-out set changes kind, read
# in order or alone (at 0.05 one gold statement read alone became ``other``); at 0.01
# 12 of 25 unrelated sentences given with ``--section overview`` read as statements or
# work done ("新款手机将于下月发布，售价3999元起。" an achievement at 0.84), at 0.03 six
# (two as work done, uncertain), and of 10 written afterwards 1 instead of 5.
# Weights, not shares: apply_priors renormalises.
SECTION_PRIORS = {
    "overview": {"problem": 0.04, "measure": 0.06, "achievement": 0.64, "statement": 0.25, "other": 0.03},
    "problems": {"problem": 0.35, "measure": 0.49, "achievement": 0.05, "statement": 0.10, "other": 0.03},
}
# Where the section is unknown (``analyzer classify`` without ``--section``), the statement still most
# likely comes from a report's narrative, where work done outweighs promises: the section priors mixed by
# the share of statements each section holds (the segmenter on the 16 seed and real reports of the corpus:
# 332 of 501 statements in 总体情况 since r14e, which made the headings of 总体情况 and the sentences of 五
# statements of their own; 282 of 391, 0.72, before). Without it the balanced posterior calls much of the
# "加强…，推动…" of 总体情况 a measure. ``other`` keeps its balanced share (1/5): the text may not come
# from a report at all, so the prior only redistributes the four kinds of disclosure work among themselves.
# By-file cross-validation (r14f), kinds macro-F1 read without the section, all training files / the written
# sections: 0.824 / 0.869 at 0.72, 0.827 / 0.876 at 0.663 (flat from 0.55 to 0.72: 0.834–0.824 / 0.868–0.876).
OVERVIEW_SHARE = 332 / 501  # 0.663; checked against the segmenter by test_the_unknown_section_share_is_the_segmenters
_MIXED = {k: OVERVIEW_SHARE * SECTION_PRIORS["overview"][k] + (1 - OVERVIEW_SHARE) * SECTION_PRIORS["problems"][k] for k in DISCLOSURE_KINDS}
UNKNOWN_PRIOR = {k: 0.8 * p / sum(_MIXED.values()) for k, p in _MIXED.items()} | {"other": 0.2}
CONTEXT_BOOST = 4.0  # a lead-in such as "主要问题：" or "下一步，我们将：" multiplies its kind by this
# A statement whose grammar says it is done (or still to come) is seldom the other of the two
# (:func:`analyzer.narrative.features.aspect`): the kind it rules out is multiplied by this. Chosen by
# cross-validation by training file (r14e), text alone with the unknown-section prior / written sections:
# no factor 0.823 / 0.972, 0.1 0.826 / 0.972, 0.05 0.826 / 0.974, 0.01 0.826 / 0.974.
ASPECT_FACTOR = 0.05
_RULED_OUT = {"done": "measure", "future": "achievement"}


def apply_priors(
    kind_probs: dict[str, float], section: str | None, context: str | None = None, text: str | None = None, unknown_temperature: float = 1.0
) -> dict[str, float]:
    """Kind probabilities adjusted for the section, the lead-in context and (given the ``text``) its aspect, summing to 1.

    Where the section is unknown, the result is then calibrated by ``unknown_temperature``
    (:attr:`NarrativeModel.unknown_section_temperature`): ``p ∝ p^(1/T)``, which keeps the most likely kind
    and, with T above 1, spreads the probability over the others. With the section it is not used.
    """
    if text and aside(text):
        # a contact line, a note or a caption is a statement by its shape, wherever it stands (features.ASIDE_LINE)
        return {k: (1.0 if k == "statement" else 0.0) for k in kind_probs}
    probs = dict(kind_probs)
    prior = SECTION_PRIORS.get(section) if section else UNKNOWN_PRIOR
    if prior:
        probs = {k: p * prior.get(k, 0.0) * len(prior) for k, p in probs.items()}
    seen = aspect(text) if text else None
    ruled_out = _RULED_OUT.get(seen)
    if section == "overview" and text and seen != "future" and context != "measure":
        # 总体情况 reports the year's work: a promise there says so (下一步/今后/将…) or stands under a lead-in
        # that announces it. Without either, "健全工作机制，出台工作指引，提升规范性" is work done told as the task.
        ruled_out = "measure"
    if ruled_out in probs:
        probs[ruled_out] *= ASPECT_FACTOR
    if context in probs:
        probs[context] *= CONTEXT_BOOST
    if not section and unknown_temperature != 1.0:
        # Read alone, a text's kind often depends on where it stands ("加强督促指导": a heading of 总体情况, a
        # promise of 五), and the priors above give one sure answer where the sections would give two: the
        # temperature, fitted on the training files read without their section, says how sure it is.
        probs = dict(zip(probs, tempered(np.fromiter(probs.values(), float), unknown_temperature).tolist()))
    total = sum(probs.values()) or 1.0
    return {k: p / total for k, p in probs.items()}


def tempered(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities (the last axis) through a temperature, unnormalised: p^(1/T) relative to the most likely,
    which keeps the order and, with T above 1, spreads the weight over the others."""
    top_p = probs.max(axis=-1, keepdims=True)
    return (probs / np.where(top_p > 0, top_p, 1.0)) ** (1.0 / temperature)


# --- rows ------------------------------------------------------------------------------------------------


def check_section(section: str | None) -> None:
    """A section the priors know ("overview", "problems") or None; anything else is a caller's error."""
    if section is not None and section not in SECTION_PRIORS:
        raise ValueError(f"未知的章节“{section}”，可选：{'、'.join(sorted(SECTION_PRIORS))}")


def classify(texts: Sequence[str], section: str | None = None) -> list[dict]:
    """Kind, its probability, category, its probability and a close runner-up for each text.

    ``section`` ("overview" or "problems"), when the caller knows where the
    sentences stand, applies that section's kind prior as ``analyze`` does;
    without it, the prior of a statement of unknown section (:data:`UNKNOWN_PRIOR`), and the kind
    probability is calibrated for text read alone (:attr:`NarrativeModel.unknown_section_temperature`),
    so that a probability of 0.8 is right about 80 % of the time on training files left out (on real text it
    is still somewhat over-confident: models/MODEL_CARD.md, r14g).
    """
    check_section(section)
    texts = list(texts)
    if not texts:
        return []
    model = get_model()
    kind_p = model.predict_proba(texts)
    kinds = [{str(k): float(p) for k, p in zip(model.classes_, row)} for row in kind_p]
    # the section's prior, or the mix of both when unknown, then calibrated for reading the text alone
    kinds = [apply_priors(k, section, text=t, unknown_temperature=model.unknown_section_temperature) for k, t in zip(kinds, texts)]
    need = [i for i, k in enumerate(kinds) if top(k) in ("problem", "measure")]
    cat_rows = dict(zip(need, model.predict_category_proba([texts[i] for i in need]))) if need else {}
    out = []
    for i, text in enumerate(texts):
        cats = {str(c): float(p) for c, p in zip(model.categories_, cat_rows[i])} if i in cat_rows else {}
        out.append(describe(text, kinds[i], cats))
    return out


def top(probs: dict[str, float]) -> str:
    """The most likely label (ties: alphabetical, so the answer never depends on dict order)."""
    return max(sorted(probs), key=lambda k: probs[k])


def describe(text: str, kind_probs: dict[str, float], cat_probs: dict[str, float]) -> dict:
    """One result row from probability tables (used after section priors too).

    ``probability`` is the kind's calibrated probability; ``score`` is the
    category's for problems and measures, else the kind's; ``uncertain`` is set
    when the label that matters (the category where there is one) is below
    :data:`UNCERTAIN`.
    """
    kind = top(kind_probs)
    p_kind = round(float(kind_probs[kind]), 4)
    row = {"text": text, "kind": kind, "kind_score": p_kind, "probability": p_kind, "category": None, "score": p_kind, "runner_up": None}
    if kind in ("problem", "measure") and cat_probs:
        ranked = sorted(cat_probs, key=lambda c: (-cat_probs[c], c))
        row["category"] = ranked[0]
        row["score"] = round(float(cat_probs[ranked[0]]), 4)
        if len(ranked) > 1 and cat_probs[ranked[1]] >= RUNNER_UP_RATIO * cat_probs[ranked[0]]:
            row["runner_up"] = ranked[1]
    row["uncertain"] = bool(min(row["probability"], row["score"]) < UNCERTAIN)
    return row
