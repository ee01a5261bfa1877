"""The statement classifier: conventions, persistence, determinism, held-out quality."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from analyzer.narrative import classify_texts
from analyzer.narrative import classify as clf
from analyzer.narrative import train

from conftest import REAL


def test_classify_texts_rows():
    rows = classify_texts(
        [
            "政策解读形式较为单一，图解类解读仅有2篇",
            "下一步将加强业务培训，每季度开展一次专题培训",
            "全年通过门户网站主动公开政府信息312条",
        ]
    )
    assert [set(r) for r in rows] == [{"text", "kind", "kind_score", "category", "score", "runner_up"}] * 3
    assert [r["kind"] for r in rows] == ["problem", "measure", "achievement"]
    assert rows[0]["category"] == "interpretation_response"
    assert rows[1]["category"] == "staff_capacity"
    assert rows[2]["category"] is None and rows[2]["score"] == rows[2]["kind_score"]
    assert all(0.0 <= r["score"] <= 1.0 for r in rows)
    json.dumps(rows, ensure_ascii=False)  # plain Python types only


def test_classifier_follows_sklearn_conventions():
    model = clf.StatementClassifier(C_kind=3.0)
    assert model.get_params()["C_kind"] == 3.0
    assert not any(k.endswith("_") for k in vars(model))  # nothing fitted in __init__
    with pytest.raises(NotFittedError):
        model.predict(["全年公开信息10条"])
    with pytest.raises(ValueError, match="Unknown kind"):
        model.fit(["甲乙丙"], ["slogan"])


def test_retraining_is_deterministic():
    texts = ["政务新媒体更新不及时", "加强保密审查，坚持先审查后公开"]
    a = train.fit_from_repository()
    b = train.fit_from_repository()
    assert np.array_equal(a.predict_proba(texts), b.predict_proba(texts))
    assert np.array_equal(a.predict_category_proba(texts), b.predict_category_proba(texts))


def test_saved_model_matches_the_training_data():
    meta = clf.read_sidecar()
    assert meta["training_data_sha256"] == train.training_hash(), "training data changed: run `python -m analyzer.narrative.train`"
    assert clf.MODEL_PATH.stat().st_size < 20e6


def test_incompatible_model_is_refused_with_a_clear_message(tmp_path):
    sidecar = tmp_path / "m.json"
    meta = clf.read_sidecar()
    meta["sklearn_version"] = "0.1.0"
    sidecar.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(clf.ModelIncompatible, match=r"scikit-learn 0\.1\.0.*python -m analyzer\.narrative\.train"):
        clf.load_model_file(clf.MODEL_PATH, sidecar)


def test_section_prior_moves_imperatives_between_sections():
    probs = {"problem": 0.05, "measure": 0.6, "achievement": 0.3, "statement": 0.05}
    over = clf.apply_priors(probs, "overview")
    prob = clf.apply_priors(probs, "problems")
    assert max(over, key=over.get) == "achievement"
    assert max(prob, key=prob.get) == "measure"
    assert abs(sum(over.values()) - 1) < 1e-9


def test_training_data_is_not_copied_from_real_reports():
    """Our own words: no training statement shares a run of 16 characters with a real report."""
    if not REAL.exists():
        pytest.skip("../shared/corpus-real is absent")
    n = 16
    windows = set()
    for path in sorted(REAL.glob("*.txt")):
        flat = train.flat_text(path.read_text(encoding="utf-8"))
        windows.update(flat[i : i + n] for i in range(len(flat) - n + 1))
    copied = [e.text for e in train.load_training() if any(train.flat_text(e.text)[i : i + n] in windows for i in range(len(e.text) - n + 1))]
    assert copied == []


def test_heldout_scores_hold():
    """The held-out real statements (never trained on) keep the figures in MODEL_CARD.md."""
    examples, skipped = train.load_eval()
    if not any(e.source.startswith("corpus-real/") for e in examples):
        pytest.skip("../shared/corpus-real is absent")
    assert skipped == 0
    assert len(examples) >= 400
    res = train.evaluate(clf.get_model(), examples)
    assert res["kind_macro_f1"] >= 0.85
    assert res["category_macro_f1"] >= 0.70


def test_eval_refs_keep_no_real_text():
    for line in (train.DATA_DIR / "eval_refs.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("corpus-real/"):
            assert line.split("\t")[7] == ""
            assert not re.search(r"[\u4e00-\u9fff]", line)
