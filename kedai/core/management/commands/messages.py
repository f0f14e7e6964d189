"""``manage.py messages update|compile|check`` (kedai.core.translations).

``update`` merges every translatable string of the package into each
language's .po file (no GNU gettext needed); ``compile`` writes the .mo
files; ``check`` lists what is not translated yet and fails if anything is.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kedai.core import translations


class Command(BaseCommand):
    help = "Update, compile or check the translation catalogues."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("update", "compile", "check"))
        parser.add_argument("--force", action="store_true",
                            help="compile: rewrite every .mo file")

    def handle(self, *args, action: str, force: bool = False, **options):
        languages = [code for code, _name in settings.LANGUAGES
                     if code != settings.LANGUAGE_CODE]
        if action == "compile":
            for path in translations.messages_compile(force=force):
                name = path.relative_to(translations.PACKAGE_DIR)
                self.stdout.write(f"compiled {name}")
            return
        template = translations.messages_extract()
        if action == "update":
            for language in languages:
                catalog = translations.messages_update(language, template=template)
                todo = translations.untranslated(catalog)
                self.stdout.write(f"{language}: {len(catalog)} strings, "
                                  f"{len(todo)} to translate")
            return
        problems = []
        for language in languages:
            problems += [f"{language}: {problem}" for problem in
                         translations.catalog_problems(language, template=template)]
        problems += [f"not marked for translation: {finding}"
                     for finding in translations.template_untranslated_text()]
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} strings need translating")
        self.stdout.write("every string is translated")
