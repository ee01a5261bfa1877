"""The command line (typer). Thin: parse, call the library, print, map errors to exit codes.

Exit status: 0 success; 1 the report has errors (``check``); 2 bad usage or an
input that cannot be read at all, with a one-line reason on standard error.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from analyzer import __version__, errors
from analyzer.errors import AnalyzerError

# The help screens in Chinese (Chinese first): the panel titles and notes typer draws, click's
# "Usage:" and the help option's own line. typer reads these module constants of ``typer.rich_utils``
# each time it draws a screen; the usage line and the help option are the command's (:class:`Command`,
# :class:`Group`). ``typer.rich_utils`` imports rich's Markdown (70 ms), so it is set up only when a help
# screen is drawn, never for ``analyzer check``.
HELP_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEPRECATED_STRING": "（已停用）",
    "ABORTED_TEXT": "已中断。",
    "RICH_HELP": "运行“{command_path} {help_option}”查看用法。",
}
USAGE_PREFIX = "用法："
OPTIONS_METAVAR = "[选项]"
HELP_OPTION_TEXT = "显示本帮助并退出。"


@functools.lru_cache(maxsize=1)
def _chinese_help_screens() -> None:
    """Set typer's help words to Chinese, and fold a long Chinese help text instead of cutting it (once)."""
    import rich.text
    import typer.rich_utils

    for name, words in HELP_WORDS.items():
        setattr(typer.rich_utils, name, words)
    rich_text = typer.rich_utils._make_rich_text

    def folded_text(**kwargs):
        # rich wraps at spaces and cuts a longer run with an ellipsis; a Chinese sentence has no spaces, so
        # an option's help was cut after a dozen characters on an 80-column terminal.
        text = rich_text(**kwargs)
        if isinstance(text, rich.text.Text):
            text.overflow = "fold"
        return text

    typer.rich_utils._make_rich_text = folded_text
    import typer.core

    for cls in (typer.core.TyperArgument, typer.core.TyperOption):
        if hasattr(cls, "display_type"):  # typer ≥ 0.2x names a value's type in the help ("<int>", "<path>")
            cls.display_type = _chinese_type(cls.display_type)


# The type of a value as typer's help names it ("<int range>"), as a user reads it; a flag needs none.
TYPE_WORDS = {"bool": None, "path": "路径", "file": "文件", "dir": "文件夹", "list[Path]": "路径", "list[str]": "文本", "int": "整数",
              "int range": "整数", "float": "数值", "float range": "数值", "str": "文本"}


def _chinese_type(display_type):
    @functools.wraps(display_type)
    def chinese(self, ctx):
        shown = display_type(self, ctx)
        label = shown[1:-1] if isinstance(shown, str) and shown.startswith("<") and shown.endswith(">") else None
        if label not in TYPE_WORDS:
            return shown  # choices ("<local|dask>") and anything new, as typer shows them
        return f"<{TYPE_WORDS[label]}>" if TYPE_WORDS[label] else None

    return chinese


class _ChineseHelp:
    """A command whose help screen is in Chinese: the usage line and the help option's line.

    typer carries its own copy of click, so this overrides the command's methods rather than
    click's formatter classes.
    """

    def get_usage(self, ctx) -> str:
        usage = super().get_usage(ctx)
        return USAGE_PREFIX + usage.removeprefix("Usage:").lstrip() if usage.startswith("Usage:") else usage

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def format_help(self, ctx, formatter) -> None:
        _chinese_help_screens()
        return super().format_help(ctx, formatter)


class Command(_ChineseHelp, TyperCommand):
    pass


class Group(_ChineseHelp, TyperGroup):
    pass


app = typer.Typer(
    cls=Group,
    options_metavar=OPTIONS_METAVAR,
    subcommand_metavar="命令 [参数]...",
    help="政府信息公开工作年度报告分析器：读取、抽取、核查、评分、排名并生成评审意见（离线运行）。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
command = functools.partial(app.command, cls=Command, options_metavar=OPTIONS_METAVAR)

DEBUG = {"on": False}


class TableFormat(str, Enum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class Section(str, Enum):
    overview = "overview"
    problems = "problems"


class ReviewFormat(str, Enum):
    md = "md"
    docx = "docx"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class SqlFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class Level(str, Enum):
    national = "national"
    province = "province"
    city = "city"
    county = "county"
    township = "township"


def fail(message: str, code: int = 2) -> None:
    """One line on standard error, then exit: never a traceback."""
    typer.echo(message.splitlines()[0] if message else "未知错误", err=True)
    raise typer.Exit(code)


def run_guarded(fn, *args, **kwargs):
    """Call the library; map its errors to a one-line message and exit status 2."""
    try:
        return fn(*args, **kwargs)
    except AnalyzerError as exc:
        if DEBUG["on"]:
            raise
        fail(str(exc))
    except OSError as exc:
        if DEBUG["on"]:
            raise
        fail(errors.os_error_message(exc))
    except ValueError as exc:
        if DEBUG["on"]:
            raise
        fail(_value_error_message(exc))
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        if DEBUG["on"]:
            raise
        fail(f"处理失败（{type(exc).__name__}: {exc}）；可加 --debug 查看详情。")


def _value_error_message(exc: ValueError) -> str:
    """Our own ValueErrors are written in Chinese and shown as they are; a library's is named as such."""
    from analyzer.ingest.normalize import CJK_RE

    text = str(exc).strip()
    return text if CJK_RE.search(text) else f"输入的数值或格式有误（{text}）。"


def _show_version(value: bool) -> None:
    # Eager: runs while the options are parsed, before click asks for a command.
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="出错时显示完整的 Python 错误信息（开发调试用）。"),
    version: bool = typer.Option(
        False, "--version", help="显示版本号。", callback=_show_version, is_eager=True, expose_value=False
    ),
) -> None:
    """政府信息公开工作年度报告分析器。"""
    DEBUG["on"] = debug


def _settings():
    from analyzer.config import Settings

    return Settings(debug=DEBUG["on"])


@command()
def analyze(
    paths: Optional[List[Path]] = typer.Argument(None, help="报告文件或文件夹（默认 corpus/）。"),
    out: Path = typer.Option(Path("reports"), "--out", "-o", help="输出文件夹。"),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="并行进程数。"),
    config: Optional[Path] = typer.Option(None, "--config", help="评分权重配置文件（TOML）。"),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local：本机进程池；dask：Dask 集群（见 docs/CLUSTER.md）。"),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="Dask 调度器地址（如 tcp://10.0.0.5:8786）；省略时在本机启动 --workers 个进程的 LocalCluster。"
    ),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="评审意见落款单位（日期见配置文件[review] date）。"),
) -> None:
    """主任务：读取、抽取、核查、分析并评分文件夹中的全部报告，结果写入 --out。"""
    from functools import partial

    from analyzer.runner import collect_paths, make_engine
    from analyzer.scale import analyze_to
    from analyzer.scoring import load_config

    targets = paths or [Path("corpus")]
    for t in targets:
        if not t.exists():
            fail(f"路径不存在：{t}")
    score_config = run_guarded(load_config, config)
    files = collect_paths(targets)
    if not files:
        fail(f"在 {', '.join(map(str, targets))} 中没有找到报告文件（PDF、DOCX、HTML、TXT）。")
    chosen = run_guarded(make_engine, engine.value, workers=workers, scheduler=scheduler)
    # Results stream to disk and the run-level stages work from there (analyzer/scale.py): any size of run.
    task = partial(analyze_to, out_dir=out, reviewer=reviewer)
    done = _run_with_progress(task, targets, workers, score_config, len(files), chosen)
    typer.echo(
        f"已分析 {done.reports} 份报告，{len(done.failures)} 份无法读取；结果写入 {out}/（{done.written}）。"
    )
    for f in done.failures:
        typer.echo(f"  无法读取：{_failure_line(f)}", err=True)
    if not done.reports:
        raise typer.Exit(2)


def _failure_line(failure) -> str:
    """A failure named by its path, not its bare file name: two folders may each hold a README.md."""
    import os

    source = Path(failure.source)
    try:
        shown = os.path.relpath(source) if source.is_absolute() else str(source)
    except ValueError:  # another drive (Windows)
        shown = str(source)
    if shown.startswith(".." + os.sep + ".." + os.sep):
        shown = str(source)
    reason = failure.error
    if reason.startswith(source.name + "："):
        reason = reason[len(source.name) + 1:]
    return f"{shown}：{reason}"


def _run_with_progress(analyze_run, targets, workers, score_config, total, engine=None):
    settings = _settings()
    if not sys.stderr.isatty():
        return run_guarded(analyze_run, targets, settings, workers=workers, score_config=score_config, engine=engine)
    with progress_bar() as bar:
        task = bar.add_task("", total=total)

        def tick(path: str) -> None:
            bar.update(task, advance=1, description=Path(path).name[:40])

        return run_guarded(
            analyze_run, targets, settings, workers=workers, score_config=score_config, progress=tick, engine=engine
        )


def progress_bar():
    """The rich progress bar of a run; the file name column is plain text, never markup."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    # A file named "x[/b].pdf" must show as it is, not be read as a closing tag (a crash).
    return Progress(
        TextColumn("分析中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        TextColumn("{task.description}", markup=False), transient=True,
    )


@command()
def extract(
    file: Path = typer.Argument(..., help="一份报告文件。"),
    format: TableFormat = typer.Option(TableFormat.json, "--format", "-f", help="输出格式。"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="输出文件（xlsx 必填；json/csv 默认标准输出）。"),
) -> None:
    """抽取一份报告的基本信息、章节和三张表（默认 JSON 输出到标准输出）。"""
    from analyzer.output.export import report_json, tables_csv, tables_xlsx
    from analyzer.pipeline import analyze_single

    result = run_guarded(analyze_single, file, _settings())
    if format is TableFormat.json:
        _emit(report_json(result), out)
    elif format is TableFormat.csv:
        _emit(tables_csv(result), out)
    else:
        target = out or Path(file.stem + ".xlsx")
        run_guarded(tables_xlsx, result, target)
        typer.echo(f"已写入 {target}")


def _emit(text: str, out: Optional[Path]) -> None:
    if out:
        run_guarded(out.write_text, text, encoding="utf-8")  # a folder or an unwritable place: one line
        typer.echo(f"已写入 {out}")
    else:
        typer.echo(text)


@command()
def check(file: Path = typer.Argument(..., help="一份报告文件。")) -> None:
    """逐行列出一份报告的问题；存在“错误”级问题时退出码为 1。"""
    from analyzer.output.export import finding_line
    from analyzer.pipeline import analyze_single

    result = run_guarded(analyze_single, file, _settings())
    for f in result.findings:
        typer.echo(finding_line(f))
    if not result.findings:
        typer.echo("未发现问题。")
    if any(f.severity == "error" for f in result.findings):
        raise typer.Exit(1)


@command()
def classify(
    file: Optional[List[str]] = typer.Argument(
        None, help="每行一句中文的文件；省略或“-”表示标准输入；也可直接给出一句或几句中文（不是已有的文件时）。"
    ),
    section: Optional[Section] = typer.Option(
        None, "--section", "-s",
        help="句子所在章节： overview （总体情况）或 problems （存在的主要问题及改进情况）；给出时各行按顺序视为该章节的句子（标题行、引出下文的句子与 analyze 的判断相同）。省略时，若输入是含章节标题的报告全文，“一、总体情况”“五、存在的主要问题及改进情况”之下各行按所在章节判断，其余各行单独判断；输出的 section 为所用章节。",
    ),
) -> None:
    """逐行分类：每行输入一句，输出一行 JSON（text、category、score 等）。"""
    from analyzer.narrative import classify_texts

    args = file or []
    if not args or args == ["-"]:
        lines = sys.stdin.read().splitlines()
    elif len(args) == 1 and Path(args[0]).is_file():
        from analyzer.ingest.txt import decode_bytes

        path = Path(args[0])
        lines = run_guarded(decode_bytes, path.read_bytes(), path.name).splitlines()
    elif all(_is_sentence(a) for a in args):
        lines = list(args)  # `analyzer classify 天气很好`: the sentences themselves
    else:
        missing = next((a for a in args if not _is_sentence(a) and not Path(a).is_file()), None)
        if missing and Path(missing).is_dir():
            fail(errors.IS_FOLDER.format(name=missing))
        fail(f"文件不存在：{missing}" if missing else "一次只能分类一个文件；几句中文可以直接写在命令后。")
    lines = [line.strip() for line in lines if line.strip()]
    for row in run_guarded(classify_texts, lines, section.value if section else None):
        typer.echo(json.dumps(row, ensure_ascii=False))


def _is_sentence(arg: str) -> bool:
    """A command-line argument that is Chinese text rather than a path: no folder separator, no file
    extension, no such file."""
    return (bool(re.search(r"[\u4e00-\u9fff]", arg)) and not re.search(r"[/\\]|\.[A-Za-z0-9]{1,5}$", arg)
            and not Path(arg).exists())


@command()
def review(
    file: Path = typer.Argument(..., help="一份报告文件。"),
    format: ReviewFormat = typer.Option(ReviewFormat.md, "--format", "-f", help="md 或 docx。"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="输出文件（docx 默认为 <报告名>.评审意见.docx）。"),
    config: Optional[Path] = typer.Option(None, "--config", help="评分权重配置文件（TOML）。"),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="评审意见落款单位（日期见配置文件[review] date）。"),
) -> None:
    """生成一份报告的评审意见（Markdown 或 DOCX）。"""
    from analyzer.pipeline import analyze_single
    from analyzer.output.review import Letterhead, render_markdown
    from analyzer.output.review_docx import write_docx
    from analyzer.scoring import load_config

    score_config = run_guarded(load_config, config)
    result = run_guarded(analyze_single, file, _settings(), score_config)
    letterhead = Letterhead.of(score_config, reviewer)
    if format is ReviewFormat.md:
        _emit(render_markdown(result, letterhead), out)
    else:
        target = out or Path(f"{file.stem}.评审意见.docx")
        run_guarded(write_docx, [result], target, letterhead)
        typer.echo(f"已写入 {target}")


@command()
def rank(
    paths: List[Path] = typer.Argument(..., help="报告文件或文件夹。"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="另存排名表：.csv 或 .xlsx。"),
    config: Optional[Path] = typer.Option(None, "--config", help="评分权重配置文件（TOML）。"),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="并行进程数。"),
    level: Optional[Level] = typer.Option(None, "--level", help="只排此级别的报告。"),
    year: Optional[int] = typer.Option(None, "--year", help="只排此统计年度的报告（默认每个年度各排一表）。"),
) -> None:
    """对多份报告评分并排名，每个统计年度一张排名表（终端表格，可另存 CSV/XLSX）。"""
    from analyzer.pipeline import analyze_run
    from analyzer.output.ranking import rank_results
    from analyzer.output.ranking_io import print_ranking, write_ranking
    from analyzer.scoring import load_config

    for t in paths:
        if not t.exists():
            fail(f"路径不存在：{t}")
    score_config = run_guarded(load_config, config)
    run = _run_with_progress(analyze_run, paths, workers, score_config, 0)
    ranking = rank_results(run, score_config, level=level.value if level else None, year=year)
    run_guarded(print_ranking, ranking)
    if out:
        run_guarded(write_ranking, ranking, out)
        typer.echo(f"已写入 {out}")
    if not run.results:
        fail("没有可读取的报告，未能排名。")


@command()
def corpus(
    paths: Optional[List[Path]] = typer.Argument(
        None, help="analyze 的输出文件夹（含 store/，默认 reports/）；给出报告文件或文件夹时先分析再研究。"
    ),
    out: Path = typer.Option(Path("reports/corpus"), "--out", "-o", help="输出文件夹。"),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="并行进程数（需要先分析时）。"),
) -> None:
    """语料研究（HTML 与 DOCX）：覆盖、表格数据、问题分布、问题类别、套话、相互抄用、逐年变化。"""
    from analyzer.output.store import StoreError, store_dir_of
    from analyzer.output.study import write_study

    targets = paths or [Path("reports")]
    for t in targets:
        if not t.exists():
            fail(f"路径不存在：{t}")
    stores = []
    for t in targets:
        try:
            stores.append(store_dir_of(t))
        except StoreError:
            pass
    if len(stores) > 1 or (stores and len(targets) > 1):
        fail("一次研究一个语料库：要合并多次分析，请把它们分析到同一个 --out（见 docs/STORE.md）。")
    if not stores:  # report files: analyse them into the study's own store first
        from analyzer.output.ids import report_ids
        from analyzer.output.store import write_store
        from analyzer.pipeline import analyze_run

        run = _run_with_progress(analyze_run, targets, workers, None, 0)
        if not run.results:
            fail("没有可读取的报告。")
        run_guarded(write_store, run, out, report_ids(run.results))
        stores = [out / "store"]
    written = run_guarded(write_study, stores[0], out)
    typer.echo(f"已写入 {out}/（{written}）")


@command()
def sql(
    query: str = typer.Argument(..., help="一条 SQL 语句，例如 \"SELECT level, count(*) FROM reports GROUP BY level\"。"),
    out: Path = typer.Option(Path("reports"), "--out", "-o", help="analyze 的输出文件夹（读取其中的 store/）。"),
    format: SqlFormat = typer.Option(SqlFormat.table, "--format", "-f", help="table、csv 或 json。"),
) -> None:
    """用 DuckDB 查询语料库（reports、cells、findings、statements、scores、runs 各为一张表）。"""
    from analyzer.output.store import format_rows, query as run_query

    columns, rows = run_guarded(run_query, out, query)
    typer.echo(format_rows(columns, rows, format.value))


@command()
def serve(
    paths: Optional[List[Path]] = typer.Argument(None, help="启动时加入工作区并在后台分析的报告文件或文件夹（可省略）。"),
    workspace: Path = typer.Option(Path("workspace"), "--workspace", help="工作区文件夹（数据库与上传文件保存于此，首次启动时创建）。"),
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址；默认仅本机可访问，其他地址须设置访问密码。"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="端口。"),
    password: Optional[str] = typer.Option(None, "--password", envvar="ANALYZER_PASSWORD", show_envvar=True,
                                           help="访问密码（也可用环境变量 ANALYZER_PASSWORD）。"),
    workers: int = typer.Option(2, "--workers", "-w", min=1, max=64, help="后台分析的并行进程数。"),
) -> None:
    """评审工作台：在浏览器中上传报告、查看排名、处理问题、编辑评审意见、跟踪整改。"""
    from analyzer.serve.server import ServeError, serve as run_server

    for t in paths or []:
        if not t.exists():
            fail(f"路径不存在：{t}")
    try:
        run_server(workspace, host=host, port=port, password=password, workers=workers, paths=list(paths or []),
                   announce=typer.echo)
    except ServeError as exc:
        fail(str(exc))


# click's usage errors, in the words a user reads (Chinese first; the contract asks for one line).
_USAGE_WORDS = (
    (r"No such command '(.+?)'\.?", "没有“{0}”这个命令"),
    (r"No such option: (\S+?)(?:\s*(?:\(Possible options: |Did you mean )(?P<close>[^)?]+)[)?])?", "没有“{0}”这个选项"),
    (r"Got unexpected extra arguments?(?:\(s\))? \((.+)\)", "多余的参数：{0}"),
    (r"Missing argument '(.+?)'\.?", "缺少参数 {0}"),
    (r"Missing option '(.+?)'\.?", "缺少选项 {0}"),
    (r"Option '(.+?)' requires an argument\.?", "选项“{0}”需要一个值"),
    (r"Invalid value for '(.+?)'(?: / '.+?')?: (?P<reason>.+)", "参数“{0}”的取值无效（{1}）"),
)


# Why a value is refused, as typer's validation (pydantic) words it.
_VALUE_WORDS = (
    (r"Input should be a valid integer.*", "应为整数"),
    (r"Input should be a valid number.*", "应为数字"),
    (r"Input should be less than or equal to (\S+?)\.?", "不能大于 {0}"),
    (r"Input should be greater than or equal to (\S+?)\.?", "不能小于 {0}"),
    (r"Input should be less than (\S+?)\.?", "应小于 {0}"),
    (r"Input should be greater than (\S+?)\.?", "应大于 {0}"),
)


def _value_reason(reason: str) -> str:
    """The reason of an "Invalid value" error in Chinese, or as given where no translation fits."""
    if m := re.fullmatch(r"(?:Value error, )?'(.*?)' is not one of (.+?)\.?", reason):
        choices = "、".join(re.findall(r"'(.*?)'", m[2]))
        return f"“{m[1]}”不在可选值之列，可选：{choices}"
    for pattern, words in _VALUE_WORDS:
        if m := re.fullmatch(pattern, reason):
            return words.format(*m.groups())
    return reason


def usage_message(message: str) -> str:
    """One line of Chinese for a click usage error, the original words kept where no translation fits."""
    text = " ".join(message.split())
    for pattern, words in _USAGE_WORDS:
        if m := re.fullmatch(pattern, text):
            close = m.groupdict().get("close")  # the options click suggests instead
            groups = list(m.groups())
            if "reason" in m.re.groupindex:  # the reason a value is refused, in Chinese too
                groups[m.re.groupindex["reason"] - 1] = _value_reason(m["reason"])
            return words.format(*groups) + (f"，相近的选项：{close}" if close else "")
    return f"命令行用法有误（{text}）"


def run() -> None:
    """The console script: :data:`app`, with a usage error told in one Chinese line (exit status 2)."""
    try:
        result = app(standalone_mode=False)
    except typer.Abort:
        print("已中断。", file=sys.stderr)
        sys.exit(130)
    except typer.TyperException as exc:  # click's errors, as typer carries them
        if type(exc).__name__ == "NoArgsIsHelpError":  # "analyzer" alone: the help, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if ctx is not None else "analyzer"
        print(f"错误：{usage_message(exc.format_message())}。运行“{command} --help”查看用法。", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 2))
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    run()
