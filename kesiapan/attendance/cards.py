"""Participant cards (issue 16): a QR code that carries only an opaque card code, printed as
A4 sheets (eight cards a page, per desa) or one card; and reading that code back from a
phone camera's photo, on the server.

The code (`KPPS-7F3K-9QXA-M2PD-0B4R`) is the member's random card token from the journal
database (`journal.card_token`): neither the QR nor the printed text holds the NIK, a birth
date or anything derived from them. The card shows the name, role, TPS and desa so that the
right card reaches the right person. QR codes are drawn by segno, read by zxing-cpp; pages
are drawn with Pillow (DejaVu fonts of Debian's fonts-dejavu-core when present).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import segno
import zxingcpp
from PIL import Image, ImageDraw, ImageFont, ImageOps

DPI = 150
A4 = (1240, 1754)  # 210 × 297 mm at 150 dpi
COLUMNS, ROWS = 2, 4
MARGIN = 60
GAP = 24
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
TITLE = "KARTU PESERTA BIMTEK KPPS"


@dataclass(frozen=True)
class Card:
    code: str  # journal.card_code(token)
    nama: str
    jabatan: str  # "Ketua" or "Anggota"
    nomor_tps: int | None
    desa: str
    kecamatan: str


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size=size)  # type: ignore[return-value]


def qr_image(code: str, box: int) -> Image.Image:
    """The QR code of `code`, `box` pixels square (quiet zone included)."""
    qr = segno.make(code, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=1, border=4)
    small = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    return small.resize((box, box), Image.Resampling.NEAREST)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, bold: bool) -> tuple:
    """The largest font (from `size` down) at which `text` fits `width`; cut with … if none."""
    for step in range(size, 15, -2):
        font = _font(step, bold)
        if draw.textlength(text, font=font) <= width:
            return text, font
    font = _font(16, bold)
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…", font


def _name_lines(draw: ImageDraw.ImageDraw, name: str, width: int) -> list[str]:
    """A long name on two lines (the second cut if still too long), a short one on one."""
    if draw.textlength(name, font=_font(30, True)) <= width:
        return [name]
    words = name.split()
    for cut in range(len(words) - 1, 0, -1):
        first = " ".join(words[:cut])
        if draw.textlength(first, font=_font(30, True)) <= width:
            return [first, " ".join(words[cut:])]
    return [name]


def draw_card(card: Card, size: tuple[int, int]) -> Image.Image:
    """One card: title band, name, role and TPS, desa and kecamatan, QR and its code."""
    width, height = size
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width - 1, height - 1], outline=0, width=3)
    draw.rectangle([0, 0, width - 1, 52], fill=40)
    title_font = _font(24, bold=True)
    draw.text((20, 12), TITLE, fill=255, font=title_font)
    box = min(height - 110, width // 2 - 20)
    qr = qr_image(card.code, box)
    image.paste(qr, (width - box - 14, 66))
    text_width = width - box - 50
    y = 76
    for line in _name_lines(draw, card.nama, text_width):
        shown, font = _fit(draw, line, text_width, 30, True)
        draw.text((20, y), shown, fill=0, font=font)
        y += 40
    y += 14
    tps = f"TPS {card.nomor_tps:03d}" if card.nomor_tps is not None else "TPS -"
    for line, big in ((f"{card.jabatan} · {tps}", 26), (card.desa, 24), (card.kecamatan, 24)):
        shown, font = _fit(draw, line, text_width, big, False)
        draw.text((20, y), shown, fill=0, font=font)
        y += big + 18
    code_font = _font(22, bold=True)
    draw.text((20, height - 70), "Kode kartu", fill=90, font=_font(18))
    draw.text((20, height - 46), card.code, fill=0, font=code_font)
    return image


def _card_size() -> tuple[int, int]:
    width = (A4[0] - 2 * MARGIN - (COLUMNS - 1) * GAP) // COLUMNS
    height = (A4[1] - 2 * MARGIN - 60 - (ROWS - 1) * GAP) // ROWS
    return width, height


def sheet_pages(cards: list[Card], heading: str) -> list[Image.Image]:
    """A4 pages of eight cards each, with a heading line and cut lines between the cards."""
    size = _card_size()
    per_page = COLUMNS * ROWS
    pages = []
    total = max((len(cards) + per_page - 1) // per_page, 1)
    for number in range(total):
        page = Image.new("L", A4, 255)
        draw = ImageDraw.Draw(page)
        draw.text(
            (MARGIN, MARGIN - 10),
            f"{heading} · halaman {number + 1} dari {total}",
            fill=60,
            font=_font(20),
        )
        for i, card in enumerate(cards[number * per_page : (number + 1) * per_page]):
            col, row = i % COLUMNS, i // COLUMNS
            x = MARGIN + col * (size[0] + GAP)
            y = MARGIN + 50 + row * (size[1] + GAP)
            page.paste(draw_card(card, size), (x, y))
        pages.append(page)
    return pages


def sheet_pdf(cards: list[Card], heading: str) -> bytes:
    """The printable A4 PDF of `cards` (one empty page with the heading when there are none)."""
    pages = sheet_pages(cards, heading)
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=DPI)
    return buffer.getvalue()


def card_png(card: Card) -> bytes:
    buffer = io.BytesIO()
    draw_card(card, _card_size()).save(buffer, format="PNG")
    return buffer.getvalue()


def decode(data: bytes) -> list[str]:
    """The texts of the QR codes in a photo (JPEG or PNG bytes); empty when none is readable.
    A phone photo may be rotated by its EXIF tag, and a dim one read better in grey."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return []
    image = ImageOps.exif_transpose(image) or image
    found: list[str] = []
    for candidate in (image.convert("RGB"), ImageOps.autocontrast(image.convert("L"))):
        for result in zxingcpp.read_barcodes(candidate, formats=zxingcpp.BarcodeFormat.QRCode):
            if result.text and result.text not in found:
                found.append(result.text)
        if found:
            break
    return found


def cards_for(
    roster: Iterable[dict[str, object]], tokens: dict[str, str], kecamatan: str
) -> list[Card]:
    """Cards for roster rows (`presensi_peserta` columns) with their tokens."""
    from kesiapan.store.journal import card_code

    result = []
    for row in roster:
        nik = str(row["nik"])
        nomor = row.get("nomor_tps")
        result.append(
            Card(
                code=card_code(tokens[nik]),
                nama=str(row.get("nama") or ""),
                jabatan="Ketua" if row.get("jabatan") == "ketua" else "Anggota",
                nomor_tps=None if nomor is None or nomor != nomor else int(nomor),  # NaN
                desa=f"Desa/Kel. {row.get('desa') or ''}",
                kecamatan=f"Kec. {kecamatan}",
            )
        )
    return result
