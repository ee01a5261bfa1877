"""index.html: self-contained, with ranking, charts, anchors, reasons and findings."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from _reports import clean_result, flawed_result, scored
from analyzer.model import Failure, RunResult
from analyzer.output.ranking import rank_results
from analyzer.output.site import anchor, render_index, write_index


def _run() -> RunResult:
    return RunResult(
        results=[scored(flawed_result()), scored(clean_result())],
        failures=[Failure("corpus/bad.pdf", "bad.pdf：PDF 文件已加密，无法读取，请提供未加密的版本。")],
    )


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.srcs, self.tags = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.srcs.append(a["src"])


def test_index_is_self_contained_and_anchors_resolve(tmp_path):
    run = _run()
    path = write_index(run, rank_results(run, None), tmp_path)
    html = path.read_text(encoding="utf-8")
    p = _Collect()
    p.feed(html)
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert not p.srcs
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html)  # only the SVG namespace
    assert "@import" not in html and "url(" not in html
    for href in p.hrefs:
        if href.startswith("#"):
            assert href[1:] in p.ids
    for r in run.results:
        assert anchor(r.source) in p.ids


def test_index_shows_ranking_charts_reasons_and_findings():
    run = _run()
    html = render_index(run, rank_results(run, None))
    assert html.count("<svg") == 3
    assert "得分分布" in html and "各类问题数量" in html and "第五部分所列问题的类别" in html
    assert "申请情况表勾稽关系不符" in html  # findings by rule, Chinese label
    assert "applications.balance" not in html
    assert "扣5分" in html  # a reason with its points
    assert "无法读取的文件" in html and "加密" in html
    for f in run.results[0].findings:
        assert f.id in html
    assert "某某镇人民政府" in html and "某某市某某区人民政府" in html


def test_index_is_deterministic():
    run = _run()
    assert render_index(run, rank_results(run, None)) == render_index(_run(), rank_results(_run(), None))


def test_whole_outputs_byte_identical_across_runs_workers_and_order(tmp_path):
    """Two runs (1 and 2 workers, input order reversed) write the same bytes: JSON, CSV, XLSX, reviews, index."""
    from conftest import CORPUS

    from analyzer.output.run import write_run
    from analyzer.pipeline import analyze_run

    seeds = sorted(CORPUS.glob("00[0-4]_*.txt"))
    write_run(analyze_run(seeds, workers=1), tmp_path / "a")
    write_run(analyze_run(list(reversed(seeds)), workers=2), tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    assert {"index.html", "ranking.csv", "ranking.xlsx"} <= {str(p) for p in files_a}
    assert any(p.suffix == ".docx" for p in files_a)
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


@pytest.mark.browser
def test_ranking_headers_levels_and_grades_stay_on_one_line(tmp_path):
    """Fails before: on a 1280-px screen, a long file name squeezed the ranking so that 名次, 等级, 乡镇级
    and the grade 优秀 broke into one character a line."""
    from pathlib import Path

    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from dataclasses import replace

    long = "corpus/" + "很长的文件名" * 12 + ".docx"
    results = [scored(replace(clean_result(), source=long)), scored(flawed_result())]
    run = RunResult(results=results, failures=[])
    path = write_index(run, rank_results(run, None), tmp_path)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        heights = page.evaluate("""() => {
            const table = [...document.querySelectorAll('table')].find(t => t.textContent.includes('名次'));
            const cells = [...table.querySelectorAll('th, td.grade, td.lv')];
            // The lines the text takes (a cell is as tall as its row, whatever its text).
            return cells.map(c => {
                const range = document.createRange();
                range.selectNodeContents(c);
                return [c.textContent, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
            });
        }""")
        browser.close()
    tall = [(text, lines) for text, lines in heights if lines > 1]
    assert not tall, tall
