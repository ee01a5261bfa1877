"""Single-report boilerplate: stock phrases of the genre found inside statements."""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest

from analyzer.narrative import analyze_narrative
from analyzer.narrative import boilerplate as bp
from analyzer import identify
from analyzer.ingest import read_document
from analyzer.sections import split_sections

from conftest import CORPUS, REAL, ROOT


def test_reference_is_rich_and_grouped():
    text = bp.REFERENCE_PATH.read_text(encoding="utf-8")
    assert text.startswith("#") and "How it was made" in text
    groups = [line for line in text.splitlines() if line.startswith("# ---")]
    assert len(groups) >= 8
    assert len(bp.reference().phrases) >= 300
    assert len(bp.reference().vocabulary) >= 300


def test_reference_shares_no_16_characters_with_real_reports():
    files = sorted(REAL.glob("*.txt")) if REAL.is_dir() else []
    if not files:
        pytest.skip("../shared/corpus-real is absent")
    drop = re.compile(r"\s+")
    grams = set()
    for f in files:
        t = drop.sub("", f.read_text(encoding="utf-8"))
        grams.update(t[i : i + 16] for i in range(len(t) - 15))
    copied = [p for p in bp.load_phrases() if any(p[i : i + 16] in grams for i in range(len(p) - 15))]
    assert copied == []


@pytest.mark.parametrize(
    "text",
    [
        # one long statement stitched together from stock phrases, none of it the agency's own
        "下一步，我镇将进一步加强对政务公开工作的组织领导，认真制定切实可行的措施，以求真务实的作风，扎实做好政务公开工作。",
        "今年，我乡坚持以公开为常态、不公开为例外的原则，精心组织、规范进行，有效保障了群众的知情权、参与权、监督权。",
        "政府信息公开工作人员业务水平有待进一步提高。",
        # paraphrase: no whole phrase, but every word is the genre's stock vocabulary
        "持续强化组织领导，不断完善工作机制，切实提升政务公开工作水平。",
    ],
)
def test_stock_statements_are_boilerplate(text):
    assert bp.match_reference(text) is not None, bp.coverage(text)
    judged = bp.judge(text)
    assert judged.boilerplate and judged.evidence  # the stock phrase found is the evidence


@pytest.mark.parametrize(
    "text",
    [
        "全年主动公开政府信息312条。",  # stock opening, then a figure: the agency's own fact
        "坚持以公开为常态、不公开为例外，全年主动公开政府信息312条，其中政策文件45件。",
        "开设“乡村振兴”专栏，集中发布高标准农田建设、农机购置补贴的申报条件与结果。",
        "受人员编制所限，信息员由财政所会计兼任，汛期抽调防汛后网站停更两个月。",
        "监督保障情况。",  # a heading, too short to judge
    ],
)
def test_own_content_is_not_boilerplate(text):
    assert bp.match_reference(text) is None, bp.coverage(text)
    assert not bp.judge(text).boilerplate, bp.features(text)


@pytest.mark.parametrize(
    "text",
    [
        # no stock phrase of the list, yet nothing of its own: generic work said in generic words
        "不断拓宽公开渠道，方便群众及时获取各类政府信息，进一步提升政务公开的实效",
        "部分工作人员对政策的理解还不够到位，工作主动性有待进一步增强",
    ],
)
def test_generic_statements_without_a_listed_phrase_are_boilerplate(text):
    assert bp.judge(text).boilerplate, bp.features(text)


def test_embedded_phrase_is_found_but_does_not_make_a_long_specific_statement_boilerplate():
    text = "按照先审查后公开的要求，由党政办拟稿、司法所合法性审核、分管副镇长签发，全年退回修改稿件一批。"
    cov = bp.coverage(text)
    assert "坚持先审查后公开" in cov.phrases or "先审查后公开" in cov.phrases
    assert not cov.is_boilerplate()
    assert "党政办" in cov.own_words


def test_normalisation_reads_years_and_self_references_alike():
    a = bp.phrase_normalize("2021年，我镇在县委县政府的坚强领导下")
    b = bp.phrase_normalize("今年，我区在区委区政府的坚强领导下")
    assert a == b


def test_figures_are_kept_and_years_are_not_figures():
    assert bp.coverage("2023年，我县认真做好政府信息公开工作。").has_figure is False
    assert bp.coverage("我县公开信息4511条。").has_figure is True


def test_small_hand_made_index():
    idx = bp.build_index(["加强业务培训", "提高工作人员业务素质"])
    cov = bp.coverage("加强业务培训，提高工作人员业务素质", idx)
    assert cov.share == pytest.approx(1.0)
    assert cov.phrases[0] == "提高工作人员业务素质"
    assert bp.coverage("开展行政复议案例专题培训", idx).share == 0.0


@pytest.mark.parametrize("seed", ["001_dc17ca86c1b8bf45", "003_3e90722e65647b3d", "004_88f21ce372e9fb84"])
def test_seed_narratives_carry_boilerplate(seed):
    doc = read_document(CORPUS / f"{seed}.txt")
    result, _ = analyze_narrative(split_sections(doc), identify.identify(doc), None)
    assert result.boilerplate_share is not None and result.boilerplate_share > 0.3
    assert any(s.boilerplate and s.kind == "problem" for s in result.statements) or seed == "001_dc17ca86c1b8bf45"


def _boilerplate_eval():
    """The evaluation harness, ``bench/boilerplate_eval.py`` (``bench/`` is not a package)."""
    spec = importlib.util.spec_from_file_location("boilerplate_eval", ROOT / "bench" / "boilerplate_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_evaluation_file_and_figures():
    harness = _boilerplate_eval()
    rows, skipped = harness.load_eval()
    seeds = [r for r in rows if not r.source.startswith("corpus-real/")]
    assert len(seeds) + (0 if REAL.is_dir() else skipped) >= 70
    assert len(rows) + skipped >= 150
    assert not REAL.is_dir() or skipped == 0  # references still point at the same statements
    res, _ = harness.evaluate()
    assert res["all"]["precision"] >= 0.85 and res["all"]["recall"] >= 0.85  # models/MODEL_CARD.md
    # the evaluation file never holds corpus-real text
    for line in (ROOT / "data" / "narrative" / "boilerplate_eval.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("corpus-real/"):
            assert line.split("\t")[6] == ""


def test_the_shipped_index_is_the_reference_s():
    """The stock-phrase index is built at training time from the reference file it names."""
    import hashlib
    import json

    data = json.loads(bp.INDEX_PATH.read_text(encoding="utf-8"))
    assert data["source_sha256"] == hashlib.sha256(bp.REFERENCE_PATH.read_bytes()).hexdigest(), "run python -m analyzer.narrative.train"
    assert tuple(data["phrases"]) == bp.load_phrases()


def test_evidence_does_not_depend_on_the_hash_seed():
    """Which stock phrase is shown must be the same in every process (set order follows PYTHONHASHSEED)."""
    import os
    import subprocess

    code = (
        "from analyzer.narrative import boilerplate as bp\n"
        "for t in ['2021年，我镇深入贯彻落实上级部署，不断规范政府信息公开内容，创新政府信息公开形式，提高政府信息公开水平',"
        " '持续强化组织领导，不断完善工作机制，切实提升政务公开工作水平']:\n"
        "    print(bp.coverage(t).phrases, bp.judge(t).evidence)\n"
    )
    outs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outs) == 1
