"""The demo's pictures show the product, and its names and prices read
like a real Malaysian shop's (issue 14)."""

from collections import Counter
from decimal import Decimal
from io import BytesIO

from PIL import Image

from kedai.catalog.demo import demo_products
from kedai.catalog.demo.data import NAME_PRICES, TREE
from kedai.catalog.demo.pictures import (
    COLOUR_NAMES,
    DRAWINGS,
    KIND_DRAWINGS,
    drawing_for,
    picture_colours,
    product_pictures,
)


def _image(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def test_every_family_and_name_has_a_drawing():
    for root in TREE:
        for leaf in root.leaves:
            for kind in leaf.kinds:
                assert KIND_DRAWINGS[kind.code] in DRAWINGS
                for name in kind.names:
                    assert drawing_for(name=name, kind=kind.code) in DRAWINGS


def test_names_choose_what_is_drawn():
    assert drawing_for(name="Songkok Baldu Hitam", kind="BML") == "songkok"
    assert drawing_for(name="Kopi Tenom Arabica 250g", kind="KOP") == "cup"
    assert drawing_for(name="Cadar Batik Premium", kind="LIN") == "bed"
    assert drawing_for(name="Sarung Bantal Batik", kind="LIN") == "pillow"
    assert drawing_for(name="Kain Songket Bunga Tabur", kind="SGK") == "songket"
    assert drawing_for(name="Sambal Belacan Pedas", kind="SBL") == "sambal"
    assert drawing_for(name="Beg Tangan Songket", kind="BEG") == "handbag"
    assert drawing_for(name="Something New", kind="BTK") == "batik-shirt"


def test_two_to_four_views_deterministic_and_different():
    views = product_pictures(name="Kemeja Batik Bunga Raya", kind="BTK",
                             colour="#7a1f3d", count=4, seed=3)
    again = product_pictures(name="Kemeja Batik Bunga Raya", kind="BTK",
                             colour="#7a1f3d", count=4, seed=3)
    assert views == again
    assert len(views) == 4 and len(set(views)) == 4
    for data in views:
        image = _image(data)
        assert image.format == "JPEG" and image.size == (800, 800)
        # A drawn picture, not a flat tile: many colours in use.
        assert len(image.convert("P", palette=Image.Palette.ADAPTIVE,
                                 colors=64).getcolors()) > 8
    assert len(product_pictures(name="Teh Halia", kind="TEH", colour="#2f5d50",
                                count=2)) == 2


def test_views_follow_the_colour_options():
    colours = picture_colours(colour="#000000", options=["Maroon", "Teal", "Maroon"])
    assert colours == [(0x7A, 0x1F, 0x3D), (0x1F, 0x7A, 0x80)]
    assert picture_colours(colour="#112233", options=["250g"]) == [(0x11, 0x22, 0x33)]
    maroon, teal = product_pictures(name="Tudung Bawal", kind="TDG", colour="#000000",
                                    options=["Maroon", "Teal"], count=2)

    def share(data, rgb):
        raw = _image(data).convert("RGB").resize((100, 100)).tobytes()
        pixels = [raw[i:i + 3] for i in range(0, len(raw), 3)]
        return sum(1 for p in pixels
                   if all(abs(a - b) < 30 for a, b in zip(p, rgb, strict=True)))

    assert share(maroon, (0x7A, 0x1F, 0x3D)) > share(maroon, (0x1F, 0x7A, 0x80))
    assert share(teal, (0x1F, 0x7A, 0x80)) > share(teal, (0x7A, 0x1F, 0x3D))
    assert set(COLOUR_NAMES) >= {v[0] for root in TREE for leaf in root.leaves
                                 for kind in leaf.kinds for axis in kind.axes
                                 if axis.name == "Colour" for v in axis.values}


def test_no_two_demo_products_share_a_name():
    for count in (200, 5000):
        names = [p.name for p in demo_products(count=count, seed=1957)]
        assert len(set(names)) == len(names), Counter(names).most_common(3)
    small = [p.name for p in demo_products(count=200, seed=1957)]
    assert not [n for n in small if " No. " in n]


def test_prices_fit_what_the_product_is():
    for product in demo_products(count=3000, seed=7):
        base = next((name for name in NAME_PRICES if product.name.startswith(name)),
                    None)
        if base is None:
            continue
        low, high = NAME_PRICES[base]
        # Options raise the price (a bigger pack, a king-size sheet) at most 4x.
        assert Decimal(low) <= product.price <= Decimal(high * 4 + 1), product.name
    cable = [p.price for p in demo_products(count=3000, seed=7)
             if p.name.startswith("Kabel USB-C")]
    assert cable and max(cable) < 40
