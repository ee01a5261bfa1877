"""Golden tests: the sections, identity and template of every seed (all formats) and real report.

Expected files live in tests/data/identity/<case>.json; `pytest --update-golden`
rewrites them from the current output (review the diff before committing).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.identify import identify
from analyzer.ingest import read_document
from analyzer.sections import split_sections
from conftest import CORPUS, DATA, EXPECTED, REAL, SEED_EXPECTED, check_golden

GOLDEN = DATA / "identity"
SEEDS = sorted(p.stem for p in CORPUS.glob("0*.txt"))
REAL_TEXTS = ["real0001", "real0003", "real0005", "real0007", "real0009", "real0010", "real0011", "real0012"]
REAL_PDFS = ["szfgs2024", "hzq2023_working", "hzq2024_working"]
FORMATS = ["txt", "docx", "pdf", "html"]


def describe(path: Path) -> dict:
    doc = read_document(path)
    meta = identify(doc)
    sections = split_sections(doc)
    return {
        "report": {k: v for k, v in meta.to_dict().items()},
        "sections": {
            key: {"title": s.title, "parts": [p.number for p in s.parts]} for key, s in sections.items()
        },
    }


def _check(case: str, path: Path, update: bool) -> dict:
    got = describe(path)
    check_golden(GOLDEN / f"{case}.json", json.dumps(got, ensure_ascii=False, indent=2, sort_keys=True) + "\n", update)
    return got


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_golden(stem, update_golden):
    _check(stem, CORPUS / f"{stem}.txt", update_golden)


@pytest.mark.parametrize("name", REAL_TEXTS + REAL_PDFS)
def test_real_golden(name, update_golden):
    path = REAL / (f"{name}.pdf" if name in REAL_PDFS else f"{name}.txt")
    if not path.exists():
        pytest.skip("../shared/corpus-real is absent")
    _check(name, path, update_golden)


def _expected_report(source_name: str) -> dict | None:
    for f in [*SEED_EXPECTED.glob("seed*.json"), *EXPECTED.glob("*.json")]:
        data = json.loads(f.read_text(encoding="utf-8"))
        if Path(data["source"]).name == source_name:
            return data["report"]
    return None


@pytest.mark.parametrize("name", SEEDS + REAL_TEXTS + REAL_PDFS)
def test_identity_matches_shared_expectations(name):
    """Agency, level, year and template against tests/data/expected (seeds) and ../shared/corpus-real/expected."""
    if name in SEEDS:
        path = CORPUS / f"{name}.txt"
    else:
        path = REAL / (f"{name}.pdf" if name in REAL_PDFS else f"{name}.txt")
    want = _expected_report(path.name)
    if want is None or not path.exists():
        pytest.skip("expected values not available")
    meta = identify(read_document(path))
    got = {"agency": meta.agency, "level": meta.level, "year": meta.year, "template": meta.template}
    assert got == {k: want[k] for k in got}


@pytest.mark.parametrize("stem", SEEDS + ["900_distinct_values"])
@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_same_report_in_every_format(stem, fmt):
    """The DOCX/PDF/HTML renderings of a report give the TXT's sections and identity."""
    path = CORPUS / f"{stem}.{fmt}"
    txt = CORPUS / f"{stem}.txt"
    if not path.exists() or not txt.exists():
        pytest.skip(f"{path.name} not generated")
    base, other = describe(txt), describe(path)
    for key in ("title", "agency", "level", "year", "template"):
        assert other["report"][key] == base["report"][key], key
    assert sorted(other["sections"]) == sorted(base["sections"])
    for key, sec in base["sections"].items():
        assert len(other["sections"][key]["parts"]) == len(sec["parts"]), key


def test_missing_section_is_absent_not_guessed(tmp_path):
    text = (CORPUS / "000_d1513ee4e846cccb.txt").read_text(encoding="utf-8")
    cut = text.split("五、存在的主要问题及改进情况")[0] + "六、其他需要报告的事项\n\n无。\n"
    path = tmp_path / "no_problems.txt"
    path.write_text(cut, encoding="utf-8")
    sections = split_sections(read_document(path))
    assert "problems" not in sections
    assert set(sections) == {"overview", "active_disclosure", "applications", "review_litigation", "other"}


def test_headings_run_into_flattened_text(tmp_path):
    text = (
        "某县人民政府2022年政府信息公开工作年度报告 一、总体情况2022年，我县主动公开信息100条。"
        "二、主动公开政府信息情况第二十条第（一）项 三、收到和处理政府信息公开申请情况 本年新收 "
        "四、政府信息公开行政复议、行政诉讼情况 0 0 五、存在的主要问题及改进情况一是解读不够。"
        "六、其他需要报告的事项无。"
    )
    path = tmp_path / "flat.txt"
    path.write_text(text, encoding="utf-8")
    sections = split_sections(read_document(path))
    assert list(sections) == ["overview", "active_disclosure", "applications", "review_litigation", "problems", "other"]
    assert sections["problems"].text.startswith("一是解读不够")


@pytest.mark.parametrize(
    "heading", ["五、存在的主要问题及改进情况", "五. 存在的主要问题及改进情况", "第五部分 存在的主要问题及改进情况",
                "五、存在的主要问题及改迸情况", "五、政府信息公开工作存在的主要问题及改进情况"],
    ids=["standard", "dot", "part", "ocr", "long"],
)
def test_heading_variants(tmp_path, heading):
    text = (CORPUS / "000_d1513ee4e846cccb.txt").read_text(encoding="utf-8").replace("五、存在的主要问题及改进情况", heading)
    path = tmp_path / "variant.txt"
    path.write_text(text, encoding="utf-8")
    assert "problems" in split_sections(read_document(path))
