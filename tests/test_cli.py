"""The command line as a user meets it: exit codes, one-line errors, the contract JSON."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import re
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer import __version__
from analyzer.cli import app, progress_bar
from conftest import CORPUS, ROOT

runner = CliRunner()
SEED000 = CORPUS / "000_d1513ee4e846cccb.txt"
SEED001 = CORPUS / "001_dc17ca86c1b8bf45.txt"


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {"analyze", "extract", "check", "classify", "review", "rank", "corpus", "serve"} <= set(names)
    for name in names:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert f"analyzer {name}" in readme, name


def test_extract_json_contract():
    result = runner.invoke(app, ["extract", str(SEED000), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format"] == "txt"
    assert data["report"] == {
        "title": "朱家房镇2021年度政府信息公开工作报告", "agency": "朱家房镇人民政府", "level": "township",
        "year": 2021, "template": "2021", "published": None,
    }
    assert set(data["sections"]) == {"overview", "active_disclosure", "applications", "review_litigation", "problems", "other"}
    assert all(s["present"] and s["chars"] > 0 for s in data["sections"].values())
    assert set(data["tables"]) == {"active_disclosure", "applications", "review_litigation"}
    assert {"rule", "severity", "message", "where", "id"} <= set(data["findings"][0])


@pytest.mark.parametrize(
    "content, name",
    [(b"", "empty.txt"), (b"%PDF-1.4\n1 0 obj<<>>", "broken.pdf"), (b"PK\x03\x04garbage", "fake.docx"),
     (bytes(range(256)) * 10, "random.bin"), ("这是一份会议通知，与年度报告无关。".encode(), "notice.txt")],
    ids=["empty", "truncated-pdf", "fake-docx", "binary", "not-a-report"],
)
def test_bad_input_is_one_line_exit_2(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert name in result.stderr


def test_missing_file_exit_2(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "nope.pdf")])
    assert result.exit_code == 2 and "不存在" in result.stderr


def test_check_exit_status_follows_errors():
    result = runner.invoke(app, ["check", str(SEED001)])
    assert result.exit_code == 1  # seed 001 says 8 applications, its table 7 new
    assert "错误" in result.stdout
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert len(lines) >= 1


def test_analyze_goes_on_past_a_broken_file(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED000, src)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "000_d1513ee4e846cccb.json").is_file()
    assert "broken.pdf" in (out / "failures.csv").read_text(encoding="utf-8-sig")
    summary = (out / "summary.csv").read_text(encoding="utf-8-sig")
    assert "朱家房镇人民政府" in summary
    assert "Traceback" not in result.output
    # Fails before: one report's letter was counted as 3 (its .md, its .docx and the 汇编).
    assert "1 份评审意见（Markdown 与 Word 各一份，另有评审意见汇编）" in result.output


def test_analyze_with_nothing_readable_exits_2(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    result = runner.invoke(app, ["analyze", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2


def test_analyze_unknown_path_exits_2(tmp_path):
    result = runner.invoke(app, ["analyze", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "路径不存在" in result.stderr


def test_classify_lines_and_section_prior():
    lines = "全年主动公开政府信息312条\n\n加强组织领导，健全工作机制\n天气很好\n"
    result = runner.invoke(app, ["classify"], input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["全年主动公开政府信息312条", "加强组织领导，健全工作机制", "天气很好"]
    assert rows[0]["kind"] == "achievement" and rows[0]["category"] is None
    assert {"text", "kind", "kind_score", "probability", "uncertain", "category", "score", "runner_up"} <= set(rows[1])
    assert rows[2]["kind"] == "other" and 0.5 < rows[2]["probability"] <= 1  # not about disclosure work (issue 14)
    # The same words head a part of 总体情况 (taxonomy: a heading is a statement) and are a promise in 五.
    in_overview = json.loads(runner.invoke(app, ["classify", "--section", "overview"], input=lines).stdout.splitlines()[1])
    in_problems = json.loads(runner.invoke(app, ["classify", "--section", "problems"], input=lines).stdout.splitlines()[1])
    assert in_overview["kind"] == "statement" and in_problems["kind"] == "measure"


def test_classify_unknown_section_is_usage_error():
    result = runner.invoke(app, ["classify", "--section", "tables"], input="一句话\n")
    assert result.exit_code == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_the_workbench_on_a_fresh_workspace(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyzer.cli", "serve", "--workspace", str(tmp_path / "ws"), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        body = None
        for _ in range(300):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1).read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None and '"status":"ok"' in body
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "评审排名" in page.read().decode("utf-8")
        assert (tmp_path / "ws" / "workbench.sqlite3").is_file()
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    assert b"GET /" not in err and b"GET /" not in out  # no access log on the terminal
    assert "请在浏览器打开" in out.decode("utf-8")


def test_serve_on_a_busy_port_is_one_line_exit_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "analyzer.cli", "serve", "--workspace", str(tmp_path), "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr == f"无法在 127.0.0.1:{port} 上启动服务（端口已被占用）；请用 --port 换一个端口。\n"
    assert "Traceback" not in done.stderr


def test_serve_on_another_host_needs_a_password(tmp_path, monkeypatch):
    monkeypatch.delenv("ANALYZER_PASSWORD", raising=False)
    result = runner.invoke(app, ["serve", "--workspace", str(tmp_path), "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "在 0.0.0.0 上对其他计算机提供服务须设置访问密码：请加 --password，或设置环境变量 ANALYZER_PASSWORD。"


def test_serve_with_a_missing_path_exits_2(tmp_path):
    result = runner.invoke(app, ["serve", str(tmp_path / "nope"), "--workspace", str(tmp_path)])
    assert result.exit_code == 2 and "路径不存在" in result.stderr


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_serve_on_a_workspace_that_is_not_a_folder_is_one_line_exit_2(tmp_path, where):
    """Fails before: --workspace naming a file ended in a FileExistsError traceback."""
    (tmp_path / "报告.txt").write_text("x", encoding="utf-8")
    workspace = tmp_path / "报告.txt" if where == "a file" else tmp_path / "报告.txt" / "ws"
    result = runner.invoke(app, ["serve", "--workspace", str(workspace), "--port", "1"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "工作区" in lines[0] and "--workspace" in lines[0]
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_version_alone():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == __version__


def test_rank_shows_file_names_that_look_like_markup(tmp_path):
    """A path containing "[/b]" is a name, not a closing tag: no crash, shown as written."""
    (tmp_path / "坏[").mkdir()
    (tmp_path / "坏[" / "b].txt").write_bytes(b"")
    shutil.copy(SEED000, tmp_path)
    result = runner.invoke(app, ["rank", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "坏[/b].txt" in result.stdout


def test_progress_bar_shows_file_names_as_written():
    bar = progress_bar()
    bar.add_task("坏[/b].txt", total=1)
    name_column = bar.columns[-1]
    assert name_column.render(bar.tasks[0]).plain == "坏[/b].txt"  # not a closing tag, not a crash


@pytest.mark.parametrize("argv, said", [
    (["analyze", "--bogus"], "没有“--bogus”这个选项"),
    (["nosuch"], "没有“nosuch”这个命令"),
    (["check", "a.pdf", "b.pdf"], "多余的参数：b.pdf"),
    (["extract"], "缺少参数"),
    (["analyze", "--workers", "abc"], "参数“--workers”的取值无效（应为整数）"),
    (["analyze", "--workers", "999"], "参数“--workers”的取值无效（不能大于 64）"),
    (["classify", "--section", "foo", "天气很好"], "“foo”不在可选值之列，可选：overview、problems"),
])
def test_usage_errors_are_one_chinese_line(argv, said, monkeypatch, capsys):
    """Fails before: click's English error in a box of several lines, under a Usage: block."""
    from analyzer.cli import run

    monkeypatch.setattr(sys, "argv", ["analyzer", *argv])
    with pytest.raises(SystemExit) as stop:
        run()
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.count("\n") == 1 and err.startswith("错误：") and said in err and "--help" in err
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", err.split("。运行")[0])  # no English phrase left


def test_the_console_script_keeps_the_exit_status_of_commands(monkeypatch, capsys, tmp_path):
    from analyzer.cli import run

    monkeypatch.setattr(sys, "argv", ["analyzer", "--version"])
    with pytest.raises(SystemExit) as stop:
        run()
    assert stop.value.code == 0 and capsys.readouterr().out.strip()
    monkeypatch.setattr(sys, "argv", ["analyzer", "check", str(tmp_path / "missing.pdf")])
    with pytest.raises(SystemExit) as stop:
        run()
    assert stop.value.code == 2 and "不存在" in capsys.readouterr().err


def test_classify_sentences_given_on_the_command_line(tmp_path):
    """Fails before: `analyzer classify 天气很好` looked for a file named 天气很好."""
    result = runner.invoke(app, ["classify", "天气很好", "政策解读形式不够丰富。"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["天气很好", "政策解读形式不够丰富。"]
    assert rows[0]["kind"] == "other" and rows[1]["kind"] == "problem"
    result = runner.invoke(app, ["classify", str(tmp_path / "句子.txt")])
    assert result.exit_code == 2 and "文件不存在" in result.stderr


def _screen(args: list[str]) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert result.exit_code == 0, result.output
    return result.output


def test_help_screens_are_chinese_and_whole():
    """Every help screen speaks Chinese (usage, panels, defaults, the help option) and shows each help text
    whole: a Chinese sentence has no spaces to wrap at, and rich used to cut it with "…" after a dozen characters."""
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for args in [[]] + [[name] for name in names]:
        screen = _screen(args + ["--help"])
        for english in ("Usage:", "Options", "Arguments", "Commands", "Show this message", "[default:", "[required]", "[OPTIONS]",
                        "<bool>", "<int", "<str>", "<path>", "<list["):
            assert english not in screen, (args, english)
        assert "用法：" in screen and "显示本帮助并退出。" in screen and "选项" in screen, args
    flat = "".join(ch for ch in _screen(["serve", "--help"]) if not ch.isspace() and ch not in "│╭╮╰╯─")
    assert "工作区文件夹（数据库与上传文件保存于此，首次启动时创建）。" in flat
    assert "[默认：workspace]" in flat
    assert "[必填]" in _screen(["check", "--help"])
    analyze = _screen(["analyze", "--help"])
    assert "<整数> [1<=x<=64]" in analyze and "<local|dask>" in analyze and "<路径>" in analyze  # the type in words; choices as they are


def test_the_help_screens_cost_a_command_nothing():
    """typer.rich_utils (rich's Markdown, 70 ms) is imported only to draw a help screen, never for `analyzer check`."""
    code = "import sys, analyzer.cli; print('typer.rich_utils' in sys.modules, 'rich.markdown' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_the_tools_own_reviews_and_results_page_are_not_ranked_as_reports(tmp_path):
    """Fails before: `analyzer rank` on a folder holding a report and its review letter (or an analyze
    output folder) ranked the letter, 评审意见汇编 and index.html as reports of their own."""
    folder = tmp_path / "年报"
    folder.mkdir()
    shutil.copy(SEED001, folder / SEED001.name)
    letter = runner.invoke(app, ["review", str(SEED001), "--out", str(folder / "意见.md")])
    assert letter.exit_code == 0, letter.output
    (folder / "index.html").write_text(
        "<html><body><h1>政府信息公开工作年度报告评审结果</h1><h2>一、总体情况</h2><p>2021年度排名</p>"
        "<h2>五、存在的主要问题及改进情况</h2><p>无</p></body></html>", encoding="utf-8")
    result = runner.invoke(app, ["rank", str(folder)])
    assert result.exit_code == 0, result.output
    ranked = [line for line in result.stdout.splitlines() if re.match(r"^│\s+\d+ │", line)]
    assert len(ranked) == 1, result.stdout
    assert result.stdout.replace("\n", "").count("是评审或研究材料，不是年度报告本身") == 2  # the table wraps lines
    check = runner.invoke(app, ["check", str(folder / "意见.md")])
    assert check.exit_code == 2 and "是评审或研究材料" in check.stderr


def test_rank_with_no_readable_report_says_so(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["rank", str(tmp_path)])
    assert result.exit_code == 2 and "没有可读取的报告" in result.stderr


@pytest.mark.parametrize("args", [
    ["review", str(SEED000), "--out", "{folder}"],
    ["review", str(SEED000), "--format", "docx", "--out", "{folder}"],
    ["extract", str(SEED000), "--out", "{folder}"],
    ["analyze", str(SEED000), "--out", "{file}"],
    ["corpus", str(SEED000), "--out", "{file}"],
    ["rank", str(SEED000), "--out", "{file}/r.xlsx"],
])
def test_an_output_place_that_cannot_be_written_is_one_chinese_line(tmp_path, args):
    """Fails before: `review --out 文件夹` ended in an IsADirectoryError traceback, and `analyze --out 文件`
    said "FileExistsError: [Errno 17] File exists: …" in English."""
    folder = tmp_path / "已有文件夹"
    folder.mkdir()
    file = tmp_path / "已有文件.txt"
    file.write_text("x", encoding="utf-8")
    result = runner.invoke(app, [a.format(folder=folder, file=file) for a in args])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    reason = lines[0].rsplit("：", 1)[-1]  # after the path the message names
    assert re.search(r"[\u4e00-\u9fff]", reason) and not re.search(r"Error|Errno|[A-Za-z]{4,}", reason), lines[0]
