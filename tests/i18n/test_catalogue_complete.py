"""Bahasa Melayu is complete: every string of the code and the templates
has a Malay translation with the same placeholders (issue 14).

The strings are extracted afresh (kedai.core.translations, the same msgids
as Django's makemessages) and compared with the committed .po file; when
this fails, run `make messages`, translate the new entries and commit the
.po (docs/translating.md).
"""

from django.utils import translation

from kedai.core.translations import (
    catalog_problems,
    catalog_read,
    messages_extract,
    placeholders,
    template_untranslated_text,
)


def test_every_string_is_translated_into_malay():
    problems = catalog_problems("ms", template=messages_extract())
    assert not problems, (
        f"{len(problems)} strings need a Malay translation "
        "(run `make messages` and fill kedai/locale/ms/LC_MESSAGES/django.po):\n"
        + "\n".join(problems[:50]))


def test_no_template_shows_text_outside_translate_tags():
    """Text a reader sees in a template (between tags, or in alt, title,
    placeholder, aria-label) must be inside {% translate %} or
    {% blocktranslate %}, or it never reaches the .po file."""
    findings = template_untranslated_text()
    assert not findings, (
        "template text not marked for translation (wrap it in "
        "{% translate %}, or mark a deliberate exception {# notranslate #}):\n"
        + "\n".join(findings[:50]))


def test_the_template_check_finds_bare_text(tmp_path):
    templates = tmp_path / "kedai" / "app" / "templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text(
        '{% load i18n %}<p title="Bare title">{% translate "Fine" %}</p>\n'
        '<script>const ignored = "x";</script>\n'
        '<p>{% blocktranslate %}Also fine {{ x }}{% endblocktranslate %}</p>\n'
        '<p>Bare words</p><p>RM {{ price }}</p>\n'
        '<p>Left as is</p>{# notranslate #}\n')
    assert template_untranslated_text(tmp_path / "kedai") == [
        "kedai/app/templates/page.html:1: Bare title",
        "kedai/app/templates/page.html:4: Bare words"]


def test_placeholders_are_compared():
    assert placeholders("%(name)s has {count} of %s, 100%%") == [
        "%(name)s", "%s", "{count}"]
    assert placeholders("Hi %(name)s") != placeholders("Hai %(nama)s")


def test_the_catalogue_has_no_fuzzy_or_obsolete_entries():
    catalog = catalog_read("ms")
    assert not [m.id for m in catalog if m.id and m.fuzzy]
    assert not catalog.obsolete


def test_django_serves_the_compiled_malay():
    with translation.override("ms"):
        assert translation.gettext("Cart") == "Troli"
        assert translation.gettext("Checkout") == "Daftar keluar"
