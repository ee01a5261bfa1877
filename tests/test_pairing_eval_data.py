"""data/narrative/pairing_eval.tsv and pairing_eval2.tsv: held-out sections 五 that say which problems
no measure answers (the second set, ids f01…, is a fresh one to be used once).

Each file is evaluation data for "问题X未提出改进措施"; these tests keep its format honest (so a
score computed on it means what it says) and keep it out of, and apart from, the training data.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from analyzer.narrative import train
from analyzer.narrative.features import CATEGORIES
from conftest import REAL
from test_narrative_classify import _all_written_texts, _bigrams, _without_formulas

PATH = train.DATA_DIR / "pairing_eval.tsv"
PATH2 = train.DATA_DIR / "pairing_eval2.tsv"
KINDS = ("problem", "measure", "statement")


class Size(NamedTuple):
    """What a file must hold: its section ids' letter and the least it may hold."""

    prefix: str
    sections: int
    problems: int
    several: int  # measures answering two problems or more


FILES = {PATH: Size("e", 45, 180, 5), PATH2: Size("f", 30, 110, 3)}
each_file = pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])


def load(path: Path = PATH) -> dict[str, list[list[str]]]:
    """Rows by section id, in reading order; comment lines (``#``) skipped."""
    sections: dict[str, list[list[str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        row = line.split("\t")
        sections.setdefault(row[0], []).append(row)
    return sections


def defects(sections: dict[str, list[list[str]]], prefix: str = "e") -> list[str]:
    """Every format fault of the file, as ``section: what``; section ids are ``prefix`` and two digits or more."""
    out = []
    for sid, rows in sections.items():
        if not re.fullmatch(rf"{prefix}\d{{2,}}", sid):
            out.append(f"{sid}: section id is not {prefix}01, {prefix}02…")
        if any(len(r) != 6 for r in rows):
            out.append(f"{sid}: a row without 6 columns")
            continue
        problems = [r for r in rows if r[2] == "problem"]
        if not problems:
            out.append(f"{sid}: no problem")
        for _, section, kind, cat, answers, text in rows:
            where = f"{sid}: {text[:12]}"
            if section != "problems":
                out.append(f"{where}: section {section!r}, not 'problems'")
            if kind not in KINDS:
                out.append(f"{where}: kind {kind!r}")
            if kind == "statement" and cat != "-" or kind != "statement" and cat not in CATEGORIES:
                out.append(f"{where}: category {cat!r} for a {kind}")
            if kind != "measure" or answers == "-":
                if answers != "-":
                    out.append(f"{where}: a {kind} answers {answers!r}")
                continue
            if not re.fullmatch(r"\d+(,\d+)*", answers):
                out.append(f"{where}: answers {answers!r} are not numbers")
                continue
            nums = [int(n) for n in answers.split(",")]
            if nums != sorted(set(nums)) or not all(1 <= n <= len(problems) for n in nums):
                out.append(f"{where}: answers {answers!r} for {len(problems)} problems")
            elif cat not in {problems[n - 1][3] for n in nums}:
                out.append(f"{where}: category {cat!r} is none of its problems'")
    return out


def unanswered(rows: list[list[str]]) -> list[int]:
    """Numbers of the section's problems that no measure answers."""
    n = sum(r[2] == "problem" for r in rows)
    answered = {int(a) for r in rows if r[2] == "measure" and r[4] != "-" for a in r[4].split(",")}
    return [k for k in range(1, n + 1) if k not in answered]


def rewordings(path: Path, texts: list[str]) -> list[tuple[str, str]]:
    """(row, text) for each row of ``path`` of 14 characters or more sharing 70 % of its character bigrams
    with one of ``texts``: a copy or a reworded copy."""
    theirs = [(t, _bigrams(t)) for t in set(texts)]
    near = []
    for rows in load(path).values():
        for row in rows:
            mine = _bigrams(row[5])
            if len(train.flat_text(row[5])) < 14 or not mine:
                continue
            near += [(row[5], t) for t, b in theirs if b and len(mine & b) / len(mine | b) >= 0.7]
    return near


@each_file
def test_the_file_has_no_format_fault(path):
    assert defects(load(path), FILES[path].prefix) == []


@pytest.mark.parametrize("p", ["e", "f"])
def test_the_checker_finds_each_kind_of_fault(tmp_path, p):
    bad = tmp_path / "bad.tsv"
    other = "f" if p == "e" else "e"
    rows = [
        f"{p}01\tproblems\tproblem\tcontent_coverage\t-\t一是内容不全",
        f"{p}01\tproblems\tmeasure\tcontent_coverage\t3\t扩大公开范围",
        f"{p}01\tproblems\tmeasure\tplatform\t1\t扩大公开事项",
        f"{p}01\tproblems\tachievement\t-\t-\t已公开信息",
        f"{p}01\tproblems\tproblem\tstaffing\t-\t人员不足",
        f"{p}01\tproblems\tstatement\t-\t1\t下一步将",
        "x2\toverview\tproblem\tother\t-\t别的问题",
        f"{other}03\tproblems\tproblem\tother\t-\t另一套的问题",
    ]
    bad.write_text("# header\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert defects(load(bad), p) == [
        f"{p}01: 扩大公开范围: answers '3' for 2 problems",
        f"{p}01: 扩大公开事项: category 'platform' is none of its problems'",
        f"{p}01: 已公开信息: kind 'achievement'",
        f"{p}01: 已公开信息: category '-' for a achievement",
        f"{p}01: 人员不足: category 'staffing' for a problem",
        f"{p}01: 下一步将: a statement answers '1'",
        f"x2: section id is not {p}01, {p}02…",
        "x2: 别的问题: section 'overview', not 'problems'",
        f"{other}03: section id is not {p}01, {p}02…",
    ]
    bad.write_text(f"{p}01\tproblems\tmeasure\n", encoding="utf-8")
    assert defects(load(bad), p) == [f"{p}01: a row without 6 columns"]


@each_file
def test_size_levels_years_and_share_unanswered(path):
    """Enough sections and problems (``FILES``), a quarter of them unanswered, enough measures answering
    several problems; every level and year 2019–2025, each section with its note."""
    size = FILES[path]
    sections = load(path)
    problems = sum(r[2] == "problem" for rows in sections.values() for r in rows)
    missing = sum(len(unanswered(rows)) for rows in sections.values())
    assert len(sections) >= size.sections and problems >= size.problems
    assert missing / problems >= 0.25
    assert sum(r[2] == "measure" and "," in r[4] for rows in sections.values() for r in rows) >= size.several
    notes = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if re.match(rf"# {size.prefix}\d", line)]
    assert sorted(n[0][2:] for n in notes) == sorted(sections)
    assert {n[1] for n in notes} >= {"乡镇", "街道", "县区政府", "县级部门", "市政府", "市级部门", "省级部门"}
    assert {n[2] for n in notes} >= {str(y) for y in range(2019, 2026)}


@each_file
def test_training_never_reads_it(path):
    assert path not in train.training_files()


@each_file
def test_no_row_copies_or_rewords_a_training_text(path):
    """An evaluation row the model has seen (or nearly) measures memory, not pairing: no row of 14
    characters or more shares 70 % of its character bigrams with a text written for training."""
    assert rewordings(path, _all_written_texts()) == []


@each_file
def test_rows_are_not_copied_from_real_reports(path):
    """Our own words: no row shares a run of 16 characters with a real report or a seed, mandated formulas aside."""
    if not REAL.exists():
        pytest.skip("../shared/corpus-real is absent")
    n = 16
    windows = set()
    for report in sorted(REAL.glob("*.txt")) + sorted((train.REPO / "corpus").glob("*.txt")):
        flat = _without_formulas(train.flat_text(report.read_text(encoding="utf-8")))
        windows.update(flat[i : i + n] for i in range(len(flat) - n + 1))
    copied = []
    for rows in load(path).values():
        for row in rows:
            flat = _without_formulas(train.flat_text(row[5]))
            copied += [row[5]] if any(flat[i : i + n] in windows for i in range(len(flat) - n + 1)) else []
    assert copied == []


def test_the_second_set_rewords_no_row_of_the_first():
    """The second set is a fresh measure only if it is not the first one reworded: no row of 14 characters
    or more shares 70 % of its character bigrams with a row of pairing_eval.tsv."""
    assert rewordings(PATH2, [r[5] for rows in load(PATH).values() for r in rows]) == []
