"""Translation catalogues without GNU gettext: extract, update, compile.

Django's ``makemessages`` and ``compilemessages`` call the gettext tools
(xgettext, msgmerge, msgfmt), which a server or CI image may not have.
Babel (already a dependency) does the same work in Python:

- :func:`messages_extract` reads every ``.py`` file and every template
  (``.html``, ``.txt``) under the ``kedai`` package. Templates go through
  Django's own ``templatize`` (what makemessages does before xgettext), so
  ``{% translate %}`` and ``{% blocktranslate %}`` give the same msgids.
- :func:`messages_update` merges the extracted strings into
  ``kedai/locale/<lang>/LC_MESSAGES/django.po``: new strings arrive with an
  empty translation, changed ones as fuzzy, removed ones are dropped.
- :func:`messages_compile` writes the ``.mo`` files Django reads (never
  committed; ``make`` and the test session build them).

See docs/translating.md for the workflow.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "django"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None, "gettext_noop": None, "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2), "npgettext_lazy": ((1, "c"), 2, 3),
}
TEMPLATE_SUFFIXES = (".html", ".txt")
_SKIPPED_DIRS = {"migrations", "__pycache__", "locale", "static"}
HEADER_COMMENT = """\
# Translation of Kedai.
# This file is distributed under the same licence as the Kedai project (MIT).
# Update with `make messages`, translate, then `make translations`
# (docs/translating.md).
#"""
_VOLATILE_HEADERS = tuple(f'"{field}:' for field in (
    "POT-Creation-Date", "PO-Revision-Date", "Report-Msgid-Bugs-To",
    "Last-Translator", "Language-Team"))


def _files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if not path.is_file() or _SKIPPED_DIRS & set(path.relative_to(root).parts):
            continue
        if path.suffix == ".py" or (path.suffix in TEMPLATE_SUFFIXES
                                    and "templates" in path.parts):
            yield path


def _python_source(path: Path) -> bytes:
    if path.suffix == ".py":
        return path.read_bytes()
    from django.utils.translation.template import templatize

    code = templatize(path.read_text("utf-8"), origin=str(path))
    # Template indentation survives as indentation the Python tokenizer
    # refuses; each call is on its own line, so drop it (lines stay put).
    return "\n".join(line.lstrip() for line in code.split("\n")).encode("utf-8")


def messages_extract(root: Path = PACKAGE_DIR) -> Catalog:
    """Every translatable string under ``root`` (a POT catalogue)."""
    catalog = Catalog(project="Kedai", domain=DOMAIN, fuzzy=False)
    for path in _files(root):
        where = path.relative_to(root.parent).as_posix()
        found = extract("python", io.BytesIO(_python_source(path)),
                        keywords=KEYWORDS, comment_tags=("Translators:",),
                        options={"encoding": "utf-8"}, strip_comment_tags=True)
        for lineno, message, comments, context in found:
            if not (message[0] if isinstance(message, tuple) else message):
                continue
            catalog.add(message, None, [(where, lineno)],
                        auto_comments=comments, context=context)
    return catalog


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_read(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def messages_update(language: str, *, template: Catalog | None = None) -> Catalog:
    """Merge the package's strings into ``language``'s .po file; return it."""
    template = template or messages_extract()
    path = po_path(language)
    if path.exists():
        catalog = catalog_read(language)
        catalog.update(template, no_fuzzy_matching=False,
                       update_header_comment=False)
        catalog.obsolete.clear()
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="Kedai",
                          fuzzy=False)
        catalog.update(template)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.header_comment = HEADER_COMMENT
    buffer = io.BytesIO()
    # No source locations: they change with every edit elsewhere and
    # would turn each merge into conflicts.
    write_po(buffer, catalog, width=79, no_location=True, omit_header=False,
             sort_output=False, ignore_obsolete=True)
    # Nor dates and placeholder fields that change on every run.
    lines = [line for line in buffer.getvalue().decode("utf-8").split("\n")
             if not line.startswith(_VOLATILE_HEADERS)]
    path.write_text("\n".join(lines), "utf-8")
    return catalog


def messages_compile(*, force: bool = False) -> list[Path]:
    """Write ``django.mo`` next to each ``django.po`` that is newer than it
    (or every one, ``force``); fuzzy and empty translations are left out,
    as msgfmt does. Returns the files written."""
    written = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        if (not force and mo.exists()
                and mo.stat().st_mtime >= po.stat().st_mtime):
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, domain=DOMAIN)
        tmp = mo.with_suffix(f".mo.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        tmp.replace(mo)  # atomic: a running server never reads half a file
        written.append(mo)
    return written


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strs(message) -> tuple[str, ...]:
    return (message.string if isinstance(message.string, tuple)
            else (message.string,))


def untranslated(catalog: Catalog) -> list[str]:
    """The msgids of ``catalog`` with an empty or fuzzy translation."""
    return [_ids(m)[0] for m in catalog if m.id and (
        m.fuzzy or not all(s for s in _strs(m)))]


def placeholders(text: str) -> list[str]:
    """The %-style (``%(name)s``, ``%s``) and brace (``{name}``)
    placeholders of ``text``, sorted."""
    import re

    found = re.findall(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sd]|\{\w*\}",
                       text.replace("%%", ""))
    return sorted(found)


def catalog_problems(language: str, *, template: Catalog | None = None) -> list[str]:
    """Why ``language`` is not complete: each string of the package that is
    missing from its .po file, untranslated, fuzzy, or translated with
    other placeholders. Empty when all is well."""
    template = template or messages_extract()
    catalog = catalog_read(language)
    problems = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        label = _ids(message)[0]
        if found is None:
            problems.append(f"missing: {label!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {label!r}")
        elif not all(s for s in _strs(found)):
            problems.append(f"untranslated: {label!r}")
        else:
            want = placeholders(_ids(message)[-1])
            for string in _strs(found):
                if placeholders(string) != want:
                    problems.append(f"placeholders differ: {label!r} -> {string!r}")
    return problems
