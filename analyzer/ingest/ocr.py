"""Offline OCR of page images: text lines with boxes in PDF points and a confidence.

The engine is RapidOCR (``rapidocr`` on onnxruntime) with the PP-OCRv6 small
detection and recognition models that its wheel ships: nothing is downloaded
at run time (the tests run it under ``unshare -n``). It was chosen by
measurement on six scanned pages (three dense tables) against
``rapidocr-onnxruntime`` 1.4.4 (PP-OCRv4 mobile) and Debian's tesseract 5.3
with ``chi_sim``: share of the text layer's characters found 99.7 % / 99.3 % /
49–88 %, table numbers found 100 % / 98.8 % / 8–42 %, CPU seconds per page
6.8 / 9.5 / – (tesseract's layout analysis breaks ruled tables apart).
PP-OCRv4's package also installs only on Python < 3.13.

Render resolution: 200 dpi. At 150 dpi the detector sees the same pixels (it
works at most :data:`DET_MAX_SIDE` px) and the cost is the same, but two cells
of 1667 were lost; 300 dpi costs more and reads no better.

What this module adds to the engine:

- **one engine per process**, loaded lazily under a lock (:func:`engine`);
  ``ANALYZER_OCR_THREADS`` (or :func:`set_threads` before the first use) sets
  onnxruntime's threads, 1 per process when pages run in parallel processes;
- **the red seal removed** before reading: inside a round red patch the red
  channel is used as grey, so the seal fades and the black text under it stays;
- **pages turned by 90°/180°** put upright (text lines standing tall mean a
  quarter turn; upside down is told by reading a few long lines both ways);
- **small rotations** (a scanner's skew, a few degrees) measured from the
  detected line boxes and taken out of the coordinates, so that rows line up;
- boxes in **PDF points** of the upright page, y growing downwards, as the PDF
  reader's ``(x0, top, x1, bottom)``;
- :func:`ocr_digits`, the second reading of one cell: the crop alone, at a
  higher resolution, the recogniser allowed only digits, '.' and '-'.

The PDF reader decides which pages need OCR and renders them (:func:`render`
is a convenience for it); this module only reads images.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

DPI = 200  # render resolution for OCR, chosen by measurement (bench/bench_ocr.py)
DIGITS_DPI = 400  # the second reading of a cell
DET_MAX_SIDE = 1600  # the detector sees at most this many pixels on the long side (measured: same lines, 4× less time than 2400)
MIN_CONFIDENCE = 0.5  # lines read with less are dropped (the engine's own default)
REC_BATCH = 8
MIN_REC_RATIO = 1.5  # narrowest recogniser input, width / height
DIGIT_CHARS = "0123456789.-"
ORIENT_SAMPLES = 5
SEAL_LEFTOVER = 0.7  # inside a seal, red-channel grey above this share of the paper's is seal, not text  # long lines read both ways to tell an upside-down page

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class OcrLine:
    """One recognised text line: its text, its box in PDF points (y down) and the recogniser's confidence."""

    text: str
    box: Box
    confidence: float
    page: int | None = None

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


@dataclass(frozen=True)
class OcrPage:
    """What OCR read on one page image, and what it had to do to read it."""

    lines: tuple[OcrLine, ...]
    width: float  # points, of the upright page
    height: float
    turned: int = 0  # degrees the image was turned counter-clockwise to stand upright (0/90/180/270)
    skew: float = 0.0  # degrees of small rotation taken out of the coordinates
    scale: float = DPI / 72  # pixels per point of the image read
    seconds: float = 0.0
    page: int | None = None
    # Horizontal table rules seen in the image: (y, x0, x1) in the same points as the boxes.
    rules: tuple[tuple[float, float, float], ...] = ()

    def to_original(self, box: Box) -> Box:
        """A box of this page (upright, straightened) on the page as it lies in the PDF:
        the straightening and the turn undone, in points from the top left."""
        w, h = self.width, self.height
        # Undo the straightening: turn the corners back about the page centre.
        a = math.radians(self.skew)
        cos, sin = math.cos(a), math.sin(a)
        xs, ys = [], []
        for x, y in ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])):
            dx, dy = x - w / 2, y - h / 2
            # cv2 turned the image by +skew (counter-clockwise on screen, y down).
            xs.append(w / 2 + dx * cos - dy * sin)
            ys.append(h / 2 + dx * sin + dy * cos)
        pts = list(zip(xs, ys))
        # Undo the turn: the upright image was the original turned counter-clockwise by `turned`.
        for _ in range(self.turned // 90):
            # one quarter turn clockwise back: (x, y) in a w×h page -> (h - y, x) in an h×w page
            pts = [(h - y, x) for x, y in pts]
            w, h = h, w
        xs2 = [p[0] for p in pts]
        ys2 = [p[1] for p in pts]
        return (min(xs2), min(ys2), max(xs2), max(ys2))


# ---------------------------------------------------------------- the engine


_ENGINE: "_Engine | None" = None
_ENGINE_LOCK = threading.Lock()
_THREADS: int | None = None


def set_threads(n: int | None) -> None:
    """onnxruntime threads for the engine this process will load (call before the first OCR)."""
    global _THREADS
    _THREADS = n


def _threads() -> int:
    if _THREADS is not None:
        return _THREADS
    env = os.environ.get("ANALYZER_OCR_THREADS", "")
    if env.isdigit():
        return int(env)
    return min(4, os.cpu_count() or 1)


def engine() -> "_Engine":
    """The process's OCR engine, loaded on first use (thread-safe)."""
    global _ENGINE
    if _ENGINE is None:
        with _ENGINE_LOCK:
            if _ENGINE is None:
                _ENGINE = _Engine(_threads())
    return _ENGINE


class _Engine:
    """RapidOCR's detector and recogniser, used directly so crops, batches and decoding stay ours."""

    def __init__(self, threads: int) -> None:
        import logging

        from rapidocr import RapidOCR

        params = {
            "Global.log_level": "error",
            "Global.max_side_len": DET_MAX_SIDE,
            "Global.use_cls": False,
            "Global.text_score": 0.0,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Rec.rec_batch_num": REC_BATCH,
        }
        self.ocr = RapidOCR(params=params)
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        self.rec = self.ocr._load_rec_model()
        self.ocr._load_det_model()
        chars = list(self.rec.postprocess_op.character)
        self.chars = chars
        self.digit_ids = np.array([0] + [i for i, c in enumerate(chars) if c in DIGIT_CHARS and i > 0])
        self.lock = threading.RLock()
        self.threads = threads

    def detect(self, img: np.ndarray) -> list[np.ndarray]:
        """Quadrilaterals (4×2, clockwise from the top left) of the text lines of an image."""
        with self.lock:
            out = self.ocr(img, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(out, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return []
        return [np.asarray(b, dtype=np.float32) for b in boxes]

    def _preds(self, crops: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Per-crop character probabilities (time × classes), batched by width."""
        out: list[np.ndarray | None] = [None] * len(crops)
        if not crops:
            return []
        order = np.argsort([c.shape[1] / max(1, c.shape[0]) for c in crops])
        _, img_h, _ = self.rec.rec_image_shape
        for start in range(0, len(crops), REC_BATCH):
            idx = order[start : start + REC_BATCH]
            # Batches are padded to their widest crop; a batch of single digits stays narrow
            # (the engine pads every batch to 320 px, which made a table page cost 2.5× more).
            ratio = max([MIN_REC_RATIO] + [crops[i].shape[1] / max(1, crops[i].shape[0]) for i in idx])
            batch = np.concatenate([self.rec.resize_norm_img(crops[i], ratio)[None] for i in idx]).astype(np.float32)
            with self.lock:
                preds = self.rec.session(batch)
            preds = preds[0] if isinstance(preds, (list, tuple)) else preds
            for k, i in enumerate(idx):
                out[i] = preds[k]
        return [p for p in out if p is not None]

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [self._decode(p, None) for p in self._preds(crops)]

    def recognize_digits(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [self._decode(p, self.digit_ids) for p in self._preds(crops)]

    def _decode(self, probs: np.ndarray, allowed: np.ndarray | None) -> tuple[str, float]:
        """Greedy CTC decoding; with ``allowed`` the recogniser may only choose those classes (0 = blank)."""
        if allowed is not None:
            sub = probs[:, allowed]
            best = sub.argmax(axis=1)
            ids = allowed[best]
            p = sub.max(axis=1)
        else:
            ids = probs.argmax(axis=1)
            p = probs.max(axis=1)
        text: list[str] = []
        conf: list[float] = []
        prev = -1
        for t, i in enumerate(ids):
            if i != prev and i != 0 and i < len(self.chars):
                text.append(self.chars[i])
                conf.append(float(p[t]))
            prev = i
        if not text:
            return "", 0.0
        return "".join(text), float(np.mean(conf))


# ---------------------------------------------------------------- images


def render(page: Any, dpi: float = DPI) -> Any:
    """A pypdfium2 page rendered for OCR (a PIL image in colour, so seals can be told from text)."""
    return page.render(scale=dpi / 72).to_pil()


def _as_array(image: Any) -> np.ndarray:
    """An RGB uint8 array from a PIL image or an array (grey or colour)."""
    if hasattr(image, "convert"):
        mode = getattr(image, "mode", "RGB")
        image = image.convert("L" if mode in ("L", "1", "I", "I;16", "F") else "RGB")
        arr = np.asarray(image)
    else:
        arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        return arr
    if arr.shape[2] == 4:
        arr = arr[:, :, :3]
    return arr


def remove_seals(arr: np.ndarray) -> np.ndarray:
    """A grey image in which round red seals have faded: where a red patch about as wide
    as high stands (a seal, not a red title line), grey is the red channel, so red ink turns
    to paper and the black text under it stays black. Elsewhere grey is the luminance."""
    import cv2

    if arr.ndim == 2:
        return arr
    rgb = arr.astype(np.int16)
    r, g, b = rgb[:, :, 0], rgb[:, :, 1], rgb[:, :, 2]
    grey = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    red = ((r - np.maximum(g, b)) > 50).astype(np.uint8)
    if red.sum() < 200:
        return grey
    h, w = red.shape
    k = max(3, int(min(h, w) / 100))
    blob = cv2.dilate(red, np.ones((k, k), np.uint8), iterations=2)
    n, _, stats, _ = cv2.connectedComponentsWithStats(blob, connectivity=8)
    out = grey.copy()
    paper = int(np.percentile(grey[::4, ::4], 90))
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if bw < min(h, w) * 0.06 or bh < min(h, w) * 0.06:
            continue
        if not 0.6 <= bw / bh <= 1.6:
            continue  # a red title or rule, not a seal
        region = (slice(y, y + bh), slice(x, x + bw))
        red_channel = arr[region][:, :, 0]
        # What is left of the seal is lighter than any text: paper (its faint ring and letters,
        # left grey, joined the heading under it into one detected line).
        out[region] = np.where(red_channel > SEAL_LEFTOVER * paper, paper, red_channel)
    return out


def find_rules(grey: np.ndarray) -> list[tuple[float, float, float]]:
    """Horizontal rules of ruled tables: (y, x0, x1) in pixels, runs of ink at least a
    fiftieth of the page wide and a few pixels thick (strokes of characters are shorter)."""
    import cv2

    h, w = grey.shape[:2]
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    length = max(30, w // 50)
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if bw >= length and bh <= max(8, h // 250, 0.02 * bw):  # thin, or long and barely tilted
            out.append((y + bh / 2, float(x), float(x + bw)))
    return sorted(out)


def _crop(img: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The upright image of one detected line (perspective crop of its quadrilateral)."""
    import cv2

    pts = quad.astype(np.float32)
    width = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
    height = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    width, height = max(width, 2), max(height, 2)
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(pts, dst)
    out = cv2.warpPerspective(img, m, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if out.shape[0] / out.shape[1] >= 1.5:
        out = np.rot90(out)
    return np.ascontiguousarray(out)


def _rgb(grey: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2)) if grey.ndim == 2 else grey


# ---------------------------------------------------------------- orientation and skew


def _dims(q: np.ndarray) -> tuple[float, float]:
    return float(np.linalg.norm(q[0] - q[1])), float(np.linalg.norm(q[0] - q[3]))


def _mostly_vertical(quads: list[np.ndarray]) -> bool:
    """Text lines standing tall: the page lies on its side."""
    tall = wide = 0
    for q in quads:
        w, h = _dims(q)
        if max(w, h) < 2.5 * min(w, h):
            continue  # single characters say nothing
        if h > w:
            tall += 1
        else:
            wide += 1
    return tall >= 3 and tall > 2 * wide


def estimate_skew(grey: np.ndarray, max_angle: float = 3.0) -> float:
    """The small rotation (degrees, counter-clockwise as cv2 counts) that straightens a page.

    Projection profile: the page's ink, shrunk to about 1000 px, is turned by
    trial angles; the angle whose row sums rise and fall most sharply (text
    lines and rules lying flat) wins, first in steps of 0.2° then of 0.02°.
    """
    import cv2

    h, w = grey.shape[:2]
    f = min(1.0, 1000 / max(h, w))
    small = cv2.resize(grey, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else grey
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = ink.astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    sh, sw = ink.shape
    centre = (sw / 2, sh / 2)

    def score(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        rows = cv2.warpAffine(ink, m, (sw, sh), flags=cv2.INTER_NEAREST).sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2))

    coarse = np.arange(-max_angle, max_angle + 1e-6, 0.2)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.2, best + 0.2 + 1e-6, 0.02)
    best = max(fine, key=score)
    return round(float(best), 2)


def _straighten(grey: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    if not angle:
        return grey
    h, w = grey.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    paper = int(np.percentile(grey, 90))
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=paper)


def _upside_down(eng: _Engine, crops: list[np.ndarray], quads: list[np.ndarray]) -> bool:
    """Read a few long lines as they are and turned round: the likelier reading wins."""
    ranked = sorted(range(len(quads)), key=lambda i: -_dims(quads[i])[0])
    pick = [i for i in ranked if _dims(quads[i])[0] > 3 * _dims(quads[i])[1]][:ORIENT_SAMPLES]
    if len(pick) < 2:
        return False
    # The first dozen characters of each line say as much as the whole line, at a tenth of the cost.
    sample = [np.ascontiguousarray(crops[i][:, : 12 * crops[i].shape[0]]) for i in pick]
    as_is = eng.recognize(sample)
    if np.mean([c for _, c in as_is]) >= 0.9:
        return False  # read well as it stands: upside-down text never reads this well
    turned = eng.recognize([np.ascontiguousarray(np.rot90(c, 2)) for c in sample])
    score = sum(c * len(t) for t, c in as_is)
    score_turned = sum(c * len(t) for t, c in turned)
    return score_turned > 1.15 * score + 0.5


def _turn_quads(quads: list[np.ndarray], w: int, h: int) -> list[np.ndarray]:
    """The quads of an image turned by 180°, still clockwise from their top left."""
    out = []
    for q in quads:
        p = np.stack([w - 1 - q[:, 0], h - 1 - q[:, 1]], axis=1)
        out.append(p[[2, 3, 0, 1]].astype(np.float32))
    return out


# ---------------------------------------------------------------- pages


def read_page(
    image: Any,
    *,
    dpi: float | None = None,
    page_size: tuple[float, float] | None = None,
    page: int | None = None,
    orient: bool = True,
    deskew: bool = True,
    min_confidence: float = MIN_CONFIDENCE,
) -> OcrPage:
    """OCR one page image.

    The image's pixels per point come from ``page_size`` (the page's width and
    height in points, as it lies in the PDF), else ``dpi``, else the image's own
    dpi, else :data:`DPI`. Boxes are in points of the page turned upright and
    straightened (:meth:`OcrPage.to_original` maps one back onto the page as it lies).
    """
    t0 = time.perf_counter()
    arr = _as_array(image)
    h0, w0 = arr.shape[:2]
    if page_size:
        scale = w0 / page_size[0]
    elif dpi:
        scale = dpi / 72
    else:
        info_dpi = getattr(image, "info", {}).get("dpi") if hasattr(image, "info") else None
        scale = (float(info_dpi[0]) if info_dpi else DPI) / 72
    grey = remove_seals(arr)
    eng = engine()
    turned = 0
    skew = estimate_skew(grey) if deskew else 0.0
    img = _rgb(_straighten(grey, skew))
    quads = eng.detect(img)
    if orient and _mostly_vertical(quads):
        grey = np.ascontiguousarray(np.rot90(grey, 1))  # a quarter turn counter-clockwise
        turned = 90
        skew = estimate_skew(grey) if deskew else 0.0
        img = _rgb(_straighten(grey, skew))
        quads = eng.detect(img)
    crops = [_crop(img, q) for q in quads]
    if orient and _upside_down(eng, crops, quads):
        img = np.ascontiguousarray(np.rot90(img, 2))
        quads = _turn_quads(quads, img.shape[1], img.shape[0])
        crops = [np.ascontiguousarray(np.rot90(c, 2)) for c in crops]
        turned = (turned + 180) % 360  # turns about the centre commute with the straightening
    read = eng.recognize(crops)
    h, w = img.shape[:2]
    rules = tuple((round(y / scale, 2), round(x0 / scale, 2), round(x1 / scale, 2)) for y, x0, x1 in find_rules(img[:, :, 0]))
    lines: list[OcrLine] = []
    for q, (text, conf) in zip(quads, read):
        text = text.strip()
        if not text or conf < min_confidence:
            continue
        box = (
            round(float(q[:, 0].min()) / scale, 2),
            round(float(q[:, 1].min()) / scale, 2),
            round(float(q[:, 0].max()) / scale, 2),
            round(float(q[:, 1].max()) / scale, 2),
        )
        lines.append(OcrLine(text, box, round(conf, 4), page))
    lines.sort(key=lambda l: (l.box[1], l.box[0]))
    return OcrPage(
        lines=tuple(lines),
        width=w / scale,
        height=h / scale,
        turned=turned,
        skew=skew,
        scale=scale,
        seconds=time.perf_counter() - t0,
        page=page,
        rules=rules,
    )


def ocr_page(image: Any, **kwargs: Any) -> list[OcrLine]:
    """The text lines of one page image (see :func:`read_page` for the options)."""
    return list(read_page(image, **kwargs).lines)


# ---------------------------------------------------------------- the second reading


def _strip_rulings(grey: np.ndarray) -> np.ndarray:
    """A cell crop without the table rules around it (long thin runs of ink become paper)."""
    import cv2

    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    h, w = ink.shape
    lines = np.zeros_like(ink)
    if w >= 8:
        lines |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(8, int(w * 0.6))), np.uint8))
    if h >= 8:
        lines |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(8, int(h * 0.8)), 1), np.uint8))
    out = grey.copy()
    paper = int(np.median(grey[ink == 0])) if (ink == 0).any() else 255
    out[cv2.dilate(lines, np.ones((3, 3), np.uint8)) > 0] = paper
    return out


def reread_cell(page_image: Any, page: OcrPage, box: Box, dpi: float = DIGITS_DPI, pad: float = 2.0) -> tuple[str, float]:
    """The second reading of one cell: ``box`` (points of the upright page ``page``) cut out of
    ``page_image``, the page rendered as it lies in the PDF at ``dpi``, turned and straightened
    like the first reading, and read as digits only (:func:`ocr_digits`)."""
    x0, top, x1, bottom = page.to_original(box)
    s = dpi / 72
    crop = page_image.crop((int((x0 - pad) * s), int((top - pad) * s), int((x1 + pad) * s) + 1, int((bottom + pad) * s) + 1))
    return ocr_digits(upright(crop, page.turned, page.skew))


def upright(crop: Any, turned: int, skew: float) -> Any:
    """A crop of the page as it lies (a PIL image) turned and straightened like the page was
    for its first reading (:attr:`OcrPage.turned`, :attr:`OcrPage.skew`)."""
    if turned:
        crop = crop.rotate(turned, expand=True)
    if skew:
        crop = crop.rotate(skew, expand=True, fillcolor="white" if crop.mode == "RGB" else 255)
    return crop


def ocr_digits(image_crop: Any) -> tuple[str, float]:
    """Read a cell's crop (best at :data:`DIGITS_DPI`) as digits only: ("1234", 0.98), or ("", 0.0).

    The crop is cleaned of table rules and cut to its ink; the recogniser may
    then choose only among digits, '.' and '-', so a damaged "0" is read as the
    likeliest digit, and its confidence says how sure that is.
    """
    import cv2

    grey = remove_seals(_as_array(image_crop))
    if grey.size == 0 or min(grey.shape[:2]) < 4:
        return "", 0.0
    clean = _strip_rulings(grey)
    _, ink = cv2.threshold(clean, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # specks and noise
    ys, xs = np.nonzero(ink)
    if len(xs) < 4 or clean.min() > 200:
        return "", 0.0
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    # Paper round the ink, as the recogniser saw it in whole lines: a third of the height above
    # and below, and at least one height either side (a lone "1" is otherwise read as "一").
    ink_h, ink_w = y1 - y0, x1 - x0
    pad_y = max(3, int(ink_h * 0.35))
    pad_x = max(pad_y, int(ink_h))
    paper = int(np.percentile(clean, 90))
    canvas = np.full((ink_h + 2 * pad_y, ink_w + 2 * pad_x), paper, dtype=np.uint8)
    canvas[pad_y : pad_y + ink_h, pad_x : pad_x + ink_w] = clean[y0:y1, x0:x1]
    text, conf = engine().recognize_digits([_rgb(canvas)])[0]
    return text, round(conf, 4)
