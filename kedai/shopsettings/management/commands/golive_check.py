"""``manage.py golive_check``: the go-live report; exit status 1 if a check fails."""

from django.core.management.base import BaseCommand, CommandError

from kedai.shopsettings.golive import FAIL, WARN, golive_report

MARKS = {"ok": "ok  ", WARN: "warn", FAIL: "FAIL"}


class Command(BaseCommand):
    help = ("Check that the shop is ready to take real money: site settings, "
            "every enabled gateway and carrier. Exits 1 when a check fails.")

    def handle(self, *args, **options) -> None:
        report = golive_report()
        for section in report.sections:
            self.stdout.write(section.title)
            for item in section.items:
                line = f"  [{MARKS[item.level]}] {item.name}"
                if item.detail:
                    line += f" ({item.detail})"
                self.stdout.write(line)
        if report.refusals:
            self.stdout.write(f"Callbacks refused in the last 30 days: "
                              f"{len(report.refusals)}")
            for refusal in report.refusals[:10]:
                self.stdout.write(f"  {refusal.at:%Y-%m-%d %H:%M} {refusal.gateway}: "
                                  f"{refusal.reason}")
        if not report.ok:
            raise CommandError("go-live check failed", returncode=1)
        self.stdout.write(self.style.SUCCESS("go-live check passed"))
