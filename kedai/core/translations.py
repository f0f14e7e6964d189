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
import re
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


# --- Text left out of gettext in templates ------------------------------------
# Words a template may show as they are: names, codes and units that read
# the same in every language.
# The last three: each language's name in itself, for the switch.
_OK_WORDS = (
    "RM MYR SST SKU TIN BRN NRIC SSM MSIC CSV XLSX JSON ZIP PDF HTML URL API "
    "UTF LHDN MyInvois UBL FPX Kedai Billplz iPay88 Stripe Fiuu senangPay Pos "
    "Laju Skynet EasyParcel GDEX DHL OpenAPI WhatsApp kg cm ml YYYY MM DD KD "
    "HTTP English Bahasa Melayu")
UNTRANSLATED_OK = frozenset(_OK_WORDS.split())
_RAW_BLOCK = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_VISIBLE_ATTRIBUTES = re.compile(
    r"""\s(?:alt|title|placeholder|aria-label|aria-description|label)"""
    r"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_WORD = re.compile(r"[A-Za-z]{2,}(?:['’-][A-Za-z]+)*")
_ENTITY = re.compile(r"&[#\w]+;")


def _template_skeleton(source: str) -> str:
    """``source`` with each template tag and variable replaced by a NUL and
    the text inside translate blocks, comments and verbatim blanked out
    (newlines kept, so positions map to lines)."""
    from django.template.base import Lexer, TokenType

    out = []
    inside: list[str] = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                inside.append(name)
            elif name in ("endblocktranslate", "endblocktrans", "endcomment",
                          "endverbatim") and inside:
                inside.pop()
            out.append("\0")
        elif token.token_type == TokenType.TEXT and not inside:
            out.append(token.contents)
        elif token.token_type == TokenType.TEXT:
            out.append("\n" * token.contents.count("\n"))
        else:
            out.append("\0")
    return "".join(out)


def template_untranslated_text(root: Path = PACKAGE_DIR) -> list[str]:
    """``path:line: words`` for each piece of template text that a reader
    sees and that is not inside ``{% translate %}`` / ``{% blocktranslate %}``
    (nor a comment, ``<script>``, ``<style>`` or ``{% verbatim %}``): text
    between tags and the attributes browsers show or read out (alt, title,
    placeholder, aria-label, label). A word of :data:`UNTRANSLATED_OK`
    is no finding; mark a deliberate exception with ``{# notranslate #}``
    on its line, or a whole template with ``{# notranslate-file #}``."""
    findings = []
    for path in _files(root):
        if path.suffix not in TEMPLATE_SUFFIXES:
            continue
        source = path.read_text("utf-8")
        if "notranslate-file" in source:
            continue
        skipped = {n for n, line in enumerate(source.splitlines(), 1)
                   if "notranslate" in line}
        text = _template_skeleton(source)
        pieces: list[tuple[int, str]] = []
        if path.suffix == ".txt":
            pieces = [(0, text)]
        else:
            text = _RAW_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), text)
            for tag in _TAG.finditer(text):
                for attr in _VISIBLE_ATTRIBUTES.finditer(tag.group(0)):
                    pieces.append((tag.start() + attr.start(),
                                   attr.group(1) or attr.group(2) or ""))
            blanked = _TAG.sub(lambda m: " " * len(m.group(0)), text)
            pieces.append((0, blanked))
        for offset, piece in pieces:
            piece = _ENTITY.sub(" ", piece)
            for word in _WORD.finditer(piece):
                if word.group(0) in UNTRANSLATED_OK:
                    continue
                line = text.count("\n", 0, offset + word.start()) + 1
                if line not in skipped:
                    where = path.relative_to(root.parent).as_posix()
                    findings.append(f"{where}:{line}: {word.group(0)}")
    # One finding per line is enough to point at it.
    seen: dict[str, str] = {}
    for finding in findings:
        where, _sep, found = finding.rpartition(": ")
        seen[where] = f"{seen[where]} {found}" if where in seen else finding
    return list(seen.values())
