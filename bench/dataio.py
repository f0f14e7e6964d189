"""Data downloads and uploads benchmark: 100,000 variants, CSV and XLSX.

Run by hand (not a test); figures depend on the machine::

    .venv/bin/python bench/dataio.py                    # 100,000 variants
    .venv/bin/python bench/dataio.py --variants 20000 --workdir /tmp/x

In a scratch directory (default /tmp/kedai-bench-dataio) it migrates a fresh
SQLite database and bulk-creates ``--variants`` variants (4 per product,
in one category), then measures, each step twice (once for wall time, once
under tracemalloc for the peak of Python allocations):

1. **CSV export** of the variants table through the same generator the
   download view streams (``exports.csv_chunks`` over
   ``values_list().iterator(chunk_size=2000)``), written to a file; and the
   same for the first 10 % of the rows, to show memory does not grow with
   the row count. Target: 100,000 rows in under 10 s, memory flat.
2. **XLSX export** (openpyxl write-only) of the same table.
3. **CSV import**: the exported file with every price raised, read
   (``sheet_read``), previewed (``upload_preview``) and applied
   (``upload_apply``, one transaction, with ``product_refresh``); the
   apply runs once, timed without tracemalloc.
4. **XLSX import**: the same with the XLSX file (prices raised again); its
   apply runs once under tracemalloc (slower) for the memory figure.

Peak RSS of the process (``resource.getrusage``) is printed at the end.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _setup(workdir: Path, variants: int) -> None:
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    os.environ["KEDAI_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kedai.conf.settings"
    os.environ["KEDAI_DATAIO_MAX_ROWS"] = str(max(variants, 200_000))
    os.environ["KEDAI_DATAIO_MAX_UPLOAD_BYTES"] = str(200 * 2**20)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from kedai.catalog.models import Category, Product, Variant

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        category = Category.objects.create(name="Bench", slug="bench")
        products = Product.objects.bulk_create(
            [Product(name=f"Batik shirt {i}", slug=f"batik-{i}", category=category,
                     option1_name="Size", description="Hand-drawn batik.")
             for i in range((variants + 3) // 4)], batch_size=2000)
        Variant.objects.bulk_create(
            [Variant(product=products[i // 4], sku=f"SKU-{i:07d}",
                     option1=("S", "M", "L", "XL")[i % 4],
                     price=Decimal("10.00") + i % 500, stock=i % 50,
                     weight_grams=300)
             for i in range(variants)], batch_size=2000)
    print(f"seeded {variants:,} variants in {time.perf_counter() - started:.1f} s")


def measure(label: str, fn: Callable[[], object]) -> object:
    """Run ``fn`` twice: timed, then under tracemalloc for the peak."""
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"| {label} | {seconds:.2f} s | {peak / 2**20:.1f} MiB |")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "kedai-bench-dataio")
    args = parser.parse_args()
    _setup(args.workdir, args.variants)

    from kedai.catalog.models import Variant
    from kedai.dataio.exports import csv_chunks, rows_of, xlsx_write
    from kedai.dataio.importers import upload_apply, upload_preview
    from kedai.dataio.readers import sheet_read
    from kedai.dataio.tables import TABLES

    table = TABLES["variants"]
    headers = table.headers()
    everything = {"date_from": None, "date_to": None, "text": ""}
    work = args.workdir
    csv_path, xlsx_path = work / "variants.csv", work / "variants.xlsx"

    def export_csv(limit: int | None = None) -> Callable[[], int]:
        def run() -> int:
            rows = rows_of(table, everything)
            if limit:
                rows = (row for _i, row in zip(range(limit), rows, strict=False))
            size = 0
            with csv_path.open("w", encoding="utf-8", newline="") as f:
                for piece in csv_chunks(headers, rows):
                    size += f.write(piece)
            return size
        return run

    print("\n| step | wall time | peak Python memory |\n|---|---|---|")
    tenth = args.variants // 10
    measure(f"CSV export, {tenth:,} rows", export_csv(tenth))
    size = measure(f"CSV export, {args.variants:,} rows", export_csv())
    measure(f"XLSX export, {args.variants:,} rows",
            lambda: xlsx_write(xlsx_path, headers, rows_of(table, everything)))
    print(f"\nCSV {int(size) / 2**20:.1f} MiB, "
          f"XLSX {xlsx_path.stat().st_size / 2**20:.1f} MiB\n")

    # Every price up by 1.00 in the CSV; by 2.00 in the XLSX.
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    price = rows[0].index("price")
    for row in rows[1:]:
        row[price] = str(Decimal(row[price]) + 1)
    edited_csv = work / "edited.csv"
    with edited_csv.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    for number, row in enumerate(rows):
        if number:
            row[price] = str(Decimal(row[price]) + 1)
        sheet.append(row)
    edited_xlsx = work / "edited.xlsx"
    book.save(edited_xlsx)
    del rows, book

    print("| step | wall time | peak Python memory |\n|---|---|---|")
    for label, path in (("CSV", edited_csv), ("XLSX", edited_xlsx)):
        loaded = measure(f"{label} read, {args.variants:,} rows",
                         lambda path=path: sheet_read(path))
        plan = measure(f"{label} preview", lambda loaded=loaded: upload_preview(
            kind="variants", sheet=loaded))
        assert not plan.errors and len(plan.changes) == args.variants, plan.errors[:3]
        # Applied once (a second run would find nothing to change): timed
        # for CSV, traced for XLSX (tracemalloc slows it down).
        traced = label == "XLSX"
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        upload_apply(kind="variants", sheet=loaded, actor="bench")
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
        tracemalloc.stop()
        print(f"| {label} apply{' (traced)' if traced else ''} | {seconds:.2f} s | "
              f"{f'{peak / 2**20:.1f} MiB' if traced else '–'} |")
    assert Variant.objects.get(sku="SKU-0000000").price == Decimal("12.00")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
