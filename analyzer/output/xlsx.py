"""Writing XLSX safely and reproducibly: every workbook we write goes through here.

- Report text is data, never a formula: a cell whose text begins with ``=``,
  ``+``, ``-`` or ``@`` (or reads like an error code such as ``#N/A``) is
  stored as a string and marked to stay text when edited (Excel's quote prefix).
- Sheets print on A4, fit to the page width, with their header rows repeated.
- The bytes depend only on the content (fixed core properties and zip times).
"""

from __future__ import annotations

import io
import math
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from analyzer.output._zip import FIXED_TIME, write_frozen_zip

FORMULA_STARTS = ("=", "+", "-", "@")
CREATOR = "政府信息公开工作年度报告分析器"


def keep_text(cell) -> Any:
    """Make a string cell hold its text as text (never a formula or an error value); return the cell."""
    value = cell.value
    if isinstance(value, str):
        if cell.data_type in ("f", "e"):
            cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def put(ws, row: int, column: int, value: Any) -> Any:
    """Write one value at (row, column) as data; return the cell."""
    return keep_text(ws.cell(row, column, value))


def append(ws, values: Iterable[Any]) -> None:
    """Append one row of values as data (``Worksheet.append`` would turn “=…” into a formula)."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        keep_text(cell)


def _text_width(text: str) -> float:
    """Width of a text in column-width units (a digit is 1; a CJK character about 1.75, as LibreOffice draws it)."""
    return sum(1.75 if unicodedata.east_asian_width(ch) in "WFA" else 1.0 for ch in text)


def fit_heights(ws, min_row: int = 1, line_pt: float = 16.0) -> None:
    """Set each row's height to the lines its wrapped cells need at their column widths.

    Spreadsheet programs do not grow a row for wrapped text written by a
    library, so the text would be cut off on screen and on paper.
    """
    from openpyxl.utils import get_column_letter

    widths = {i: (ws.column_dimensions[get_column_letter(i)].width or 8.43) for i in range(1, ws.max_column + 1)}
    for row in ws.iter_rows(min_row=min_row):
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            usable = max(1.0, widths.get(cell.column, 8.43) - 0.5)
            need = sum(max(1, math.ceil(_text_width(part) / usable)) for part in str(cell.value).split("\n"))
            lines = max(lines, need)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = round(lines * line_pt, 1)


def print_setup(ws, *, title_rows: str | None = "1:1", landscape: bool = True, margin_in: float = 0.3) -> None:
    """A4, fit to the page width (as many pages down as needed), header rows repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    m = ws.page_margins
    m.left = m.right = margin_in
    m.top = m.bottom = margin_in + 0.1
    m.header = m.footer = 0.2
    if title_rows:
        ws.print_title_rows = title_rows


def save(wb, path: str | Path) -> Path:
    """Save a workbook: every text cell kept as text, fixed properties and timestamps.

    The sweep over every cell makes the first rule hold for any writer, even
    one that set a cell directly; the same content gives the same bytes.
    """
    path = Path(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                keep_text(cell)
    props = wb.properties
    props.creator = CREATOR
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    write_frozen_zip(buf.getvalue(), path)
    return path
