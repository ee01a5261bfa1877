"""Writing XLSX safely and reproducibly: every workbook we write goes through here.

- Report text is data, never a formula: a cell whose text begins with ``=``,
  ``+``, ``-`` or ``@`` (or reads like an error code such as ``#N/A``) is
  stored as a string and marked to stay text when edited (Excel's quote
  prefix). ``save`` does it for every cell of every sheet, so a writer may use
  openpyxl's ``append`` and ``cell`` freely and still never write a formula.
- Sheets print on A4, fit to the page width, with their header rows repeated.
- The bytes depend only on the content (fixed core properties and zip times).
"""

from __future__ import annotations

import io
import math
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


def _text_width(text: str) -> float:
    """Width of a text in column-width units: a digit is 1, a CJK character about 1.75 (as LibreOffice draws it).

    Counted from the UTF-8 length, fast on thousands of cells: CJK characters
    and CJK punctuation take three bytes, ASCII one.
    """
    wide = (len(text.encode("utf-8")) - len(text)) / 2
    return len(text) + 0.75 * wide


def fit_heights(ws, columns: Iterable[int], *, max_row: int | None = None, line_pt: float = 16.0) -> None:
    """Set each row's height to the lines its text needs in the given (wrapped) columns at their widths.

    Spreadsheet programs do not grow a row for wrapped text written by a
    library, so the text would be cut off on screen and on paper.
    """
    from openpyxl.utils import get_column_letter

    usable = {i: max(1.0, (ws.column_dimensions[get_column_letter(i)].width or 8.43) - 0.5) for i in columns}
    lines: dict[int, int] = {}
    for i, width in usable.items():
        for (cell,) in ws.iter_rows(min_col=i, max_col=i, max_row=max_row):
            if cell.value is None:
                continue
            need = sum(max(1, math.ceil(_text_width(part) / width)) for part in str(cell.value).split("\n"))
            if need > lines.get(cell.row, 1):
                lines[cell.row] = need
    for row, n in sorted(lines.items()):
        if n * line_pt > (ws.row_dimensions[row].height or 0):
            ws.row_dimensions[row].height = round(n * line_pt, 1)


def print_setup(ws, *, title_rows: str | None = "1:1", landscape: bool = True, margin_in: float = 0.3) -> None:
    """A4, fit to the page width (as many pages down as needed), header rows repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = True  # rows of wrapped text need their lines on paper
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
