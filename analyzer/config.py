"""Settings with defaults, and ``resolve`` (pdfplumber's TableSettings idea).

Score weights live in ``analyzer/scoring.toml`` (see :mod:`analyzer.scoring`);
reading thresholds live here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Settings:
    max_file_mb: int = 200  # a report larger than this is almost surely not one
    max_unzipped_mb: int = 300  # DOCX zip-bomb guard
    pdf_min_cjk_ratio: float = 0.05  # below this share of CJK characters the text layer is unusable
    pdf_max_single_char_ratio: float = 0.30  # one glyph standing for most characters: broken font map
    legacy_timeout_s: int = 120  # LibreOffice conversion of .doc/.wps
    per_file_timeout_s: float = 120  # one pathological file never stalls a batch; 0 disables
    ocr_page_timeout_s: float = 30  # added to that limit for every page of a PDF that OCR must read
    debug: bool = False  # re-raise unexpected exceptions instead of recording them

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"Setting '{f.name}' cannot be negative")


def resolve(settings: Settings | dict[str, Any] | None) -> Settings:
    """Accept None, a dict of overrides or a Settings instance."""
    if settings is None:
        return Settings()
    if isinstance(settings, Settings):
        return settings
    if isinstance(settings, dict):
        known = {f.name for f in fields(Settings)}
        unknown = set(settings) - known
        if unknown:
            raise ValueError(f"Unknown setting(s) {sorted(unknown)}; valid: {sorted(known)}")
        return replace(Settings(), **settings)
    raise TypeError(f"Settings must be None, a dict or Settings, not {type(settings).__name__}")
