"""Generated demo records: a pure function of the seed."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from typing import TypeVar

from django.utils.text import slugify

from kedai.catalog.demo.data import (
    CLOSINGS,
    ENDINGS,
    INTROS,
    NAME_EDITIONS,
    NAME_PRICES,
    PALETTE,
    TAX_CLASSES,
    TREE,
    Axis,
    Kind,
    Leaf,
)

DEFAULT_PRODUCTS = 200
DEFAULT_SEED = 1957
T = TypeVar("T")

# --- Generated records ----------------------------------------------------------


@dataclass(frozen=True)
class DemoCategory:
    name: str
    slug: str
    parent_slug: str | None
    position: int
    description: str
    colour: str


@dataclass(frozen=True)
class DemoVariant:
    sku: str
    options: tuple[str, str, str]
    price: Decimal
    compare_at_price: Decimal | None
    stock: int
    weight_grams: int
    dimensions: tuple[Decimal, Decimal, Decimal]  # length, width, height (cm)
    is_active: bool = True


@dataclass(frozen=True)
class DemoProduct:
    number: int  # 1-based position in the generated sequence
    name: str
    slug: str
    category_slug: str
    description: str
    tax_code: str
    option_names: tuple[str, str, str]
    variants: tuple[DemoVariant, ...]
    colour: str  # background of its picture

    @property
    def price(self) -> Decimal | None:
        """Lowest price among active variants (what listings show)."""
        prices = [v.price for v in self.variants if v.is_active]
        return min(prices) if prices else None

    @property
    def price_max(self) -> Decimal | None:
        prices = [v.price for v in self.variants if v.is_active]
        return max(prices) if prices else None

    @property
    def in_stock(self) -> bool:
        return any(v.is_active and v.stock > 0 for v in self.variants)


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`demo_shop_load` wrote."""

    seed: int
    categories: int
    products: int
    variants: int
    images: int
    out_of_stock: int
    tax_classes: int = len(TAX_CLASSES)
    featured_products: tuple[int, ...] = field(default=(), repr=False)


def demo_categories() -> list[DemoCategory]:
    """The category tree, parents before children."""
    out: list[DemoCategory] = []
    for i, root in enumerate(TREE):
        out.append(DemoCategory(root.name, root.slug, None, i, root.description,
                                root.colour))
        for j, leaf in enumerate(root.leaves):
            out.append(DemoCategory(leaf.name, leaf.slug, root.slug, j,
                                    f"{leaf.name} from {root.name.lower()}.",
                                    root.colour))
    return out


def demo_products(*, count: int, seed: int) -> Iterator[DemoProduct]:
    """Yield ``count`` products; the same seed always yields the same ones.

    Names and slugs come from the category's product families; every SKU is
    ``KD-<family>-<serial>[-<option codes>]`` and is unique, as is every slug.
    Prices are Decimal ringgit ending in .00, .50 or .90. No database access.
    """
    rng = random.Random(seed)
    leaves = [leaf for root in TREE for leaf in root.leaves]
    cumulative = list(accumulate(leaf.weight for leaf in leaves))
    serials: dict[str, int] = {}
    slugs = _SlugAllocator()
    namer = _NameAllocator()
    for number in range(1, count + 1):
        # The first round visits every category so that small shops have
        # something everywhere; after that, popular categories come up more.
        if number <= len(leaves):
            leaf = leaves[number - 1]
        else:
            leaf = leaves[bisect(cumulative, rng.random() * cumulative[-1])]
        kind = _pick_one(rng, leaf.kinds)
        serials[kind.code] = serial = serials.get(kind.code, 0) + 1
        yield _product(rng, number, serial, leaf, kind, slugs, namer)


class _SlugAllocator:
    """Hands out unique slugs: ``dodol-durian``, then ``dodol-durian-2``."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._next: dict[str, int] = {}

    def __call__(self, name: str) -> str:
        base = _slugify(name)
        slug, n = base, self._next.get(base, 1)
        while slug in self._used:
            n += 1
            slug = f"{base}-{n}"
        self._next[base] = n
        self._used.add(slug)
        return slug


class _NameAllocator:
    """Hands out product names no other demo product has.

    The name first asked for (``Dodol Durian Original``) when free; else
    the same product with the family's other qualifiers, then with an
    edition word (``Dodol Durian Original Warisan``); once every
    combination is taken, a model number (``… No. 2``). Uses no randomness,
    so the rest of the generated shop does not depend on it.
    """

    def __init__(self) -> None:
        self._used: set[str] = set()
        # Per name asked for: how far down its candidates are taken, and
        # the last model number given.
        self._cursor: dict[tuple[str, ...], int] = {}
        self._next: dict[str, int] = {}

    def __call__(self, base: str, qualifier: str, qualifiers: tuple[str, ...],
                 suffix: str) -> str:
        key = (base, qualifier, suffix, *qualifiers)
        candidates = _name_candidates(base, qualifier, qualifiers, suffix)
        for i in range(self._cursor.get(key, 0), len(candidates)):
            if candidates[i] not in self._used:
                self._cursor[key] = i + 1
                self._used.add(candidates[i])
                return candidates[i]
        self._cursor[key] = len(candidates)
        first = candidates[0]
        n = self._next.get(first, 1)
        while True:
            n += 1
            name = f"{first} No. {n}"
            if name not in self._used:
                self._next[first] = n
                self._used.add(name)
                return name


@lru_cache(maxsize=4096)
def _name_candidates(base: str, qualifier: str, qualifiers: tuple[str, ...],
                     suffix: str) -> tuple[str, ...]:
    start = qualifiers.index(qualifier) if qualifier in qualifiers else 0
    ordered = list(dict.fromkeys(
        [qualifier] + [qualifiers[(start + i) % len(qualifiers)]
                       for i in range(1, len(qualifiers))]))
    plain = [" ".join(p for p in (base, q, suffix) if p) for q in ordered]
    editions = [" ".join(p for p in (base, q, edition, suffix) if p)
                for edition in NAME_EDITIONS for q in ordered]
    return tuple(dict.fromkeys(plain + editions))


@lru_cache(maxsize=4096)
def _slugify(name: str) -> str:
    return slugify(name)[:200] or "product"


def _product(rng: random.Random, number: int, serial: int, leaf: Leaf,
             kind: Kind, slugs: _SlugAllocator, namer: _NameAllocator) -> DemoProduct:
    product_name = _pick_one(rng, kind.names)
    qualifier = _pick_one(rng, kind.qualifiers)
    single = not kind.axes or rng.random() < kind.single
    size = _pick_one(rng, kind.sizes_in_name) if single and kind.sizes_in_name else ""
    name = namer(product_name, qualifier, kind.qualifiers, size)

    base = _between(rng, *NAME_PRICES.get(product_name, kind.price))
    if base >= 100:
        base = base - base % 10 + _pick_one(rng, (5, 9))
    ending = _pick_one(rng, ENDINGS)
    discount = _pick_one(rng, (15, 20, 25, 30)) if rng.random() < 0.18 else 0
    sold_out = rng.random() < 0.06
    grams = max(50, kind.grams * _between(rng, 90, 110) // 100)
    dims = tuple(_tenths(_between(rng, d * 9, d * 11)) for d in kind.dims)

    axes = () if single else kind.axes
    chosen = [_pick(rng, axis) for axis in axes]
    combos: list[tuple[tuple[str, str, int, int], ...]] = [()]
    for values in chosen:
        combos = [c + (v,) for c in combos for v in values]
    code = f"KD-{kind.code}-{serial:04d}"
    variants = []
    for i, combo in enumerate(combos):
        whole, weight = base, grams
        for _, _, price_pct, weight_pct in combo:
            whole = (whole * price_pct + 50) // 100
            weight = (weight * weight_pct + 50) // 100
        compare = None
        if discount:
            compare = Decimal(f"{whole + max(3, whole * discount // 100)}{ending}")
        stock = 0 if sold_out or rng.random() < 0.12 else _between(
            rng, *_pick_one(rng, ((1, 9), (10, 60), (60, 250))))
        labels = [v[0] for v in combo] + ["", "", ""]
        variants.append(DemoVariant(
            sku="-".join([code, *(v[1] for v in combo)]),
            options=(labels[0], labels[1], labels[2]),
            price=Decimal(f"{whole}{ending}"),
            compare_at_price=compare,
            stock=stock,
            weight_grams=weight,
            dimensions=dims,  # type: ignore[arg-type]
            # A discontinued option now and then, never the first one.
            is_active=i == 0 or rng.random() >= 0.04,
        ))
    names = [axis.name for axis in axes] + ["", "", ""]
    return DemoProduct(
        number=number,
        name=name,
        slug=slugs(name),
        category_slug=leaf.slug,
        description=_description(rng, name, kind),
        tax_code=kind.tax,
        option_names=(names[0], names[1], names[2]),
        variants=tuple(variants),
        colour=_pick_one(rng, PALETTE),
    )


def _between(rng: random.Random, low: int, high: int) -> int:
    """A whole number in [low, high]; rng.randint is several times slower."""
    return low + int(rng.random() * (high - low + 1))


def _pick_one(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def _sample(rng: random.Random, n: int, k: int) -> list[int]:
    """``k`` distinct indices below ``n`` (rng.sample is slow on small input)."""
    pool = list(range(n))
    for i in range(k):
        j = i + int(rng.random() * (n - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


@lru_cache(maxsize=4096)
def _tenths(n: int) -> Decimal:
    return Decimal(n).scaleb(-1)


def _pick(rng: random.Random, axis: Axis) -> tuple[tuple[str, str, int, int], ...]:
    k = _between(rng, axis.min_k, min(axis.max_k, len(axis.values)))
    if axis.ordered:
        start = _between(rng, 0, len(axis.values) - k)
        return axis.values[start:start + k]
    picked = sorted(_sample(rng, len(axis.values), k))
    return tuple(axis.values[i] for i in picked)


def _description(rng: random.Random, name: str, kind: Kind) -> str:
    intro = _pick_one(rng, INTROS).format(name=name, blurb=kind.blurb,
                                           origin=_pick_one(rng, kind.origins))
    features = "\n".join(f"- {kind.features[i]}"
                         for i in _sample(rng, len(kind.features), 3))
    parts = [intro, f"**Details**\n\n{features}"]
    if kind.care:
        parts.append(f"*Care:* {kind.care}")
    closing = _pick_one(rng, CLOSINGS)
    if closing:
        parts.append(closing)
    return "\n\n".join(parts)


