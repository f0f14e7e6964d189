"""The things the demo's pictures show, drawn with Pillow primitives.

Each drawing paints one item — a shirt, a songkok, folded batik, a jar of
sambal, a cup of kopi, a bed, a bag, a kite... — centred on a point at a
scale, in a colour; :func:`drawing_for` picks the one that shows a
product best from the words of its name, else from its family. Used by
kedai.catalog.demo.pictures, which lays out the views.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

RGB = tuple[int, int, int]

# --- Colours ------------------------------------------------------------------

COLOUR_NAMES: dict[str, str] = {
    "Blue": "#2f5fa8",
    "Maroon": "#7a1f3d",
    "Emerald": "#1f7a55",
    "Black": "#262626",
    "Cream": "#efe3c4",
    "Dusty Pink": "#d99aa5",
    "Mustard": "#d4a531",
    "Navy": "#22335c",
    "Grey": "#8a8d91",
    "White": "#f4f4f0",
    "Gold": "#c9a23a",
    "Purple": "#6b3f8f",
    "Teal": "#1f7a80",
}


def _rgb(colour: str) -> RGB:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _shade(rgb: RGB, amount: int) -> RGB:
    r, g, b = rgb
    return (
        max(0, min(255, r + amount)),
        max(0, min(255, g + amount)),
        max(0, min(255, b + amount)),
    )


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        int(a[0] + (b[0] - a[0]) * t),
        int(a[1] + (b[1] - a[1]) * t),
        int(a[2] + (b[2] - a[2]) * t),
    )


def _light(rgb: RGB) -> bool:
    return sum(rgb) > 540


# --- Patterns (batik, songket) --------------------------------------------------


def _pattern(
    size: tuple[int, int], base: RGB, motif: int, scale: int = 60
) -> Image.Image:
    """A tile-filled layer: flowers (bunga raya), pucuk rebung triangles,
    stripes (kain pelikat checks) or gold songket diamonds."""
    layer = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(layer)
    line = _shade(base, 60) if not _light(base) else _shade(base, -70)
    gold = (214, 175, 70)
    w, h = size
    kind = motif % 4
    for y in range(-scale, h + scale, scale):
        for x in range(-scale, w + scale, scale):
            ox = x + (scale // 2 if (y // scale) % 2 else 0)
            if kind == 0:  # five-petal flowers
                for i in range(5):
                    dx = int(scale * 0.22 * _COS[i])
                    dy = int(scale * 0.22 * _SIN[i])
                    r = scale // 7
                    draw.ellipse(
                        (ox + dx - r, y + dy - r, ox + dx + r, y + dy + r), fill=line
                    )
                draw.ellipse((ox - 4, y - 4, ox + 4, y + 4), fill=gold)
            elif kind == 1:  # pucuk rebung: rows of triangles
                draw.polygon(
                    (
                        (ox, y - scale // 3),
                        (ox + scale // 3, y + scale // 3),
                        (ox - scale // 3, y + scale // 3),
                    ),
                    outline=line,
                    width=4,
                )
            elif kind == 2:  # checks
                draw.rectangle(
                    (x, y, x + scale // 2, y + scale), fill=_shade(base, -25)
                )
                draw.line((x, y, x + scale, y), fill=line, width=3)
            else:  # songket: gold diamonds
                s = scale // 3
                draw.polygon(
                    ((ox, y - s), (ox + s, y), (ox, y + s), (ox - s, y)),
                    outline=gold,
                    width=3,
                )
                draw.ellipse((ox - 3, y - 3, ox + 3, y + 3), fill=gold)
    return layer


_COS = (1.0, 0.309, -0.809, -0.809, 0.309)
_SIN = (0.0, 0.951, 0.588, -0.588, -0.951)


def _fill(
    img: Image.Image,
    shape: Callable[[ImageDraw.ImageDraw], None],
    base: RGB,
    motif: int | None,
    *,
    outline: bool = True,
) -> None:
    """Paint ``shape`` (drawn on a mask) in ``base`` or a pattern on it."""
    mask = Image.new("L", img.size, 0)
    shape(ImageDraw.Draw(mask))
    bbox = mask.getbbox()
    if bbox is None:
        return
    # Only the shape's box is patterned and traced: a fraction of the picture.
    left, top, right, bottom = (
        max(0, bbox[0] - 2),
        max(0, bbox[1] - 2),
        min(img.width, bbox[2] + 2),
        min(img.height, bbox[3] + 2),
    )
    box = (right - left, bottom - top)
    part = mask.crop((left, top, right, bottom))
    fill = (
        _pattern(box, base, motif) if motif is not None else Image.new("RGB", box, base)
    )
    img.paste(fill, (left, top), part)
    if outline:
        img.paste(
            _shade(base, -55),
            (left, top, right, bottom),
            part.filter(ImageFilter.FIND_EDGES),
        )


# --- The things ----------------------------------------------------------------
# Each draws one item centred on (cx, cy) at scale s (1.0 fills most of an
# 800-pixel picture).

Draw = Callable[[Image.Image, int, int, float, RGB, random.Random], None]


def _shirt(img, cx, cy, s, c, rng, *, long_body=False, motif=None, collar="band"):
    w, h = 300 * s, (440 if long_body else 360) * s
    body = [
        (cx - w * 0.5, cy - h * 0.42),
        (cx - w * 0.95, cy - h * 0.2),
        (cx - w * 0.8, cy + h * 0.02),
        (cx - w * 0.5, cy - h * 0.1),
        (cx - w * 0.5, cy + h * 0.55),
        (cx + w * 0.5, cy + h * 0.55),
        (cx + w * 0.5, cy - h * 0.1),
        (cx + w * 0.8, cy + h * 0.02),
        (cx + w * 0.95, cy - h * 0.2),
        (cx + w * 0.5, cy - h * 0.42),
    ]
    _fill(img, lambda d: d.polygon(body, fill=255), c, motif)
    d = ImageDraw.Draw(img)
    dark = _shade(c, -60)
    if collar == "v":
        d.polygon(
            (
                (cx - w * 0.16, cy - h * 0.42),
                (cx, cy - h * 0.22),
                (cx + w * 0.16, cy - h * 0.42),
            ),
            fill=_shade(c, -35),
        )
    else:  # cekak musang: a band collar and a button placket
        d.rectangle(
            (cx - w * 0.17, cy - h * 0.46, cx + w * 0.17, cy - h * 0.38),
            fill=_shade(c, -30),
        )
        for i in range(5 if collar == "band" else 3):
            y = cy - h * 0.33 + i * h * 0.09
            d.ellipse(
                (cx - 6 * s, y - 6 * s, cx + 6 * s, y + 6 * s), fill=(214, 175, 70)
            )
    d.line(
        (cx - w * 0.5, cy + h * 0.55, cx + w * 0.5, cy + h * 0.55), fill=dark, width=3
    )


def _kurung(img, cx, cy, s, c, rng):
    _fill(
        img,
        lambda d: d.polygon(
            (
                (cx - 150 * s, cy + 60 * s),
                (cx + 150 * s, cy + 60 * s),
                (cx + 200 * s, cy + 330 * s),
                (cx - 200 * s, cy + 330 * s),
            ),
            fill=255,
        ),
        _shade(c, -20),
        rng.randrange(4),
    )
    _shirt(img, cx, cy - 60 * s, s * 0.95, c, rng, long_body=True, collar="v")


def _songkok(img, cx, cy, s, c, rng):
    black = (28, 28, 32)
    _fill(
        img,
        lambda d: d.polygon(
            (
                (cx - 190 * s, cy - 90 * s),
                (cx + 190 * s, cy - 90 * s),
                (cx + 210 * s, cy + 110 * s),
                (cx - 210 * s, cy + 110 * s),
            ),
            fill=255,
        ),
        black,
        None,
    )
    d = ImageDraw.Draw(img)
    d.ellipse(
        (cx - 190 * s, cy - 130 * s, cx + 190 * s, cy - 50 * s), fill=(45, 45, 50)
    )
    d.ellipse((cx - 210 * s, cy + 80 * s, cx + 210 * s, cy + 140 * s), fill=black)
    d.line(
        (cx - 200 * s, cy + 10 * s, cx + 200 * s, cy + 10 * s),
        fill=(70, 70, 75),
        width=4,
    )


def _cloth(img, cx, cy, s, c, rng, *, songket=False):
    motif = 3 if songket else rng.randrange(3)
    for i, dy in enumerate((110, 20, -70)):
        box = (cx - 260 * s, cy + (dy - 45) * s, cx + 260 * s, cy + (dy + 45) * s)

        def fold(d: ImageDraw.ImageDraw, box: tuple[float, ...] = box) -> None:
            d.rounded_rectangle(box, radius=int(28 * s), fill=255)

        _fill(img, fold, _shade(c, -18 * i), motif)


def _scarf(img, cx, cy, s, c, rng):
    _fill(
        img,
        lambda d: d.polygon(
            (
                (cx - 280 * s, cy - 160 * s),
                (cx + 280 * s, cy - 160 * s),
                (cx, cy + 260 * s),
            ),
            fill=255,
        ),
        c,
        None,
    )
    d = ImageDraw.Draw(img)
    for i in range(1, 4):
        d.line(
            (cx - 280 * s + i * 60 * s, cy - 160 * s, cx, cy + 260 * s),
            fill=_shade(c, -25),
            width=3,
        )
    d.rectangle(
        (cx - 280 * s, cy - 175 * s, cx + 280 * s, cy - 150 * s), fill=_shade(c, -40)
    )


def _jar(img, cx, cy, s, c, rng, *, content: RGB | None = None):
    content = content or c
    glass = (226, 236, 238)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (cx - 150 * s, cy - 150 * s, cx + 150 * s, cy + 210 * s),
        radius=int(40 * s),
        fill=glass,
        outline=(170, 185, 190),
        width=4,
    )
    d.rounded_rectangle(
        (cx - 135 * s, cy - 80 * s, cx + 135 * s, cy + 195 * s),
        radius=int(30 * s),
        fill=content,
    )
    for _ in range(14):  # texture of what is inside
        x = cx + rng.uniform(-110, 110) * s
        y = cy + rng.uniform(-60, 180) * s
        r = rng.uniform(8, 16) * s
        d.ellipse(
            (x - r, y - r, x + r, y + r), fill=_shade(content, rng.choice((-30, 25)))
        )
    d.rounded_rectangle(
        (cx - 160 * s, cy - 200 * s, cx + 160 * s, cy - 140 * s),
        radius=int(12 * s),
        fill=_shade(c, -40),
    )
    d.rectangle(
        (cx - 110 * s, cy + 10 * s, cx + 110 * s, cy + 100 * s), fill=(248, 244, 232)
    )
    d.rectangle((cx - 110 * s, cy + 10 * s, cx + 110 * s, cy + 35 * s), fill=c)


def _bottle(img, cx, cy, s, c, rng, *, perfume=False):
    d = ImageDraw.Draw(img)
    if perfume:
        d.rounded_rectangle(
            (cx - 140 * s, cy - 60 * s, cx + 140 * s, cy + 220 * s),
            radius=int(50 * s),
            fill=_mix(c, (255, 255, 255), 0.35),
            outline=_shade(c, -50),
            width=5,
        )
        d.rectangle(
            (cx - 40 * s, cy - 130 * s, cx + 40 * s, cy - 60 * s), fill=(201, 162, 58)
        )
        d.ellipse(
            (cx - 60 * s, cy - 210 * s, cx + 60 * s, cy - 110 * s), fill=(201, 162, 58)
        )
    else:
        d.rounded_rectangle(
            (cx - 110 * s, cy - 100 * s, cx + 110 * s, cy + 230 * s),
            radius=int(30 * s),
            fill=c,
            outline=_shade(c, -50),
            width=4,
        )
        d.polygon(
            (
                (cx - 110 * s, cy - 80 * s),
                (cx - 45 * s, cy - 170 * s),
                (cx + 45 * s, cy - 170 * s),
                (cx + 110 * s, cy - 80 * s),
            ),
            fill=c,
        )
        d.rectangle(
            (cx - 50 * s, cy - 240 * s, cx + 50 * s, cy - 165 * s), fill=(60, 60, 60)
        )
        d.rectangle(
            (cx - 95 * s, cy - 10 * s, cx + 95 * s, cy + 130 * s), fill=(248, 244, 232)
        )
        d.rectangle(
            (cx - 95 * s, cy + 20 * s, cx + 95 * s, cy + 45 * s), fill=_shade(c, -30)
        )


def _soap(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    for i, dx in enumerate((-90, 90)):
        y = cy + (40 if i else -20) * s
        d.rounded_rectangle(
            (cx + (dx - 150) * s, y - 80 * s, cx + (dx + 150) * s, y + 80 * s),
            radius=int(45 * s),
            fill=_shade(c, 15 * i),
            outline=_shade(c, -45),
            width=4,
        )
    d.rounded_rectangle(
        (cx - 20 * s, cy - 40 * s, cx + 200 * s, cy + 80 * s),
        radius=int(30 * s),
        outline=_shade(c, 40),
        width=6,
    )


def _pouch(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    d.polygon(
        (
            (cx - 170 * s, cy - 230 * s),
            (cx + 170 * s, cy - 230 * s),
            (cx + 190 * s, cy + 240 * s),
            (cx - 190 * s, cy + 240 * s),
        ),
        fill=c,
        outline=_shade(c, -50),
    )
    d.rectangle(
        (cx - 170 * s, cy - 245 * s, cx + 170 * s, cy - 215 * s), fill=_shade(c, -35)
    )
    d.rectangle(
        (cx - 130 * s, cy - 60 * s, cx + 130 * s, cy + 120 * s), fill=(246, 238, 220)
    )
    for i in range(5):  # beans on the label
        x = cx + (i - 2) * 45 * s
        d.ellipse((x - 16 * s, cy + 20 * s, x + 16 * s, cy + 60 * s), fill=(92, 56, 30))
        d.line((x, cy + 22 * s, x, cy + 58 * s), fill=(60, 34, 18), width=3)
    d.ellipse(
        (cx - 18 * s, cy - 170 * s, cx + 18 * s, cy - 134 * s), fill=_shade(c, -60)
    )


def _cup(img, cx, cy, s, c, rng, *, drink: RGB = (120, 72, 40)):
    d = ImageDraw.Draw(img)
    d.ellipse(
        (cx - 230 * s, cy + 130 * s, cx + 230 * s, cy + 210 * s), fill=_shade(c, -20)
    )
    d.ellipse(
        (cx + 90 * s, cy - 60 * s, cx + 210 * s, cy + 70 * s),
        outline=c,
        width=int(24 * s),
    )
    d.chord((cx - 150 * s, cy - 250 * s, cx + 150 * s, cy + 170 * s), 0, 180, fill=c)
    d.rectangle((cx - 150 * s, cy - 110 * s, cx + 150 * s, cy - 40 * s), fill=c)
    d.ellipse(
        (cx - 150 * s, cy - 140 * s, cx + 150 * s, cy - 80 * s), fill=_shade(c, 30)
    )
    d.ellipse((cx - 132 * s, cy - 132 * s, cx + 132 * s, cy - 88 * s), fill=drink)
    for i in (-1, 0, 1):  # steam
        x = cx + i * 55 * s
        d.arc(
            (x - 25 * s, cy - 300 * s, x + 25 * s, cy - 200 * s),
            90,
            270,
            fill=(255, 255, 255),
            width=5,
        )


def _box(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    d.polygon(
        (
            (cx - 160 * s, cy - 150 * s),
            (cx + 120 * s, cy - 150 * s),
            (cx + 190 * s, cy - 200 * s),
            (cx - 90 * s, cy - 200 * s),
        ),
        fill=_shade(c, 35),
    )
    d.polygon(
        (
            (cx + 120 * s, cy - 150 * s),
            (cx + 190 * s, cy - 200 * s),
            (cx + 190 * s, cy + 170 * s),
            (cx + 120 * s, cy + 220 * s),
        ),
        fill=_shade(c, -40),
    )
    d.rectangle((cx - 160 * s, cy - 150 * s, cx + 120 * s, cy + 220 * s), fill=c)
    d.ellipse(
        (cx - 100 * s, cy - 60 * s, cx + 60 * s, cy + 100 * s), fill=(248, 244, 232)
    )
    d.polygon(
        (
            (cx - 20 * s, cy - 30 * s),
            (cx + 30 * s, cy + 20 * s),
            (cx - 20 * s, cy + 70 * s),
            (cx - 70 * s, cy + 20 * s),
        ),
        fill=(70, 130, 60),
    )


def _pot(img, cx, cy, s, c, rng):
    clay = _mix(c, (150, 80, 45), 0.6)
    d = ImageDraw.Draw(img)
    d.ellipse(
        (cx - 230 * s, cy - 140 * s, cx + 230 * s, cy + 220 * s),
        fill=clay,
        outline=_shade(clay, -45),
        width=4,
    )
    d.ellipse(
        (cx - 170 * s, cy - 175 * s, cx + 170 * s, cy - 105 * s), fill=_shade(clay, -45)
    )
    d.ellipse(
        (cx - 150 * s, cy - 165 * s, cx + 150 * s, cy - 115 * s), fill=_shade(clay, -80)
    )
    for side in (-1, 1):
        d.ellipse(
            (
                cx + side * 250 * s - 30 * s,
                cy - 70 * s,
                cx + side * 250 * s + 30 * s,
                cy - 20 * s,
            ),
            fill=_shade(clay, -30),
        )


def _vase(img, cx, cy, s, c, rng):
    body = _mix(c, (40, 30, 28), 0.55)
    d = ImageDraw.Draw(img)
    d.ellipse((cx - 200 * s, cy - 40 * s, cx + 200 * s, cy + 260 * s), fill=body)
    d.ellipse((cx - 110 * s, cy - 190 * s, cx + 110 * s, cy + 10 * s), fill=body)
    d.rectangle((cx - 40 * s, cy - 290 * s, cx + 40 * s, cy - 150 * s), fill=body)
    d.ellipse(
        (cx - 55 * s, cy - 305 * s, cx + 55 * s, cy - 275 * s), fill=_shade(body, 30)
    )
    for i in range(6):  # incised motif
        a = cy + 60 * s + i * 22 * s
        d.arc(
            (cx - 150 * s, a - 40 * s, cx + 150 * s, a + 40 * s),
            20,
            160,
            fill=(214, 175, 70),
            width=3,
        )


def _pillow(img, cx, cy, s, c, rng, *, motif=None):
    _fill(
        img,
        lambda d: d.rounded_rectangle(
            (cx - 250 * s, cy - 170 * s, cx + 250 * s, cy + 170 * s),
            radius=int(70 * s),
            fill=255,
        ),
        c,
        rng.randrange(4) if motif is None else motif,
    )
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (cx - 215 * s, cy - 135 * s, cx + 215 * s, cy + 135 * s),
        radius=int(50 * s),
        outline=_shade(c, -45),
        width=5,
    )


def _bed(img, cx, cy, s, c, rng):
    wood = (120, 80, 50)
    d = ImageDraw.Draw(img)
    d.rectangle((cx - 300 * s, cy - 230 * s, cx + 300 * s, cy + 40 * s), fill=wood)
    d.rectangle(
        (cx - 320 * s, cy + 40 * s, cx + 320 * s, cy + 170 * s), fill=(250, 248, 240)
    )
    _fill(
        img,
        lambda m: m.rectangle(
            (cx - 320 * s, cy + 80 * s, cx + 320 * s, cy + 230 * s), fill=255
        ),
        c,
        rng.randrange(3),
    )
    for side in (-1, 1):
        d.rounded_rectangle(
            (
                cx + side * 150 * s - 120 * s,
                cy - 20 * s,
                cx + side * 150 * s + 120 * s,
                cy + 70 * s,
            ),
            radius=int(30 * s),
            fill=_mix(c, (255, 255, 255), 0.6),
        )
    d.rectangle((cx - 320 * s, cy + 230 * s, cx - 290 * s, cy + 280 * s), fill=wood)
    d.rectangle((cx + 290 * s, cy + 230 * s, cx + 320 * s, cy + 280 * s), fill=wood)


def _towel(img, cx, cy, s, c, rng):
    for i, dy in enumerate((120, 30, -60)):
        tone = _shade(c, -15 * i)
        d = ImageDraw.Draw(img)
        d.rounded_rectangle(
            (cx - 220 * s, cy + (dy - 45) * s, cx + 220 * s, cy + (dy + 45) * s),
            radius=int(40 * s),
            fill=tone,
            outline=_shade(tone, -40),
            width=3,
        )
        d.line(
            (cx - 190 * s, cy + (dy + 25) * s, cx + 190 * s, cy + (dy + 25) * s),
            fill=_shade(tone, 40),
            width=6,
        )


def _lamp(img, cx, cy, s, c, rng, *, diya=False):
    brass = (196, 150, 60) if not diya else (176, 96, 58)
    d = ImageDraw.Draw(img)
    if diya:
        d.chord(
            (cx - 220 * s, cy - 60 * s, cx + 220 * s, cy + 200 * s), 0, 180, fill=brass
        )
        d.polygon(
            (
                (cx + 180 * s, cy + 60 * s),
                (cx + 280 * s, cy + 30 * s),
                (cx + 200 * s, cy + 110 * s),
            ),
            fill=brass,
        )
        flame_x, flame_y = cx + 250 * s, cy - 10 * s
        for i in range(6):
            x = cx + (i - 2.5) * 60 * s
            d.ellipse((x - 12 * s, cy + 90 * s, x + 12 * s, cy + 114 * s), fill=c)
    else:
        d.rectangle((cx - 40 * s, cy - 20 * s, cx + 40 * s, cy + 200 * s), fill=brass)
        d.ellipse((cx - 160 * s, cy + 180 * s, cx + 160 * s, cy + 250 * s), fill=brass)
        d.ellipse(
            (cx - 130 * s, cy - 120 * s, cx + 130 * s, cy + 20 * s),
            fill=_shade(brass, 20),
        )
        d.ellipse((cx - 90 * s, cy - 100 * s, cx + 90 * s, cy - 50 * s), fill=c)
        flame_x, flame_y = cx, cy - 150 * s
    d.ellipse(
        (flame_x - 60 * s, flame_y - 90 * s, flame_x + 60 * s, flame_y + 40 * s),
        fill=(255, 232, 150),
    )
    d.polygon(
        (
            (flame_x, flame_y - 110 * s),
            (flame_x + 30 * s, flame_y + 10 * s),
            (flame_x - 30 * s, flame_y + 10 * s),
        ),
        fill=(255, 160, 40),
    )


def _lantern(img, cx, cy, s, c, rng):
    red = c if c[0] > 120 else (190, 30, 35)
    d = ImageDraw.Draw(img)
    d.line((cx, cy - 330 * s, cx, cy - 220 * s), fill=(60, 40, 30), width=5)
    d.rectangle(
        (cx - 90 * s, cy - 230 * s, cx + 90 * s, cy - 190 * s), fill=(214, 175, 70)
    )
    d.ellipse((cx - 230 * s, cy - 200 * s, cx + 230 * s, cy + 200 * s), fill=red)
    for x in (-140, -60, 60, 140):
        d.arc(
            (cx + x * s - 90 * s, cy - 200 * s, cx + x * s + 90 * s, cy + 200 * s),
            90 if x < 0 else 270,
            270 if x < 0 else 90,
            fill=_shade(red, -50),
            width=4,
        )
    d.rectangle(
        (cx - 90 * s, cy + 190 * s, cx + 90 * s, cy + 230 * s), fill=(214, 175, 70)
    )
    for i in range(7):
        x = cx + (i - 3) * 22 * s
        d.line((x, cy + 230 * s, x, cy + 320 * s), fill=(214, 175, 70), width=4)


def _book(img, cx, cy, s, c, rng, *, notebook=False):
    d = ImageDraw.Draw(img)
    d.rectangle(
        (cx - 170 * s, cy - 240 * s, cx + 190 * s, cy + 250 * s), fill=(240, 236, 224)
    )
    _fill(
        img,
        lambda m: m.rectangle(
            (cx - 200 * s, cy - 260 * s, cx + 170 * s, cy + 240 * s), fill=255
        ),
        c,
        rng.randrange(4) if notebook else None,
    )
    d.rectangle(
        (cx - 200 * s, cy - 260 * s, cx - 160 * s, cy + 240 * s), fill=_shade(c, -45)
    )
    if not notebook:
        d.rectangle(
            (cx - 110 * s, cy - 160 * s, cx + 120 * s, cy - 40 * s),
            fill=(248, 244, 232),
        )
        for i in range(3):
            d.line(
                (
                    cx - 90 * s,
                    cy - 135 * s + i * 35 * s,
                    cx + 100 * s,
                    cy - 135 * s + i * 35 * s,
                ),
                fill=_shade(c, -30),
                width=6,
            )


def _envelope(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    for i, (dx, dy) in enumerate(((-60, -50), (40, 40))):
        tone = _shade(c, -20 * i)
        box = (
            cx + (dx - 160) * s,
            cy + (dy - 220) * s,
            cx + (dx + 160) * s,
            cy + (dy + 220) * s,
        )
        d.rectangle(box, fill=tone, outline=_shade(tone, -50), width=3)
        d.polygon(
            (
                (box[0], box[1]),
                (box[2], box[1]),
                ((box[0] + box[2]) / 2, box[1] + 130 * s),
            ),
            fill=_shade(tone, -25),
        )
        d.ellipse(
            (
                (box[0] + box[2]) / 2 - 35 * s,
                box[1] + 100 * s,
                (box[0] + box[2]) / 2 + 35 * s,
                box[1] + 170 * s,
            ),
            fill=(214, 175, 70),
        )


def _kite(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    d.line((cx, cy - 300 * s, cx, cy + 300 * s), fill=(110, 80, 50), width=6)
    d.polygon(
        (
            (cx, cy - 280 * s),
            (cx + 280 * s, cy - 60 * s),
            (cx + 60 * s, cy + 20 * s),
            (cx - 60 * s, cy + 20 * s),
            (cx - 280 * s, cy - 60 * s),
        ),
        fill=c,
    )
    d.pieslice(
        (cx - 260 * s, cy - 40 * s, cx + 260 * s, cy + 300 * s),
        0,
        180,
        fill=_shade(c, -30),
    )
    d.pieslice(
        (cx - 170 * s, cy - 20 * s, cx + 170 * s, cy + 200 * s),
        0,
        180,
        fill=(238, 228, 200),
    )
    for i in range(4):
        r = (60 + i * 40) * s
        d.arc(
            (cx - r, cy - 170 * s - r / 2, cx + r, cy - 170 * s + r / 2),
            200,
            340,
            fill=(214, 175, 70),
            width=4,
        )


def _top(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    d.ellipse(
        (cx - 240 * s, cy - 130 * s, cx + 240 * s, cy + 90 * s),
        fill=c,
        outline=_shade(c, -50),
        width=5,
    )
    d.polygon(
        ((cx - 200 * s, cy), (cx + 200 * s, cy), (cx, cy + 260 * s)),
        fill=_shade(c, -30),
    )
    d.rectangle(
        (cx - 16 * s, cy - 210 * s, cx + 16 * s, cy - 100 * s), fill=(90, 60, 35)
    )
    for r in (180, 120, 60):
        d.ellipse(
            (
                cx - r * s,
                cy - 20 * s - r * 0.35 * s,
                cx + r * s,
                cy - 20 * s + r * 0.35 * s,
            ),
            outline=(214, 175, 70),
            width=4,
        )


def _ball(img, cx, cy, s, c, rng):
    rattan = _mix(c, (206, 170, 110), 0.7)
    d = ImageDraw.Draw(img)
    d.ellipse(
        (cx - 230 * s, cy - 230 * s, cx + 230 * s, cy + 230 * s),
        fill=rattan,
        outline=_shade(rattan, -60),
        width=6,
    )
    for i in range(6):
        a = i * 30
        d.arc(
            (
                cx - 230 * s,
                cy - 230 * s + i * 20 * s,
                cx + 230 * s,
                cy + 230 * s - i * 20 * s,
            ),
            a,
            a + 180,
            fill=_shade(rattan, -50),
            width=8,
        )
    for i in range(5):
        r = 60 * s
        x = cx + _COS[i] * 120 * s
        y = cy + _SIN[i] * 120 * s
        d.ellipse((x - r, y - r, x + r, y + r), outline=_shade(rattan, -70), width=6)


def _board(img, cx, cy, s, c, rng):
    wood = _mix(c, (150, 96, 55), 0.65)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (cx - 330 * s, cy - 110 * s, cx + 330 * s, cy + 110 * s),
        radius=int(100 * s),
        fill=wood,
        outline=_shade(wood, -50),
        width=5,
    )
    for row in (-1, 1):
        for i in range(7):
            x = cx + (i - 3) * 62 * s
            y = cy + row * 45 * s
            d.ellipse(
                (x - 24 * s, y - 24 * s, x + 24 * s, y + 24 * s), fill=_shade(wood, -60)
            )
    for side in (-1, 1):
        x = cx + side * 275 * s
        d.ellipse(
            (x - 40 * s, cy - 60 * s, x + 40 * s, cy + 60 * s), fill=_shade(wood, -60)
        )
    for _ in range(10):
        x = cx + rng.uniform(-200, 200) * s
        y = cy + rng.choice((-45, 45)) * s
        d.ellipse((x - 9 * s, y - 9 * s, x + 9 * s, y + 9 * s), fill=(240, 236, 226))


def _handbag(img, cx, cy, s, c, rng, *, songket=False):
    d = ImageDraw.Draw(img)
    d.arc(
        (cx - 140 * s, cy - 300 * s, cx + 140 * s, cy - 20 * s),
        180,
        360,
        fill=_shade(c, -50),
        width=int(22 * s),
    )
    _fill(
        img,
        lambda m: m.polygon(
            (
                (cx - 230 * s, cy - 150 * s),
                (cx + 230 * s, cy - 150 * s),
                (cx + 280 * s, cy + 220 * s),
                (cx - 280 * s, cy + 220 * s),
            ),
            fill=255,
        ),
        c,
        3 if songket else None,
    )
    d.rectangle(
        (cx - 230 * s, cy - 150 * s, cx + 230 * s, cy - 100 * s), fill=_shade(c, -35)
    )
    d.rounded_rectangle(
        (cx - 30 * s, cy - 115 * s, cx + 30 * s, cy - 70 * s),
        radius=int(8 * s),
        fill=(214, 175, 70),
    )


def _wallet(img, cx, cy, s, c, rng):
    _fill(
        img,
        lambda m: m.rounded_rectangle(
            (cx - 280 * s, cy - 160 * s, cx + 280 * s, cy + 160 * s),
            radius=int(30 * s),
            fill=255,
        ),
        c,
        rng.randrange(3),
    )
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (cx - 10 * s, cy - 160 * s, cx + 280 * s, cy + 40 * s),
        radius=int(30 * s),
        fill=_shade(c, -40),
    )
    d.ellipse(
        (cx + 200 * s, cy - 30 * s, cx + 240 * s, cy + 10 * s), fill=(214, 175, 70)
    )


def _phone(img, cx, cy, s, c, rng):
    _fill(
        img,
        lambda m: m.rounded_rectangle(
            (cx - 150 * s, cy - 290 * s, cx + 150 * s, cy + 290 * s),
            radius=int(50 * s),
            fill=255,
        ),
        c,
        rng.randrange(4),
    )
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (cx - 120 * s, cy - 260 * s, cx - 20 * s, cy - 160 * s),
        radius=int(24 * s),
        fill=(30, 30, 34),
    )
    for dx, dy in ((-95, -235), (-45, -235), (-70, -185)):
        d.ellipse(
            (
                cx + (dx - 16) * s,
                cy + (dy - 16) * s,
                cx + (dx + 16) * s,
                cy + (dy + 16) * s,
            ),
            fill=(70, 80, 95),
        )


def _racket(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    d.line((cx, cy + 40 * s, cx, cy + 300 * s), fill=(60, 60, 66), width=int(18 * s))
    d.rectangle((cx - 18 * s, cy + 210 * s, cx + 18 * s, cy + 320 * s), fill=c)
    d.ellipse(
        (cx - 150 * s, cy - 300 * s, cx + 150 * s, cy + 60 * s),
        outline=c,
        width=int(18 * s),
    )
    for i in range(-5, 6):
        d.line(
            (cx + i * 24 * s, cy - 280 * s, cx + i * 24 * s, cy + 40 * s),
            fill=(235, 235, 235),
            width=2,
        )
        d.line(
            (
                cx - 140 * s,
                cy - 120 * s + i * 30 * s,
                cx + 140 * s,
                cy - 120 * s + i * 30 * s,
            ),
            fill=(235, 235, 235),
            width=2,
        )


def _shuttle(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    d.polygon(
        (
            (cx - 150 * s, cy - 220 * s),
            (cx + 150 * s, cy - 220 * s),
            (cx + 60 * s, cy + 120 * s),
            (cx - 60 * s, cy + 120 * s),
        ),
        fill=(250, 250, 250),
        outline=(180, 180, 180),
    )
    for i in range(-3, 4):
        d.line(
            (cx + i * 45 * s, cy - 220 * s, cx + i * 15 * s, cy + 120 * s),
            fill=(200, 200, 200),
            width=3,
        )
    d.rectangle((cx - 70 * s, cy + 60 * s, cx + 70 * s, cy + 90 * s), fill=c)
    d.chord(
        (cx - 75 * s, cy + 60 * s, cx + 75 * s, cy + 220 * s),
        0,
        180,
        fill=(245, 240, 225),
    )


def _ketupat(img, cx, cy, s, c, rng):
    leaf = _mix(c, (120, 160, 60), 0.7)
    d = ImageDraw.Draw(img)
    d.polygon(
        (
            (cx, cy - 230 * s),
            (cx + 230 * s, cy),
            (cx, cy + 230 * s),
            (cx - 230 * s, cy),
        ),
        fill=leaf,
        outline=_shade(leaf, -60),
    )
    for i in range(-3, 4):
        o = i * 60 * s
        d.line(
            (cx - 115 * s + o, cy - 115 * s - o, cx + 115 * s + o, cy + 115 * s - o),
            fill=_shade(leaf, -45),
            width=5,
        )
        d.line(
            (cx + 115 * s + o, cy - 115 * s + o, cx - 115 * s + o, cy + 115 * s + o),
            fill=_shade(leaf, 30),
            width=5,
        )
    d.line((cx, cy - 230 * s, cx + 60 * s, cy - 330 * s), fill=leaf, width=8)


def _hamper(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    _jar(img, cx - 110 * s, cy - 90 * s, s * 0.55, c, rng, content=(150, 90, 40))
    _bottle(img, cx + 120 * s, cy - 120 * s, s * 0.55, _shade(c, -20), rng)
    wicker = (196, 150, 90)
    d.polygon(
        (
            (cx - 300 * s, cy + 20 * s),
            (cx + 300 * s, cy + 20 * s),
            (cx + 240 * s, cy + 280 * s),
            (cx - 240 * s, cy + 280 * s),
        ),
        fill=wicker,
    )
    for i in range(6):
        y = cy + 40 * s + i * 40 * s
        d.line(
            (cx - 290 * s + i * 10 * s, y, cx + 290 * s - i * 10 * s, y),
            fill=_shade(wicker, -40),
            width=4,
        )
    d.rectangle((cx - 300 * s, cy + 10 * s, cx + 300 * s, cy + 50 * s), fill=c)


def _frame(img, cx, cy, s, c, rng):
    wood = (110, 70, 40)
    d = ImageDraw.Draw(img)
    d.rectangle((cx - 240 * s, cy - 280 * s, cx + 240 * s, cy + 280 * s), fill=wood)
    d.rectangle(
        (cx - 200 * s, cy - 240 * s, cx + 200 * s, cy + 240 * s),
        fill=_mix(c, (240, 236, 224), 0.8),
    )
    for i in range(5):  # flowing lines of calligraphy
        y = cy - 150 * s + i * 70 * s
        d.arc(
            (cx - 150 * s, y - 40 * s, cx + 150 * s, y + 40 * s),
            200 + i * 10,
            340,
            fill=_shade(c, -40),
            width=7,
        )


def _keris(img, cx, cy, s, c, rng):
    d = ImageDraw.Draw(img)
    points = [
        (cx - 30 * s + (12 * s if i % 2 else -12 * s), cy - 280 * s + i * 40 * s)
        for i in range(8)
    ]
    blade = points + [(cx + 30 * s, cy + 40 * s), (cx + 30 * s, cy - 200 * s)]
    d.polygon(blade, fill=(170, 175, 180), outline=(100, 100, 110))
    d.rectangle(
        (cx - 90 * s, cy + 40 * s, cx + 90 * s, cy + 80 * s), fill=(214, 175, 70)
    )
    d.polygon(
        (
            (cx - 30 * s, cy + 80 * s),
            (cx + 50 * s, cy + 80 * s),
            (cx + 110 * s, cy + 280 * s),
            (cx + 20 * s, cy + 290 * s),
        ),
        fill=(110, 70, 40),
    )


def _mat(img, cx, cy, s, c, rng):
    _fill(
        img,
        lambda m: m.polygon(
            (
                (cx - 330 * s, cy - 60 * s),
                (cx + 230 * s, cy - 200 * s),
                (cx + 330 * s, cy + 120 * s),
                (cx - 230 * s, cy + 260 * s),
            ),
            fill=255,
        ),
        _mix(c, (200, 170, 110), 0.6),
        2,
    )
    d = ImageDraw.Draw(img)
    d.ellipse(
        (cx + 180 * s, cy - 240 * s, cx + 340 * s, cy - 40 * s),
        fill=_mix(c, (200, 170, 110), 0.5),
        outline=_shade(c, -40),
        width=4,
    )


DRAWINGS: dict[str, Draw] = {
    "shirt": _shirt,
    "batik-shirt": lambda i, x, y, s, c, r: _shirt(
        i, x, y, s, c, r, motif=r.randrange(3)
    ),
    "jersey": lambda i, x, y, s, c, r: _shirt(i, x, y, s, c, r, collar="v"),
    "kurung": _kurung,
    "songkok": _songkok,
    "cloth": _cloth,
    "songket": lambda i, x, y, s, c, r: _cloth(i, x, y, s, c, r, songket=True),
    "scarf": _scarf,
    "jar": _jar,
    "sambal": lambda i, x, y, s, c, r: _jar(i, x, y, s, c, r, content=(168, 36, 24)),
    "honey": lambda i, x, y, s, c, r: _jar(i, x, y, s, c, r, content=(214, 150, 40)),
    "bottle": _bottle,
    "perfume": lambda i, x, y, s, c, r: _bottle(i, x, y, s, c, r, perfume=True),
    "soap": _soap,
    "pouch": _pouch,
    "cup": _cup,
    "tea": lambda i, x, y, s, c, r: _cup(i, x, y, s, c, r, drink=(176, 110, 50)),
    "box": _box,
    "pot": _pot,
    "vase": _vase,
    "pillow": _pillow,
    "bed": _bed,
    "towel": _towel,
    "lamp": _lamp,
    "diya": lambda i, x, y, s, c, r: _lamp(i, x, y, s, c, r, diya=True),
    "lantern": _lantern,
    "book": _book,
    "notebook": lambda i, x, y, s, c, r: _book(i, x, y, s, c, r, notebook=True),
    "envelope": _envelope,
    "kite": _kite,
    "top": _top,
    "ball": _ball,
    "board": _board,
    "handbag": _handbag,
    "songket-bag": lambda i, x, y, s, c, r: _handbag(i, x, y, s, c, r, songket=True),
    "wallet": _wallet,
    "phone": _phone,
    "racket": _racket,
    "shuttle": _shuttle,
    "ketupat": _ketupat,
    "hamper": _hamper,
    "frame": _frame,
    "keris": _keris,
    "mat": _mat,
}

# Words of a product's name that say what it is, most telling first.
NAME_WORDS: tuple[tuple[str, str], ...] = (
    ("buku mewarna", "book"),
    ("beg raket", "handbag"),
    ("jersi", "jersey"),
    ("minyak wangi", "perfume"),
    ("sudip", "pot"),
    ("songkok", "songkok"),
    ("hamper", "hamper"),
    ("tanglung", "lantern"),
    ("lampu diya", "diya"),
    ("diya", "diya"),
    ("pelita", "lamp"),
    ("lampu", "lamp"),
    ("ketupat", "ketupat"),
    ("sampul", "envelope"),
    ("ang pow", "envelope"),
    ("kad", "envelope"),
    ("bantal", "pillow"),
    ("cadar", "bed"),
    ("selimut", "bed"),
    ("tuala", "towel"),
    ("tikar", "mat"),
    ("wau", "kite"),
    ("gasing", "top"),
    ("congkak", "board"),
    ("sepak raga", "ball"),
    ("takraw", "ball"),
    ("raket", "racket"),
    ("shuttlecock", "shuttle"),
    ("jaring", "racket"),
    ("beg raket", "handbag"),
    ("keris", "keris"),
    ("bingkai", "frame"),
    ("cermin", "frame"),
    ("puzzle", "board"),
    ("batu seremban", "board"),
    ("labu", "vase"),
    ("pasu", "vase"),
    ("terenang", "vase"),
    ("piring", "pot"),
    ("bekas lilin", "diya"),
    ("periuk", "pot"),
    ("kuali", "pot"),
    ("lesung", "pot"),
    ("tudung saji", "mat"),
    ("tingkat", "box"),
    ("cawan", "cup"),
    ("pinggan", "pot"),
    ("sudip", "keris"),
    ("acuan", "pot"),
    ("kotak", "box"),
    ("ukiran", "frame"),
    ("madu", "honey"),
    ("sabun", "soap"),
    ("minyak", "bottle"),
    ("serum", "bottle"),
    ("krim", "jar"),
    ("bedak", "jar"),
    ("jamu", "bottle"),
    ("air misai", "bottle"),
    ("attar", "perfume"),
    ("wangi", "perfume"),
    ("perfume", "perfume"),
    ("parfum", "perfume"),
    ("bukhur", "diya"),
    ("teh tarik", "tea"),
    ("teh", "tea"),
    ("kopi", "cup"),
    ("coffee", "cup"),
    ("sambal", "sambal"),
    ("cili", "sambal"),
    ("budu", "bottle"),
    ("kicap", "bottle"),
    ("cincalok", "jar"),
    ("serunding", "jar"),
    ("pes", "sambal"),
    ("dompet", "wallet"),
    ("beg", "handbag"),
    ("tote", "handbag"),
    ("clutch", "songket-bag"),
    ("sarung telefon", "phone"),
    ("powerbank", "phone"),
    ("kabel", "phone"),
    ("pemegang telefon", "phone"),
    ("earbud", "phone"),
    ("buku nota", "notebook"),
    ("penanda", "notebook"),
    ("pen", "notebook"),
    ("buku", "book"),
    ("panduan", "book"),
    ("hikayat", "book"),
    ("pantun", "book"),
    ("kamus", "book"),
    ("resepi", "book"),
    ("jersi", "jersey"),
    ("kurung", "kurung"),
    ("kebaya", "kurung"),
    ("jubah", "kurung"),
    ("romper", "batik-shirt"),
    ("baju melayu", "shirt"),
    ("kemeja", "batik-shirt"),
    ("batik shirt", "batik-shirt"),
    ("sampin", "songket"),
    ("songket", "songket"),
    ("pua", "songket"),
    ("tenun", "songket"),
    ("sarong", "cloth"),
    ("kain", "cloth"),
    ("tudung", "scarf"),
    ("shawl", "scarf"),
    ("bawal", "scarf"),
    ("murukku", "jar"),
    ("kolam", "envelope"),
    ("rangoli", "jar"),
    ("bunga plum", "vase"),
    ("kuih", "jar"),
    ("dodol", "jar"),
    ("kerepek", "jar"),
    ("rempeyek", "jar"),
    ("tart", "jar"),
    ("biskut", "jar"),
    ("amplang", "jar"),
    ("keropok", "jar"),
)
# The family's drawing when no word of the name says more.
KIND_DRAWINGS: dict[str, str] = {
    "BKR": "kurung",
    "BML": "shirt",
    "BTK": "batik-shirt",
    "SRG": "cloth",
    "TDG": "scarf",
    "KUI": "jar",
    "KOP": "pouch",
    "TEH": "box",
    "SBL": "sambal",
    "DPR": "pot",
    "DEC": "vase",
    "LIN": "bed",
    "SGK": "songket",
    "KYU": "box",
    "TBR": "vase",
    "SKN": "bottle",
    "JMU": "bottle",
    "ATR": "perfume",
    "KDS": "shirt",
    "MNN": "top",
    "BKU": "book",
    "ATK": "notebook",
    "RAY": "lamp",
    "CNY": "lantern",
    "DPV": "diya",
    "BEG": "handbag",
    "GAD": "phone",
    "SPT": "ball",
    "JRS": "jersey",
}
# A second view of the same purchase (the bag of kopi, then the cup).
COMPANIONS: dict[str, str] = {
    "cup": "pouch",
    "pouch": "cup",
    "tea": "box",
    "box": "tea",
}


def drawing_for(*, name: str, kind: str) -> str:
    """The drawing that shows ``name`` best (see NAME_WORDS, KIND_DRAWINGS)."""
    lowered = f" {name.lower()} "
    for word, drawing in NAME_WORDS:
        if f" {word} " in lowered:
            return drawing
    return KIND_DRAWINGS.get(kind, "box")
