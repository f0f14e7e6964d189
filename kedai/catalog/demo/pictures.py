"""Demo pictures drawn locally with Pillow."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

IMAGE_SIZE = (800, 800)

# --- Pictures ---------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _lighter(rgb: tuple[int, int, int], amount: int) -> tuple[int, int, int]:
    r, g, b = rgb
    return tuple(max(0, min(255, c + amount)) for c in (r, g, b))  # type: ignore


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper() or "K"


def demo_picture(*, title: str, colour: str, size: tuple[int, int] = IMAGE_SIZE,
                 pattern: int = 0, fmt: str = "JPEG", mark: str | None = None) -> bytes:
    """Draw a placeholder picture: a batik-like pattern, initials and a title.

    ``pattern`` picks circles, stripes or diamonds; ``mark`` replaces the
    initials ("" draws none) and an empty ``title`` drops the caption band.
    Returns encoded bytes in ``fmt``. Pure: no files, no database.
    """
    width, height = size
    base = _rgb(colour)
    img = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(img)
    line = _lighter(base, 28)
    step = max(24, min(size) // 12)
    if pattern % 3 == 0:
        cx, cy = width // 2, height // 2
        for r in range(step, max(size) + step, step):
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=line,
                         width=step // 5)
    elif pattern % 3 == 1:
        for x in range(-height, width, step):
            draw.line((x, 0, x + height, height), fill=line, width=step // 4)
    else:
        half = step
        for y in range(0, height + half, half * 2):
            for x in range(0, width + half, half * 2):
                draw.polygon(((x, y - half), (x + half, y), (x, y + half),
                              (x - half, y)), outline=line, width=3)
    if mark != "":
        big = _font(min(size) * 7 // 20)
        draw.text((width // 2, height * 9 // 20), mark or _initials(title),
                  font=big, anchor="mm", fill="white")
    if title:
        band = height // 7
        draw.rectangle((0, height - band, width, height), fill=_lighter(base, -40))
        small = _font(max(14, band * 2 // 5))
        draw.text((width // 2, height - band // 2), title[:48], font=small,
                  anchor="mm", fill="white")
    out = BytesIO()
    if fmt == "JPEG":
        img.save(out, fmt, quality=85)
    else:
        img.save(out, fmt)
    return out.getvalue()


