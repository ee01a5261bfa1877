"""What the PDF stages hand each other: lines of text, tables as cell rectangles, pages.

Positions are PDF points measured as pdfplumber does: ``x`` from the left edge,
``top``/``bottom`` down from the top of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Union

from analyzer.model import CellReading

Bbox = tuple[float, float, float, float]  # x0, top, x1, bottom
Char = tuple[str, float, float, float, float]  # the character, x0, top, x1, bottom
Segment = tuple[float, float, str]  # x0, x1, text of one run of a line

GRID_TOLERANCE = 3.0  # points: cell edges closer than this are the same grid line


@dataclass
class Line:
    """One visual line of text outside the ruled tables."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    # Runs of text separated by a gap wider than a character: the cells of a table
    # drawn without rulings.
    segs: list[Segment] = field(default_factory=list)


@dataclass
class Table:
    """One table on one page as cell rectangles; a table continued over pages is several."""

    page: int
    bbox: Bbox
    cells: list[tuple[Bbox, str]]  # cleaned text per cell rectangle
    first_on_page: bool = False
    last_on_page: bool = False
    columns: tuple[float, ...] = ()  # left edges of the number columns of a table without rulings
    titled: bool = False  # a table without rulings that opens with column titles: a new table
    doubts: list[str] = field(default_factory=list)  # text the reader could not place for sure (Block.doubts)
    # A table OCR read (:mod:`.scanned`): its grid as laid out from the recognised lines, and how
    # each cell was read. Never stitched to a table on another page.
    rows: tuple[tuple[str, ...], ...] | None = None
    readings: tuple[tuple[CellReading | None, ...], ...] | None = None


Item = Union[Line, Table]


@dataclass
class Page:
    """A page's lines and tables, top to bottom."""

    number: int
    width: float
    height: float
    items: list[Item] = field(default_factory=list)


def cluster(values: Iterable[float], tolerance: float = GRID_TOLERANCE) -> list[float]:
    """Sorted positions, each within ``tolerance`` of the last one kept dropped.

    >>> cluster([10.0, 72.5, 11.2, 140.0, 71.0])
    [10.0, 71.0, 140.0]
    """
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out
