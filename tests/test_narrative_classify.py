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


# --- measures take the category of the problem they answer (taxonomy §2) ------------------------


def _five(text: str):
    from analyzer.model import Block, ReportMeta, Section
    from analyzer.narrative import analyze_narrative

    title = "五、存在的主要问题及改进情况"
    secs = {"problems": Section("problems", title, (Block("heading", title), Block("paragraph", text)))}
    meta = ReportMeta("某某区2021年政府信息公开工作年度报告", "某某区人民政府", "county", 2021, "2021")
    return [s for s in analyze_narrative(secs, meta, None)[0].statements if s.section == "problems"]


def test_measure_split_from_its_problem_takes_the_problem_category():
    # The measure on its own reads as training (staff_capacity); it answers an update problem.
    own = classify_texts(["下一步将加强业务培训，明确专人负责栏目维护。"])[0]
    assert own["kind"] == "measure" and own["category"] != "timeliness"
    problem, measure = _five("网站栏目更新不及时，下一步将加强业务培训，明确专人负责栏目维护。")
    assert (problem.kind, measure.kind) == ("problem", "measure")
    assert problem.category == measure.category == "timeliness"
    assert measure.runner_up == own["category"]  # its own reading is kept as the runner-up
    assert measure.category_score == problem.category_score


def test_each_split_measure_answers_its_own_problem():
    stmts = _five("一是政府网站部分栏目更新不及时，下一步将加强业务培训，明确专人负责栏目维护。二是政策解读形式比较单一，今后将增加图解和视频解读。")
    assert [s.kind for s in stmts] == ["problem", "measure", "problem", "measure"]
    assert stmts[1].category == stmts[0].category == "timeliness"
    assert stmts[3].category == stmts[2].category == "interpretation_response"


def test_seed000_four_measures_pair_with_four_problems():
    from dataclasses import replace

    from analyzer.narrative.analyze import NARRATIVE_SECTIONS, inherit_categories, label_segments, pair_measures, section_body
    from analyzer.narrative.segment import segment_text
    from analyzer.sections import split_sections
    from analyzer.ingest import read_document

    from conftest import CORPUS

    secs = split_sections(read_document(CORPUS / "000_d1513ee4e846cccb.txt"))
    segments = [(k, seg) for k in NARRATIVE_SECTIONS if k in secs for seg in segment_text(section_body(secs[k]))]
    stmts = label_segments(segments, pair=False)  # each statement's own reading
    probs = [i for i, s in enumerate(stmts) if s.section == "problems" and s.kind == "problem"]
    meas = [i for i, s in enumerate(stmts) if s.section == "problems" and s.kind == "measure"]
    assert len(probs) == len(meas) == 4
    # 一是…四是 followed by 一要…四要: item n answers item n, by position (not explicit).
    assert pair_measures(segments, stmts) == {m: (p, False) for p, m in zip(probs, meas)}
    final = inherit_categories(segments, stmts, {})
    for p, m in zip(probs, meas):
        own, now, prob = stmts[m], final[m], stmts[p]
        if own.category_score >= 0.5 or prob.category_score <= own.category_score:
            assert now == own  # a confident measure, or a problem label less sure than its own guess
        else:
            assert (now.category, now.runner_up) == (prob.category, own.category if own.category != prob.category else own.runner_up)
    assert final[meas[2]].category == "public_participation"  # 加强宣传: confident, keeps its own
    # Where the measure's own reading is weak, position decides: 一要 answers 一是.
    weak = list(stmts)
    weak[meas[0]] = replace(stmts[meas[0]], category="other", category_score=0.2, runner_up=None)
    inherited = inherit_categories(segments, weak, {})[meas[0]]
    assert (inherited.category, inherited.runner_up) == (stmts[probs[0]].category, "other")
    assert inherited.category_score == stmts[probs[0]].category_score


def test_lists_of_different_lengths_are_not_paired():
    stmts = _five("存在的主要问题：一是政策解读形式单一；二是网站栏目更新不及时；三是工作人员业务能力不强。下一步将重点做好以下工作：一要丰富解读形式；二要加强业务培训。")
    kinds = [s.kind for s in stmts if s.kind != "statement"]
    assert kinds == ["problem"] * 3 + ["measure"] * 2
    measures = [s for s in stmts if s.kind == "measure"]
    assert measures[1].category == "staff_capacity"  # its own reading, not 网站更新's timeliness
