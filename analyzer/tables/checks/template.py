"""The template a report should use for its year."""

from __future__ import annotations

from analyzer.labels import YEAR_INFERRED_NOTE
from analyzer.model import Finding
from analyzer.tables import schema
from analyzer.tables.checks.base import T_ACTIVE, T_APP, Context


def check_template(ctx: Context) -> list[Finding]:
    """template.outdated: a 2021-or-later report still on the 2019 template."""
    year, tmpl = ctx.meta.year, ctx.tables.template
    if tmpl != "2019" or year is None or year < 2021:
        return []
    guessed = ctx.meta.year_inferred
    return [Finding(
        rule="template.outdated", severity="error",
        message=(f"本报告为{year}年度报告，但仍使用国办公开办函〔2019〕60号的旧版表格（如“本年新制作数量”“上一年项目数量”"
                 f"“（六）其他处理”单行），应按国办公开办函〔2021〕30号印发的新版格式填报。"
                 + (YEAR_INFERRED_NOTE.format(year=year) if guessed else "")),
        where=f"{schema.TABLE_TITLES[T_ACTIVE]}；{schema.TABLE_TITLES[T_APP]}",
        status="uncertain" if guessed else "confirmed",
        data={"year": year, "template": tmpl},
    )]
