"""Demo pictures drawn locally with Pillow: what the product is, not initials.

:func:`product_pictures` draws 2–4 views of one product — a shirt, a
songkok, folded batik, a jar of sambal, a cup of kopi, a bed, a bag, a
kite... chosen from words of the product's name, else from its family —
in its colours (one colour per view when the product comes in several),
on a studio-like background: a front view, a turned view, a close-up of
the fabric or label, and the item with a second one beside it. Drawing is
deterministic (same arguments, same bytes) and takes a few milliseconds.

:func:`demo_picture` draws the banner, logo and category tiles.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from kedai.catalog.demo.drawings import (
    COLOUR_NAMES,
    COMPANIONS,
    DRAWINGS,
    KIND_DRAWINGS,
    RGB,
    _pattern,
    _rgb,
    _shade,
    drawing_for,
)

__all__ = ["COLOUR_NAMES", "DRAWINGS", "KIND_DRAWINGS", "demo_picture", "drawing_for",
           "picture_colours", "product_pictures"]

IMAGE_SIZE = (800, 800)

# --- Views -----------------------------------------------------------------------

BACKDROPS: tuple[RGB, ...] = (
    (244, 240, 232),
    (236, 240, 243),
    (246, 238, 236),
    (238, 243, 236),
)


def _backdrop(size: tuple[int, int], tone: RGB, view: int) -> Image.Image:
    """A studio backdrop: a wall, a table edge and (for the table view) wood."""
    w, h = size
    img = Image.new("RGB", size, tone)
    d = ImageDraw.Draw(img)
    floor = int(h * (0.72 if view != 3 else 0.62))
    table = _shade(tone, -14) if view != 3 else (168, 124, 86)
    d.rectangle((0, floor, w, h), fill=table)
    d.line((0, floor, w, floor), fill=_shade(table, -20), width=3)
    return img


_KEY = (1, 2, 3)  # the backdrop of an item drawn alone; no drawing uses it
_MASK_LUT = [0, 0, 0] + [255] * 253  # _KEY is 2 in grey


def _item(
    drawing: str,
    colour: RGB,
    cx: float,
    cy: float,
    scale: float,
    rng: random.Random,
    size: tuple[int, int],
) -> tuple[Image.Image, Image.Image]:
    """One item drawn alone: the picture and its mask."""
    canvas = Image.new("RGB", size, _KEY)
    DRAWINGS[drawing](canvas, int(cx), int(cy), scale, colour, rng)
    mask = canvas.convert("L").point(_MASK_LUT)
    return canvas, mask


def _place(
    img: Image.Image, item: tuple[Image.Image, Image.Image], *, shadow: bool = True
) -> None:
    """Put an item on the backdrop with a soft shadow where it stands."""
    canvas, mask = item
    bbox = mask.getbbox()
    if bbox is None:
        return
    if shadow:
        rx = (bbox[2] - bbox[0]) * 0.42
        ry = max(8.0, rx * 0.14)
        cx, base = (bbox[0] + bbox[2]) / 2, bbox[3]
        pad = 24
        blob = Image.new("L", (int(2 * rx) + 2 * pad, int(2 * ry) + 2 * pad), 0)
        ImageDraw.Draw(blob).ellipse((pad, pad, pad + 2 * rx, pad + 2 * ry), fill=80)
        blob = blob.filter(ImageFilter.GaussianBlur(10))
        img.paste((0, 0, 0), (int(cx - rx - pad), int(base - ry - pad)), blob)
    img.paste(canvas, (0, 0), mask)


def _view(
    drawing: str, colour: RGB, view: int, seed: int, size: tuple[int, int]
) -> Image.Image:
    # One product looks the same in every view and colour (same motif).
    rng = random.Random(f"{drawing}:{seed}")
    w, h = size
    img = _backdrop(size, BACKDROPS[(seed + view) % len(BACKDROPS)], view)
    k = min(w, h) / 800
    if view == 0:  # front
        _place(img, _item(drawing, colour, w / 2, h * 0.5, 0.95 * k, rng, size))
    elif view == 1:  # turned a little
        canvas, mask = _item(drawing, colour, w / 2, h * 0.5, 0.88 * k, rng, size)
        angle = rng.choice((-12, -8, 8, 12))
        box = mask.getbbox() or (0, 0, w, h)
        # Only the item's box is turned: a third of the picture's pixels.
        turned = canvas.crop(box).rotate(
            angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=_KEY
        )
        turned_mask = mask.crop(box).rotate(
            angle, resample=Image.Resampling.BILINEAR, expand=True
        )
        canvas, mask = Image.new("RGB", size, _KEY), Image.new("L", size, 0)
        at = (
            int((box[0] + box[2] - turned.width) / 2),
            int((box[1] + box[3] - turned.height) / 2),
        )
        canvas.paste(turned, at)
        mask.paste(turned_mask, at)
        _place(img, (canvas, mask))
    elif view == 2:  # close-up of the fabric, label or glaze
        _place(
            img,
            _item(drawing, colour, w / 2, h * 0.42, 1.9 * k, rng, size),
            shadow=False,
        )
    else:  # on a table, with a second one (or its companion) beside it
        other = COMPANIONS.get(drawing, drawing)
        tone = _shade(colour, 35) if other == drawing else colour
        _place(img, _item(other, tone, w * 0.3, h * 0.5, 0.55 * k, rng, size))
        _place(img, _item(drawing, colour, w * 0.66, h * 0.55, 0.66 * k, rng, size))
    return img


def _encode(img: Image.Image, fmt: str) -> bytes:
    out = BytesIO()
    if fmt == "JPEG":
        img.save(out, fmt, quality=84, optimize=False)
    else:
        img.save(out, fmt)
    return out.getvalue()


def picture_colours(*, colour: str, options: Sequence[str]) -> list[RGB]:
    """The colours to show: each named colour option once, else ``colour``."""
    named = [_rgb(COLOUR_NAMES[o]) for o in dict.fromkeys(options) if o in COLOUR_NAMES]
    return named or [_rgb(colour)]


@lru_cache(maxsize=256)
def _cached(
    drawing: str, colour: RGB, view: int, seed: int, size: tuple[int, int]
) -> bytes:
    return _encode(_view(drawing, colour, view, seed, size), "JPEG")


def product_pictures(
    *,
    name: str,
    kind: str,
    colour: str,
    count: int,
    options: Sequence[str] = (),
    seed: int = 0,
    size: tuple[int, int] = IMAGE_SIZE,
) -> list[bytes]:
    """``count`` JPEG views (2–4) of the product ``name`` of family ``kind``.

    ``options`` are its colour option values ("Maroon", "Teal"...): views
    cycle through them, so a product in three colours shows each. Pure and
    deterministic; identical views are drawn once per process.
    """
    drawing = drawing_for(name=name, kind=kind)
    colours = picture_colours(colour=colour, options=options)
    return [
        _cached(drawing, colours[view % len(colours)], view, seed % 7, size)
        for view in range(max(1, min(count, 4)))
    ]


# --- Banner, logo and category tiles ----------------------------------------------


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper() or "K"


def demo_picture(
    *,
    title: str,
    colour: str,
    size: tuple[int, int] = IMAGE_SIZE,
    pattern: int = 0,
    fmt: str = "JPEG",
    mark: str | None = None,
) -> bytes:
    """A batik-patterned tile: the banner, the logo and category pictures.

    ``pattern`` picks the batik motif; ``mark`` is the big lettering
    (initials of ``title`` when None, none when ""), and an empty
    ``title`` drops the caption band. Returns encoded bytes in ``fmt``.
    """
    width, height = size
    base = _rgb(colour)
    img = _pattern(size, base, pattern, scale=max(40, min(size) // 10))
    draw = ImageDraw.Draw(img)
    if mark != "":
        big = _font(min(size) * 7 // 20)
        draw.text(
            (width // 2, height * 9 // 20),
            mark or _initials(title),
            font=big,
            anchor="mm",
            fill="white",
        )
    if title:
        band = height // 7
        draw.rectangle((0, height - band, width, height), fill=_shade(base, -40))
        small = _font(max(14, band * 2 // 5))
        draw.text(
            (width // 2, height - band // 2),
            title[:48],
            font=small,
            anchor="mm",
            fill="white",
        )
    return _encode(img, fmt)
