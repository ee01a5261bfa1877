"""Statement kinds and problem categories: a scikit-learn classifier and its loader.

Two linear models share one feature recipe (character 1–3-gram TF-IDF, figures
folded to one symbol): one gives every statement its kind (problem / measure /
achievement / statement), the other gives problems and measures a category of
``spec/taxonomy.md``. The kind model also sees a small block of grammar cues
(:class:`KindCues`: figures with measure words, 将/要 before a verb of intent,
下一步, 仍需, the agency as subject, the report speaking about itself). jieba word 1–2-grams are available as a second feature
set (``word_ngram=(1, 2)``) but did not help on the held-out real statements;
logistic regression beat a calibrated linear SVM there and gives probabilities
directly (``python -m analyzer.narrative.train --compare``, ``models/MODEL_CARD.md``).

The fitted model lives in ``models/narrative_classifier.joblib`` with a JSON
sidecar (version, scikit-learn version, training-data hash, scores), found
through :mod:`analyzer.resources`. It is loaded once per process, on first
use; a missing model or one made by another scikit-learn is an error with one
line saying what to do, never a model retrained behind the user's back
(training lives in :mod:`analyzer.narrative.train`, which imports this module,
never the reverse).
"""

from __future__ import annotations

import json
import re
import threading
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from analyzer import labels, resources
from analyzer.errors import AnalyzerError
from analyzer.narrative.segment import tokenize

KINDS = ("problem", "measure", "achievement", "statement")
CATEGORIES = (
    "content_coverage",
    "timeliness",
    "interpretation_response",
    "platform",
    "application_handling",
    "staff_capacity",
    "mechanism",
    "public_participation",
    "grassroots_standardization",
    "information_management",
    "other",
)
CATEGORY_LABELS = labels.CATEGORY_LABELS
MODEL_VERSION = "1.0"
MODEL_PATH = resources.models_dir() / "narrative_classifier.joblib"
SIDECAR_PATH = resources.models_dir() / "narrative_classifier.json"
RUNNER_UP_RATIO = 0.6  # a second category is reported when its probability reaches 60 % of the first

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_LEAD_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,2}[是要、]|[（(][一二三四五六七八九十\d]{1,2}[）)]|\d{1,2}[.．、])\s*")


def normalize_for_features(text: str) -> str:
    """Figures become one token and leading item markers go: "一是全年公开312条" → "全年公开0条"."""
    return _DIGITS.sub("0", _LEAD_MARKER.sub("", text))


def word_tokens(text: str) -> list[str]:
    """jieba words for the word-level features (module-level so the fitted model pickles)."""
    return [t for t in tokenize(text) if t.strip()]


# --- the grammar of each kind, as a small dense-in-meaning sparse block ------------------------
#
# Character n-grams see "加强" in both "加强了培训" (work done) and "将加强培训"
# (a promise) and cannot tell which word governs the clause. These cues look at
# the clause's grammar instead: a figure with a measure word and a past or
# aggregate marker says "done"; a future or resolve marker at the start of a
# clause says "will do"; a deficiency word says "weak". Each cue group is one
# column, so 30 cue words generalise beyond the few hundred training sentences.
# Words that open a clause in both kinds (进一步, 持续, 积极, 坚持…) are left out:
# 总体情况 uses them for work done as often as 五 uses them for promises. So are
# totals and completion words (全年, 2023年, 完成, 实现): 五 uses them in promises
# ("2024年将实现…"), and the model, which never saw that, learnt them as "done".
_CLAUSE_START = r"(?:^|[，。；：,;:！!？?])\s*(?:我[们局委办区县市镇]{0,2}|本[单机部]?[位关门]?)?"
_CUES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(rx))
    for name, rx in (
        # achievement: figures counted in units, totals, completion, past aspect
        ("ach_figure_unit", r"\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:条|件|次|篇|期|场|个|项|份|人次|家|批|部|名|人|万|亿|元|篇次|期次|户|套|类|本|册|幅|张|次数|%|％|个百分点)"),
        # achievement: the report names its agency doing something ("区财政局加大…",
        # "我镇认真做好…"); a promise says 将/要/拟 after the name instead.
        ("ach_agent", r"^(?:我|本)?[\u4e00-\u9fff]{0,10}?(?:局|委|办|区|县|镇|乡|街道|政府|中心|厅)(?:高度重视|积极|认真|不断|持续|严格|坚持|加大|加强|进一步|全面|扎实|深入|大力|始终|切实|充分|注重|围绕|按照|依托)"),
        # measure: future, intent, resolve at the head of a clause
        # A bare 将 at a clause start is as often the 把-construction of work done
        # ("将政务公开纳入考核"), so 将 counts only before a verb or adverb of intent.
        ("mea_future", _CLAUSE_START + r"(?:拟|计划|准备|力争|争取|要|下一步|下一阶段|今后|明年|\d{4}年(?:我们)?将)"),
        ("mea_will", r"(?:将|要|拟)(?:进一步|继续|持续|着力|加大|加强|强化|完善|推进|推动|提升|建立|健全|做好|抓好|落实|开展|规范|优化|不断|积极|认真|全面|切实|重点|严格|深入|扎实)"),
        ("mea_next", r"下一步|下阶段|今后|未来|新的一年|明年|来年"),
        # problem: deficiency, shortfall, still-not
        ("pro_lack", r"不够|有待|不足|欠缺|薄弱|短板|差距|滞后|不强|不高|不深|不细|不全|不到位|不及时|不规范|不完善|不平衡|不统一|不明显|不充分|参差不齐|偏少|较少|偏弱|较弱|单一|不多|缺乏|缺少|尚未|尚不|仍有|仍然存在|还存在|存在[^，。；]{0,10}(?:问题|现象|情况|不足)"),
        ("pro_need", r"仍需|还需|尚需|亟需|亟待|有待于|需要进一步|需进一步|还要进一步"),
        # statement: framing, citations, the report about itself
        # statement: the report speaking about itself. Citations (根据《条例》, 按照…要求) are
        # left out: 总体情况 cites a document in about a quarter of its work done.
        ("stm_frame", r"现将|报告如下|本报告|年度报告|所列数据|统计期限|特此|详见|见下表|电子版|可在[^，。]{0,20}(?:查阅|下载)|联系(?:方式|电话)|如有疑问"),
    )
)

# The groups the fitted model uses (``python -m analyzer.narrative.train --compare``):
# the clause-start measure cues, the deficiency words and the completion words
# cost more than they gave, because 五 and 总体情况 share them.
KIND_CUES = ("ach_figure_unit", "ach_agent", "mea_will", "mea_next", "pro_need", "stm_frame")


class KindCues(TransformerMixin, BaseEstimator):
    """One column per cue group: log(1 + hits), plus "cues of two kinds" interactions.

    Stateless (``fit`` learns nothing); ``weight`` scales the block against the
    TF-IDF rows, which are unit-length.
    """

    def __init__(self, weight: float = 1.0, groups: tuple[str, ...] | None = None):
        self.weight = weight
        self.groups = groups

    def _cues(self) -> list[tuple[str, re.Pattern]]:
        return [(n, rx) for n, rx in _CUES if self.groups is None or n in self.groups]

    def fit(self, X, y=None):
        self.n_features_in_ = len(self._cues())
        return self

    def get_feature_names_out(self, input_features=None):
        return np.array([name for name, _ in self._cues()], dtype=object)

    def transform(self, X):
        cues = self._cues()
        rows = []
        for text in X:
            text = _LEAD_MARKER.sub("", text)
            rows.append([np.log1p(len(rx.findall(text))) for _, rx in cues])
        return sparse.csr_matrix(np.asarray(rows, dtype=float).reshape(len(rows), len(cues)) * self.weight)


def _features(char_ngram: tuple[int, int], word_ngram: tuple[int, int] | None, min_df: int, cue_weight: float = 0.0, cue_groups: tuple[str, ...] | None = None) -> FeatureUnion:
    parts = [("chars", TfidfVectorizer(analyzer="char", ngram_range=char_ngram, preprocessor=normalize_for_features, sublinear_tf=True, min_df=min_df))]
    if cue_weight:
        parts.append(("cues", KindCues(weight=cue_weight, groups=cue_groups)))
    if word_ngram:
        parts.append(
            (
                "words",
                TfidfVectorizer(
                    tokenizer=word_tokens,
                    token_pattern=None,
                    lowercase=False,
                    preprocessor=normalize_for_features,
                    ngram_range=word_ngram,
                    sublinear_tf=True,
                    min_df=min_df,
                ),
            )
        )
    return FeatureUnion(parts)


class StatementClassifier(ClassifierMixin, BaseEstimator):
    """Kind of a statement, and category of a problem or measure.

    ``fit(X, y, categories=...)``: ``X`` texts, ``y`` kinds, ``categories`` the
    category of each problem/measure ("" or None elsewhere).
    """

    def __init__(
        self,
        C_kind: float = 8.0,
        C_category: float = 8.0,
        char_ngram: tuple[int, int] = (1, 3),
        word_ngram: tuple[int, int] | None = None,
        min_df: int = 1,
        class_weight: str | None = "balanced",
        random_state: int = 0,
        cue_weight: float = 0.5,
        cue_groups: tuple[str, ...] | None = KIND_CUES,
    ):
        self.C_kind = C_kind
        self.C_category = C_category
        self.char_ngram = char_ngram
        self.word_ngram = word_ngram
        self.min_df = min_df
        self.class_weight = class_weight
        self.random_state = random_state
        self.cue_weight = cue_weight
        self.cue_groups = cue_groups

    def _model(self, C: float, cues: bool = False) -> Pipeline:
        # Grammar cues tell kinds apart; categories are about the topic, so they use n-grams only.
        return Pipeline(
            [
                ("features", _features(self.char_ngram, self.word_ngram, self.min_df, self.cue_weight if cues else 0.0, self.cue_groups)),
                ("clf", LogisticRegression(C=C, max_iter=5000, class_weight=self.class_weight, random_state=self.random_state)),
            ]
        )

    def fit(self, X: Sequence[str], y: Sequence[str], categories: Sequence[str | None] | None = None):
        X, y = list(X), list(y)
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} texts but y has {len(y)} kinds")
        unknown = sorted(set(y) - set(KINDS))
        if unknown:
            raise ValueError(f"Unknown kind(s) {unknown}; valid: {list(KINDS)}")
        self.kind_model_ = self._model(self.C_kind, cues=True).fit(X, y)
        self.classes_ = self.kind_model_.classes_
        cats = list(categories) if categories is not None else [None] * len(X)
        pairs = [(x, c) for x, k, c in zip(X, y, cats) if k in ("problem", "measure") and c]
        if pairs:
            bad = sorted({c for _, c in pairs} - set(CATEGORIES))
            if bad:
                raise ValueError(f"Unknown categor(y/ies) {bad}; valid: {list(CATEGORIES)}")
            self.category_model_ = self._model(self.C_category).fit([p[0] for p in pairs], [p[1] for p in pairs])
            self.categories_ = self.category_model_.classes_
        else:
            self.category_model_ = None
            self.categories_ = np.array([], dtype=object)
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Kind probabilities, columns in ``classes_`` order."""
        check_is_fitted(self, "kind_model_")
        return self.kind_model_.predict_proba(list(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def predict_category_proba(self, X: Sequence[str]) -> np.ndarray:
        """Category probabilities, columns in ``categories_`` order."""
        check_is_fitted(self, "kind_model_")
        if self.category_model_ is None:
            return np.zeros((len(X), 0))
        return self.category_model_.predict_proba(list(X))

    def predict_category(self, X: Sequence[str]) -> np.ndarray:
        proba = self.predict_category_proba(X)
        return self.categories_[proba.argmax(axis=1)]


# --- persistence -------------------------------------------------------------------------

_LOCK = threading.Lock()
_MODEL: StatementClassifier | None = None


class ModelIncompatible(AnalyzerError):
    """The saved model was made with another scikit-learn version or model version."""


INCOMPATIBLE = (
    "叙述分类模型由 scikit-learn {made}（模型版本 {made_version}）训练，当前为 scikit-learn {have}（模型版本 {have_version}），无法加载；"
    "请安装 scikit-learn {made}，或在源码目录运行 python -m analyzer.narrative.train 重新训练。"
)


def save_model(model: StatementClassifier, meta: dict, path: Path | None = None, sidecar: Path | None = None) -> None:
    """Write the model (joblib, compressed) and its JSON sidecar."""
    import joblib
    import sklearn

    path, sidecar = path or MODEL_PATH, sidecar or SIDECAR_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=3)
    meta = {"model_version": MODEL_VERSION, "sklearn_version": sklearn.__version__, **meta}
    sidecar.write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_sidecar(sidecar: Path | None = None) -> dict:
    """The saved model's sidecar: versions, training-data hash, scores."""
    return json.loads((sidecar or SIDECAR_PATH).read_text(encoding="utf-8"))


def load_model_file(path: Path | None = None, sidecar: Path | None = None) -> StatementClassifier:
    """Load the saved model after checking it was made by this scikit-learn and model version."""
    import joblib
    import sklearn

    path, sidecar = path or MODEL_PATH, sidecar or SIDECAR_PATH
    for file in (path, sidecar):
        if not file.is_file():
            raise resources.ResourceMissing(resources.MISSING.format(name=file.name, folder=file.parent))
    meta = read_sidecar(sidecar)
    if meta.get("sklearn_version") != sklearn.__version__ or meta.get("model_version") != MODEL_VERSION:
        raise ModelIncompatible(
            INCOMPATIBLE.format(
                made=meta.get("sklearn_version"), made_version=meta.get("model_version"),
                have=sklearn.__version__, have_version=MODEL_VERSION,
            )
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = joblib.load(path)
    check_is_fitted(model, "kind_model_")
    return model


def get_model() -> StatementClassifier:
    """The process-wide model, loaded on first use.

    Raises :class:`~analyzer.resources.ResourceMissing` when the model is not
    installed and :class:`ModelIncompatible` when it was made by another
    scikit-learn: the shipped model or nothing, so that the same input always
    gives the same output.
    """
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = load_model_file()
    return _MODEL


def classify(texts: Sequence[str], section: str | None = None) -> list[dict]:
    """Kind, kind probability, category, its probability and a close runner-up for each text.

    ``section`` ("overview" or "problems"), when the caller knows where the
    sentences stand, applies that section's kind prior as ``analyze`` does.
    """
    if section is not None and section not in SECTION_PRIORS:
        raise ValueError(f"未知的章节“{section}”，可选：{'、'.join(sorted(SECTION_PRIORS))}")
    texts = list(texts)
    if not texts:
        return []
    model = get_model()
    kind_p = model.predict_proba(texts)
    kinds = [{str(k): float(p) for k, p in zip(model.classes_, row)} for row in kind_p]
    if section is not None:
        kinds = [apply_priors(k, section) for k in kinds]
    need = [i for i, k in enumerate(kinds) if max(sorted(k), key=k.get) in ("problem", "measure")]
    cat_rows = dict(zip(need, model.predict_category_proba([texts[i] for i in need]))) if need else {}
    out = []
    for i, text in enumerate(texts):
        cats = {str(c): float(p) for c, p in zip(model.categories_, cat_rows[i])} if i in cat_rows else {}
        out.append(describe(text, kinds[i], cats))
    return out


def describe(text: str, kind_probs: dict[str, float], cat_probs: dict[str, float]) -> dict:
    """One result row from probability tables (used after section priors too)."""
    kind = max(sorted(kind_probs), key=lambda k: kind_probs[k])
    row = {"text": text, "kind": kind, "kind_score": round(float(kind_probs[kind]), 4), "category": None, "score": round(float(kind_probs[kind]), 4), "runner_up": None}
    if kind in ("problem", "measure") and cat_probs:
        ranked = sorted(cat_probs, key=lambda c: (-cat_probs[c], c))
        row["category"] = ranked[0]
        row["score"] = round(float(cat_probs[ranked[0]]), 4)
        if len(ranked) > 1 and cat_probs[ranked[1]] >= RUNNER_UP_RATIO * cat_probs[ranked[0]]:
            row["runner_up"] = ranked[1]
    return row


# --- where a statement stands changes what it most likely is ------------------------------

# Kind priors by section: 总体情况 reports work done, 五 states problems and
# measures. The classifier reads text alone; "加强组织领导" is work done in 总体情况
# and a promise in 五, so the section is brought in as a prior (Bayes: the
# model's balanced-class posterior times the section's prior, renormalised).
SECTION_PRIORS = {
    "overview": {"problem": 0.04, "measure": 0.06, "achievement": 0.65, "statement": 0.25},
    "problems": {"problem": 0.35, "measure": 0.50, "achievement": 0.05, "statement": 0.10},
}
# A sentence given on its own (`analyzer classify`) comes from a report whose
# section is unknown. About 70 % of the narrative statements of a report stand
# in 总体情况 (265 of 362 over the seeds and corpus-real, counted by the
# segmenter, without labels), so this prior is that mixture of the two above.
# Measured, not used: it did not beat the model's own balanced posterior on
# text alone (``--compare``, column "kinds (text only, report prior)").
SECTION_PRIORS["report"] = {k: 0.7 * SECTION_PRIORS["overview"][k] + 0.3 * SECTION_PRIORS["problems"][k] for k in KINDS}
CONTEXT_BOOST = 4.0  # a lead-in such as "主要问题：" or "下一步，我们将：" multiplies its kind by this


def apply_priors(kind_probs: dict[str, float], section: str | None, context: str | None = None) -> dict[str, float]:
    """Kind probabilities adjusted for the section and the lead-in context, summing to 1."""
    probs = dict(kind_probs)
    prior = SECTION_PRIORS.get(section or "")
    if prior:
        probs = {k: p * prior.get(k, 0.25) * len(prior) for k, p in probs.items()}
    if context in probs:
        probs[context] *= CONTEXT_BOOST
    total = sum(probs.values()) or 1.0
    return {k: p / total for k, p in probs.items()}
