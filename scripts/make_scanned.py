"""Scanned renderings of PDFs, made byte-identically from the same input.

Each page is rendered with pypdfium2 and degraded as an office scanner does:
a resolution of 150–300 dpi, grey toner on slightly grey paper, a slight
rotation (up to 2° by default), a little blur, sensor noise and JPEG
compression; the last page gets a red round official stamp (公章) over the end
of its text, where the signature block stands. The pages are wrapped back into
an image-only PDF (one JPEG per page, no text layer) whose pages keep the size
of the original ones in points, so coordinates can be compared.

Everything random comes from one RNG seeded with the file *name* and the
options, so a file is remade byte-identically (same Pillow, libjpeg and
pdfium); no date or random id is written into the PDF.

    python scripts/make_scanned.py /tmp/scanned                       # corpus/*.pdf and ../shared/corpus-real/*.pdf
    python scripts/make_scanned.py /tmp/scanned corpus/001_*.pdf --dpi 150 --max-rotation 0
    python scripts/make_scanned.py /tmp/hard corpus/000_*.pdf --turn 2:90 --turn 3:180

Never write the renderings of the real reports into the repository: give a
cache folder outside it (tests write into their own tmp_path).
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import io
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
SHARED_PDFS = ROOT.parent / "shared" / "corpus-real"
DPI_CHOICES = (150, 200, 240, 300)
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
STAMP_RED = (214, 40, 40)


@dataclass(frozen=True)
class ScanOptions:
    """How hard the scan is. ``dpi=None`` draws 150–300 dpi per document from the seed."""

    dpi: int | None = None
    max_rotation: float = 2.0  # degrees, drawn per page in [-max, max]
    blur: float = 0.7  # Gaussian radius in pixels at 200 dpi (scaled with the dpi)
    noise: float = 6.0  # standard deviation of the grey noise, 0–255
    jpeg_quality: int | None = None  # None: 55–80 per document from the seed
    stamp: bool = True
    grey_stamp: bool = False  # a greyscale scan: the stamp comes out grey
    turns: dict[int, int] = field(default_factory=dict)  # 1-based page -> 90 / 180 / 270 (clockwise)

    def key(self) -> str:
        turns = ",".join(f"{p}:{a}" for p, a in sorted(self.turns.items()))
        return (
            f"dpi={self.dpi};rot={self.max_rotation};blur={self.blur};noise={self.noise};"
            f"q={self.jpeg_quality};stamp={self.stamp};grey={self.grey_stamp};turns={turns}"
        )


def seed_for(name: str, options: ScanOptions) -> int:
    """The RNG seed: the file name and the options, never the time or the folder."""
    digest = hashlib.sha256(f"{name}|{options.key()}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


# ---------------------------------------------------------------- stamp


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: int) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(a), cy + radius * math.sin(a)))
    draw.polygon(points, fill=fill)


def stamp_mask(text: str, dpi: int, rng: np.random.Generator) -> Image.Image:
    """An 'L' mask (255 = ink) of a round seal 42 mm across: ring, star, the name on the arc."""
    d = int(round(42 / 25.4 * dpi))
    pad = 4
    mask = Image.new("L", (d + 2 * pad, d + 2 * pad), 0)
    draw = ImageDraw.Draw(mask)
    c = d / 2 + pad
    ring = max(2, int(round(1.2 / 25.4 * dpi)))
    draw.ellipse((pad, pad, pad + d, pad + d), outline=255, width=ring)
    _star(draw, c, c, d * 0.17, 255)
    chars = [ch for ch in text if not ch.isspace()][:16] or list("政府信息公开专用章")
    size = max(8, int(d * 0.13))
    font = _font(size)
    span = math.radians(min(250, 18 * len(chars) + 20))
    radius = d / 2 - ring - size * 0.75
    for i, ch in enumerate(chars):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, fill=255, font=font)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        x = c + radius * math.cos(a) - size
        y = c + radius * math.sin(a) - size
        mask.paste(255, (int(x), int(y)), glyph)
    # Uneven ink: a seal never prints evenly.
    ink = rng.uniform(0.55, 1.0, size=(mask.height // 8 + 1, mask.width // 8 + 1))
    ink_img = Image.fromarray((ink * 255).astype(np.uint8), "L").resize(mask.size, Image.BILINEAR)
    mask = ImageChops.multiply(mask, ink_img)
    return mask.rotate(float(rng.uniform(-25, 25)), resample=Image.BICUBIC)


def _last_text(page) -> tuple[str, tuple[float, float, float, float]] | None:
    """The last text line of a page (text, (x0, top, x1, bottom) in points from the top left)."""
    tp = page.get_textpage()
    try:
        _, height = page.get_size()
        n = tp.count_rects()
        rects = [tp.get_rect(i) for i in range(n)]
        best = None
        for left, bottom, right, top in rects:
            text = tp.get_text_bounded(left, bottom, right, top).strip()
            if not text or (right - left) < 5:
                continue
            if height - top > height * 0.93:  # a page number in the bottom margin
                continue
            if best is None or bottom < best[1][1]:
                best = (text, (left, bottom, right, top))
        if best is None:
            return None
        text, (left, bottom, right, top) = best
        return text, (left, height - top, right, height - bottom)
    finally:
        tp.close()


# ---------------------------------------------------------------- degrading a page


def _degrade(img: Image.Image, dpi: int, options: ScanOptions, rng: np.random.Generator, stamp: Image.Image | None,
             stamp_at: tuple[float, float] | None, turn: int) -> Image.Image:
    grey = img.convert("L")
    # Toner is not quite black, paper not quite white.
    paper = float(rng.uniform(232, 248))
    toner = float(rng.uniform(15, 45))
    arr = np.asarray(grey, dtype=np.float32) / 255.0
    arr = toner + arr * (paper - toner)
    grey = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    if stamp is not None and stamp_at is not None:
        rgb = grey.convert("RGB")
        colour = Image.new("RGB", stamp.size, STAMP_RED)
        layer = Image.new("RGB", rgb.size, (255, 255, 255))
        x = int(stamp_at[0] - stamp.width / 2)
        y = int(stamp_at[1] - stamp.height / 2)
        layer.paste(colour, (x, y), stamp)
        page = ImageChops.multiply(rgb, layer)
        if options.grey_stamp:
            page = page.convert("L")
    else:
        page = grey
    fill = int(paper) if page.mode == "L" else (int(paper),) * 3
    angle = float(rng.uniform(-options.max_rotation, options.max_rotation)) if options.max_rotation else 0.0
    if angle:
        page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    radius = options.blur * dpi / 200
    if radius > 0:
        page = page.filter(ImageFilter.GaussianBlur(radius))
    if options.noise > 0:
        arr = np.asarray(page, dtype=np.float32)
        noise = rng.normal(0, options.noise, size=arr.shape[:2]).astype(np.float32)
        if arr.ndim == 3:
            noise = noise[:, :, None]
        arr = arr + noise
        # Dust: a few dark specks.
        specks = rng.integers(0, 40)
        for _ in range(int(specks)):
            y0 = int(rng.integers(0, arr.shape[0] - 3))
            x0 = int(rng.integers(0, arr.shape[1] - 3))
            arr[y0 : y0 + int(rng.integers(1, 3)), x0 : x0 + int(rng.integers(1, 3))] = toner
        page = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), page.mode)
    if turn:
        page = page.rotate(-turn, expand=True)  # clockwise, as a sheet fed sideways
    return page


def scan_document(data: bytes, name: str, options: ScanOptions | None = None) -> bytes:
    """The scanned rendering (an image-only PDF) of the PDF ``data`` named ``name``."""
    import pypdfium2 as pdfium

    options = options or ScanOptions()
    rng = np.random.default_rng(seed_for(name, options))
    dpi = options.dpi or int(rng.choice(DPI_CHOICES))
    quality = options.jpeg_quality or int(rng.integers(55, 81))
    doc = pdfium.PdfDocument(data)
    pages: list[tuple[bytes, int, int, float, float, str]] = []
    try:
        n = len(doc)
        for i in range(n):
            page = doc[i]
            width_pt, height_pt = page.get_size()
            img = page.render(scale=dpi / 72, rotation=0).to_pil()
            stamp = stamp_at = None
            if options.stamp and i == n - 1:
                last = _last_text(page)
                text = "政府信息公开专用章"
                if last:
                    words, (x0, top, x1, bottom) = last
                    # Over the right-hand part of the last line (the signature: agency and date).
                    cx = min(max((x0 + x1) / 2, width_pt * 0.55), width_pt * 0.72)
                    stamp_at = (cx * dpi / 72, (top + bottom) / 2 * dpi / 72 - 8)
                    if 4 <= len(words) <= 16 and any(k in words for k in ("政府", "局", "办公室", "委员会")):
                        text = words
                else:
                    stamp_at = (width_pt * 0.65 * dpi / 72, height_pt * 0.8 * dpi / 72)
                stamp = stamp_mask(text, dpi, rng)
            turn = options.turns.get(i + 1, 0) % 360
            out = _degrade(img, dpi, options, rng, stamp, stamp_at, turn)
            buf = io.BytesIO()
            out.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=False, progressive=False)
            w_pt, h_pt = (height_pt, width_pt) if turn in (90, 270) else (width_pt, height_pt)
            pages.append((buf.getvalue(), out.width, out.height, w_pt, h_pt, out.mode))
            page.close()
    finally:
        doc.close()
    return image_pdf(pages)


def image_pdf(pages: list[tuple[bytes, int, int, float, float, str]]) -> bytes:
    """A minimal PDF holding one JPEG per page, drawn over the whole page (no dates, no /ID)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    kids = []
    for jpeg, w, h, w_pt, h_pt, mode in pages:
        space = b"/DeviceRGB" if mode == "RGB" else b"/DeviceGray"
        image = add(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8"
            b" /Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, space, len(jpeg)) + jpeg + b"\nendstream"
        )
        content = b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (w_pt, h_pt)
        contents = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.4f %.4f] /Contents %d 0 R"
                b" /Resources << /XObject << /Im0 %d 0 R >> >> >>" % (pages_obj, w_pt, h_pt, contents, image)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def scan_file(src: Path, out_dir: Path, options: ScanOptions | None = None) -> Path:
    """Write the scanned rendering of ``src`` to ``out_dir/<same name>``; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    dst = out_dir / src.name
    dst.write_bytes(scan_document(src.read_bytes(), src.name, options))
    return dst


def default_inputs() -> list[Path]:
    paths = [Path(p) for p in sorted(glob.glob(str(ROOT / "corpus" / "*.pdf")))]
    if SHARED_PDFS.is_dir():
        paths += [Path(p) for p in sorted(glob.glob(str(SHARED_PDFS / "*.pdf")))]
    return paths


def _turn(spec: str) -> tuple[int, int]:
    page, _, angle = spec.partition(":")
    a = int(angle)
    if a % 90 or not page.isdigit():
        raise argparse.ArgumentTypeError(f"--turn wants PAGE:ANGLE with ANGLE a multiple of 90, not {spec!r}")
    return int(page), a % 360


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path, help="cache folder for the renderings (outside the repository)")
    ap.add_argument("pdfs", nargs="*", type=Path, help="PDFs to scan (default: corpus/*.pdf and ../shared/corpus-real/*.pdf)")
    ap.add_argument("--dpi", type=int, default=None, help="scan resolution (default: 150–300 per document from the seed)")
    ap.add_argument("--max-rotation", type=float, default=2.0, help="largest skew in degrees (0: straight)")
    ap.add_argument("--blur", type=float, default=0.7, help="blur radius in pixels at 200 dpi")
    ap.add_argument("--noise", type=float, default=6.0, help="grey noise standard deviation")
    ap.add_argument("--quality", type=int, default=None, help="JPEG quality (default: 55–80 from the seed)")
    ap.add_argument("--no-stamp", action="store_true", help="no red seal on the last page")
    ap.add_argument("--grey-stamp", action="store_true", help="greyscale scan: the seal comes out grey")
    ap.add_argument("--turn", type=_turn, action="append", default=[], metavar="PAGE:ANGLE",
                    help="turn a page by 90/180/270 degrees clockwise (repeatable; page 0 = every page)")
    args = ap.parse_args(argv)
    pdfs = args.pdfs or default_inputs()
    for src in pdfs:
        turns = {p: a for p, a in args.turn if p}
        every = [a for p, a in args.turn if p == 0]
        if every:
            import pypdfium2 as pdfium

            n = len(pdfium.PdfDocument(str(src)))
            turns = {p: every[-1] for p in range(1, n + 1)} | turns
        options = ScanOptions(
            dpi=args.dpi, max_rotation=args.max_rotation, blur=args.blur, noise=args.noise,
            jpeg_quality=args.quality, stamp=not args.no_stamp, grey_stamp=args.grey_stamp, turns=turns,
        )
        dst = scan_file(src, args.out_dir, options)
        print(f"{src.name} -> {dst} ({dst.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
