"""The shipped model files: numpy inference equals the scikit-learn pipeline, retraining gives the same bytes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from analyzer.narrative import classify as clf
from analyzer.narrative import features, linear, train
from analyzer.narrative.estimator import fit_temperature

from conftest import ROOT


@pytest.fixture(scope="session")
def retrained(tmp_path_factory):
    """The training run, into a temporary models folder: (the scikit-learn estimator, that folder)."""
    folder = tmp_path_factory.mktemp("models")
    (folder / "boilerplate_reference.txt").write_bytes((ROOT / "models" / "boilerplate_reference.txt").read_bytes())
    train.train(models_dir=folder)
    return train.fit_from_repository(), folder


def test_numpy_inference_equals_the_scikit_learn_pipeline_on_the_training_data(retrained):
    estimator, folder = retrained
    model = clf.load_model_file(folder / clf.MODEL_PATH.name, folder / clf.SIDECAR_PATH.name)
    texts = [e.text for e in train.load_training()]
    assert list(model.classes_) == list(estimator.classes_)
    np.testing.assert_allclose(model.predict_proba(texts), estimator.predict_proba(texts), rtol=0, atol=1e-9)
    assert (model.predict(texts) == estimator.predict(texts)).all()
    cats = [e.text for e in train.load_training() if e.category]
    np.testing.assert_allclose(model.predict_category_proba(cats), estimator.predict_category_proba(cats), rtol=0, atol=1e-9)
    assert (model.predict_category(cats) == estimator.predict_category(cats)).all()


def test_retraining_gives_the_same_bytes_twice(retrained, tmp_path):
    """Training is deterministic: the same data on the same machine gives the same files, byte for byte."""
    _, folder = retrained
    (tmp_path / "boilerplate_reference.txt").write_bytes((ROOT / "models" / "boilerplate_reference.txt").read_bytes())
    train.train(models_dir=tmp_path)
    for name in (clf.MODEL_PATH.name, clf.SIDECAR_PATH.name, "boilerplate_index.json"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_retraining_gives_the_shipped_files(retrained):
    """The shipped files are what the training data give: the sidecar and the boilerplate index byte for byte,
    the coefficients to 1e-8. Not the coefficients' last bits: another machine's BLAS (another CPU's kernels)
    sums in another order; seen on a new machine: 3e-10 on the kind model, 2e-13 on the others."""
    _, folder = retrained
    for name in (clf.SIDECAR_PATH.name, "boilerplate_index.json"):
        assert (folder / name).read_bytes() == (ROOT / "models" / name).read_bytes(), f"{name}: run python -m analyzer.narrative.train"
    new, shipped = np.load(folder / clf.MODEL_PATH.name), np.load(ROOT / "models" / clf.MODEL_PATH.name)
    assert sorted(new.files) == sorted(shipped.files), "run python -m analyzer.narrative.train"
    for key in new.files:
        assert new[key].dtype == shipped[key].dtype and new[key].shape == shipped[key].shape, key
        if new[key].dtype.kind == "f":
            np.testing.assert_allclose(new[key], shipped[key], rtol=0, atol=1e-8, err_msg=f"{key}: run python -m analyzer.narrative.train")
        else:
            assert np.array_equal(new[key], shipped[key]), key


def test_saved_model_matches_the_training_data():
    meta = clf.read_sidecar()
    assert meta["training_data_sha256"] == train.training_hash(), "training data changed: run `python -m analyzer.narrative.train`"
    assert meta["format"] == linear.FORMAT
    assert clf.MODEL_PATH.stat().st_size + clf.SIDECAR_PATH.stat().st_size < 20e6


def test_inference_imports_no_scikit_learn():
    code = (
        "import sys\n"
        "from analyzer.narrative import classify_texts, analyze_narrative\n"
        "classify_texts(['全年主动公开政府信息312条'])\n"
        "from analyzer.narrative import boilerplate\n"
        "boilerplate.judge('加强组织领导，压实工作责任')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'joblib')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"


def test_npz_bytes_depend_only_on_the_arrays(tmp_path):
    arrays = {"b": np.arange(5.0), "a": np.eye(2)}
    linear.write_npz(tmp_path / "one.npz", arrays)
    linear.write_npz(tmp_path / "two.npz", dict(reversed(arrays.items())))
    assert (tmp_path / "one.npz").read_bytes() == (tmp_path / "two.npz").read_bytes()
    with np.load(tmp_path / "one.npz") as z:
        assert np.array_equal(z["a"], np.eye(2))


def test_temperature_softens_an_overconfident_model():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    logits = np.column_stack([np.zeros(400), (y * 2 - 1) * 6.0])  # confident…
    flip = rng.random(400) < 0.2  # …and wrong one time in five
    logits[flip, 1] *= -1
    t = fit_temperature(logits, y)
    confidence = linear.softmax(logits / t).max(axis=1)
    assert t > 2 and abs(confidence.mean() - (~flip).mean()) < 0.03  # as sure as it is right


def test_features_fold_figures_and_drop_leading_markers():
    assert features.normalize("一是全年公开312条") == "全年公开0条"
    assert features.char_ngrams("（二）公开12条", 1, 2)[:3] == ["公", "开", "0"]
    assert features.kind_cue_block(1.0).values("健全组织领导")[-2] == 1.0  # heading shape


def test_edges_are_how_a_statement_opens_and_ends():
    """The kind model's edge block: first and last characters and words, marked by position, figures
    folded, the item marker and the closing punctuation dropped."""
    text = "二是下一步将加强培训12次。"
    grams = features.edge_grams(text, 1, 3)
    assert grams[:3] == ["^下", "^下一", "^下一步"]
    assert grams[3:6] == ["次$", "0次$", "训0次$"]
    words = features.words(text)
    assert grams[-2:] == [f"^W:{words[0]}", "W$:次"]
    assert features.edge_grams("。；", 1, 3) == []
    assert features.ANALYZERS["edges"] is features.edge_grams


def test_warm_up_and_the_default_reader_import_no_spacy():
    # spaCy costs about a second of start-up; the default reader (the segmenter) does not need it.
    code = (
        "import sys\n"
        "from analyzer import runner\n"
        "runner.warm_up()\n"
        "from analyzer.narrative import analyze\n"
        "assert analyze.READER == 'segmenter'\n"
        "from analyzer.pipeline import analyze_file\n"
        "from analyzer.config import resolve\n"
        "analyze_file(sys.argv[1], resolve(None))\n"
        "print('spacy' in sys.modules)\n"
    )
    sample = ROOT / "corpus" / "000_d1513ee4e846cccb.txt"
    out = subprocess.run([sys.executable, "-c", code, str(sample)], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "False"


def test_an_open_aspect_is_a_promise_only_when_nothing_is_done_or_lacking():
    """r14d's ``mea_open`` column: 进一步/持续/继续… with no done marker, no figure and no word of a lack."""
    block = features.kind_cue_block(1.0)
    col = block.names.index("mea_open")
    fired = {t: block.values(t)[col] > 0 for t in (
        "二是进一步规范答复文书，逐步建立案例库",  # a promise
        "进一步规范答复文书，全年办结申请45件",  # work done: a figure and 全年
        "持续优化网站检索功能，已实现按文号查询",  # work done: 已
        "服务意识有待进一步加强",  # a problem: 有待
        "加强业务培训",  # no aspect word at all
    )}
    assert list(fired.values()) == [True, False, False, False, False]


def test_rows_written_for_the_categories_teach_the_category_model_only():
    """A file of CATEGORY_ONLY_FILES changes neither the kind model, nor the shared vocabularies, nor the
    kind temperature; the category model learns from it."""
    from threadpoolctl import threadpool_limits

    from analyzer.narrative.estimator import StatementClassifier

    data = train.load_training()
    extra = [e for e in data if not e.for_kinds]
    assert {e.source for e in extra} == set(train.CATEGORY_ONLY_FILES) and len(extra) >= 100
    base = [e for e in data if e.source in ("train_problems.tsv", "train_other.tsv")][::3] + [e for e in data if e.source == "train_unrelated.tsv"][::6]

    def fit(rows):
        small = StatementClassifier(char_ngram=(1, 2), word_ngram=None, edge_ngram=None, C_kind=1.0, C_category=1.0, calibration_folds=2)
        with threadpool_limits(1):
            return small.fit([e.text for e in rows], [e.kind for e in rows], [e.category for e in rows], groups=train.calibration_groups(rows), for_kinds=[e.for_kinds for e in rows])

    without, with_extra = fit(base), fit(base + extra)
    assert with_extra.vectorizers_["chars"].vocabulary_ == without.vectorizers_["chars"].vocabulary_
    assert np.array_equal(with_extra.kind_model_.coef_, without.kind_model_.coef_)
    assert with_extra.kind_temperature_ == without.kind_temperature_
    assert with_extra.category_model_.coef_.shape == without.category_model_.coef_.shape
    assert not np.array_equal(with_extra.category_model_.coef_, without.category_model_.coef_)


def test_the_category_model_blends_a_complement_naive_bayes_into_one_linear_model():
    """The category logits are (1 − w)·log p_lr + w·log p_nb up to a constant per text, exported as one
    coefficient matrix: the numpy model computes the blend as it computes any linear model."""
    from scipy.special import log_softmax
    from sklearn.naive_bayes import ComplementNB
    from threadpoolctl import threadpool_limits

    from analyzer.narrative.estimator import StatementClassifier

    rows = [e for e in train.load_training() if e.source in ("train_problems.tsv", "train_other.tsv")][::2]
    params = dict(char_ngram=(1, 2), word_ngram=None, edge_ngram=None, C_kind=1.0, C_category=1.0, calibration_folds=0, category_first_clause_weight=0.0)
    with threadpool_limits(1):
        fit = lambda w: StatementClassifier(**params, category_nb_weight=w).fit([e.text for e in rows], [e.kind for e in rows], [e.category for e in rows])  # noqa: E731
        lr, blend = fit(0.0), fit(0.2)
    cat_rows = [e for e in rows if e.category and e.kind in ("problem", "measure")]
    matrix = blend._matrix(blend.vectorizers_, blend.cues_, [e.text for e in cat_rows], blend.category_blocks_)
    nb = ComplementNB(alpha=blend.category_nb_alpha).fit(matrix, [e.category for e in cat_rows])
    expected = 0.8 * log_softmax(lr.category_model_.decision_function(matrix), axis=1) + 0.2 * np.log(nb.predict_proba(matrix))
    got = blend.category_decision_function([e.text for e in cat_rows])
    np.testing.assert_allclose(log_softmax(got, axis=1), log_softmax(expected, axis=1), atol=1e-9)
    assert not np.allclose(got, lr.category_decision_function([e.text for e in cat_rows]))
    _, models = blend.to_linear()
    assert models["category"].coef.shape == (len(blend.categories_), matrix.shape[1])


def test_first_clause_is_the_lead_clause_of_at_least_ten_characters():
    assert features.first_clause("部分栏目信息更新不够及时，信息公开目录有待完善") == "部分栏目信息更新不够及时"
    assert features.first_clause("栏目更新不及时，目录有待完善，指南未修订") == "栏目更新不及时，目录有待完善"  # 7 characters: one more clause
    assert features.first_clause("同时，加强重大政策解读工作，提升回应实效") == "同时，加强重大政策解读工作"  # a short lead takes the next clause
    assert features.first_clause("部分单位信息发布属性界定还不够精确；栏目存在信息噪音") == "部分单位信息发布属性界定还不够精确"
    assert features.first_clause("加强业务培训") == "加强业务培训"  # one clause: the text itself


def test_the_category_of_several_clauses_mixes_the_whole_text_and_its_first_clause():
    """The shipped category model reads a statement of several areas twice, whole and by its first clause, with the
    weight it was trained with; a statement of one clause is read once."""
    model = clf.get_model()
    w = model.meta["params"]["category_first_clause_weight"]
    assert 0 < w < 1
    texts = ["加大重点领域信息公开力度，不断优化政府门户网站栏目设置，提升检索功能", "部分栏目更新不及时"]
    logits = lambda ts: model.category.logits(model.featurizer.rows(ts, model.category.blocks))  # noqa: E731
    head = features.first_clause(texts[0])
    assert head != texts[0]
    mixed = (1 - w) * logits(texts[:1]) + w * logits([head])
    expected = linear.softmax(np.vstack([mixed, logits(texts[1:])]) / model.category.temperature)
    np.testing.assert_allclose(model.predict_category_proba(texts), expected, atol=1e-12)
    whole_only = linear.softmax(logits(texts[:1]) / model.category.temperature)
    assert not np.allclose(model.predict_category_proba(texts[:1]), whole_only)


@pytest.mark.parametrize(
    "text, group",
    [
        ("部分已废止的文件仍在网上公开，没有标注失效", "information_management"),  # the document life-cycle (r14f)
        ("历年公开信息的电子档案尚未建立", "information_management"),
        ("文件的索引号不统一", "information_management"),
        ("部分栏目停更半年，内容陈旧", "timeliness"),  # stale content without 及时/更新/滞后
        ("惠民补贴只公开总数，缺少明细", "content_coverage"),  # a lack of detail
        ("办事指南要素不齐", "content_coverage"),
        ("部分村组的明白墙内容不全", "grassroots_standardization"),
        ("受财力所限，办公用房紧张", "other"),  # the conditions of the work, none of the areas
    ],
)
def test_category_cues_name_the_words_reports_use_for_each_area(text, group):
    """The r14f cue words of the five weak groups (features.CATEGORY_CUES) fire on the wordings written for them;
    before r14f none of these texts lit its group's column."""
    block = features.category_cue_block(1.0)
    values = dict(zip(block.names, block.values(text)))
    assert values[f"cat_{group}"] > 0


def test_the_r14f_category_rows_are_for_the_category_model_and_hold_the_borders():
    """train_r14f_cats.tsv teaches the category model only (its problems and measures carry no work done in the
    same words), and holds the confusable neighbours of its categories: a word of delay (不及时/不够及时) is filed
    under the area it is said of, not under timeliness alone."""
    rows = [e for e in train.load_training() if e.source == "train_r14f_cats.tsv"]
    assert "train_r14f_cats.tsv" in train.CATEGORY_ONLY_FILES and rows and not any(e.for_kinds for e in rows)
    assert all(e.kind in ("problem", "measure") and e.category in features.CATEGORIES for e in rows)
    per = {c: sum(e.category == c for e in rows) for c in ("content_coverage", "timeliness", "information_management", "other", "grassroots_standardization")}
    assert min(per.values()) >= 12, per
    late = {e.category for e in rows if "及时" in e.text and "不" in e.text}
    assert "timeliness" in late and len(late) >= 3, late


def test_archiving_is_filed_under_information_management_in_every_training_file():
    """The document life-cycle, archiving included, is information_management (spec/taxonomy.md §2): no training
    problem or measure whose lead clause is about archives (档案管理/档案数字化) is filed under other (three were until
    r14f). The lead clause decides (the first named area leads): "理顺机构调整后的职责，做好档案移交" is restructuring."""
    about_archives = [e for e in train.load_training() if e.category and "档案" in features.first_clause(e.text) and "档案馆" not in e.text]
    assert len(about_archives) >= 3 and all(e.category == "information_management" for e in about_archives), [(e.source, e.category, e.text) for e in about_archives]
