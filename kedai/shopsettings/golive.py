"""The go-live check: is this shop ready to take real money?

One report for the back-office page (/office/settings/go-live/) and for
``manage.py golive_check`` (ARCHITECTURE.md §7). It lists the site's own
settings once, then per enabled gateway and carrier: keys present and not
the published demo ones, MODE, the callback URL (absolute, HTTPS),
a signed test callback accepted (a self-test: a callback signed with the
configured key goes through the adapter's own verification, nothing is
applied), and the last callback received. It also lists the callbacks
refused lately with their reason: a refusal a gateway keeps retrying
must not go unseen.

Reads only; never calls a gateway or a carrier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from kedai.payments.exceptions import CallbackRejected, GatewayError
from kedai.payments.gateways import transport
from kedai.payments.models import CallbackLog
from kedai.payments.registry import gateway_get
from kedai.payments.secrets import key_sources
from kedai.shopsettings.selectors import payment_method_rows

OK, WARN, FAIL = "ok", "warn", "fail"
DEMO_MAIL_BACKENDS = (
    "kedai.notifications.mailbox.MailboxBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)
REFUSALS_DAYS = 30


@dataclass(frozen=True)
class Item:
    name: str
    level: str  # ok, warn or fail
    detail: str = ""


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)

    def add(self, name: str, passed: bool, detail: str = "", *,
            level_if_not: str = FAIL) -> None:
        self.items.append(Item(name, OK if passed else level_if_not, detail))

    @property
    def ok(self) -> bool:
        return all(item.level != FAIL for item in self.items)


@dataclass(frozen=True)
class Refusal:
    at: object
    gateway: str
    kind: str
    reason: str


@dataclass
class Report:
    sections: list[Section]
    refusals: list[Refusal]

    @property
    def ok(self) -> bool:
        return all(section.ok for section in self.sections)


def golive_report() -> Report:
    """Every check, in the order the page and the command show them."""
    site = _site_section()
    sections = [site]
    base = _callback_base()
    for row in payment_method_rows():
        if row.online and row.offered:
            sections.append(_gateway_section(row.code, base))
    for name, conf in (getattr(settings, "KEDAI_RATE_PROVIDERS", {}) or {}).items():
        sections.append(_carrier_section(name, conf))
    return Report(sections, _refusals())


def _callback_base() -> str:
    return str(getattr(settings, "KEDAI_PAYMENT_CALLBACK_BASE_URL", "")
               or settings.KEDAI_SITE_URL).rstrip("/")


def _generated_secret_key() -> bool:
    # settings._local_secret_key() writes var/secret_key for the demo.
    path = Path(getattr(settings, "VAR_DIR", "var")) / "secret_key"
    try:
        return path.read_text().strip() == settings.SECRET_KEY
    except OSError:
        return False


def _site_section() -> Section:
    section = Section("Site")
    section.add("DEBUG is off", not settings.DEBUG,
                "DEBUG=true shows stack traces to anyone" if settings.DEBUG else "")
    generated = _generated_secret_key()
    section.add("SECRET_KEY is not the generated demo one", not generated,
                "set SECRET_KEY in the environment" if generated else "")
    site = urlsplit(settings.KEDAI_SITE_URL)
    host = site.hostname or ""
    allowed = list(settings.ALLOWED_HOSTS)
    section.add("KEDAI_SITE_URL is absolute and HTTPS",
                site.scheme == "https" and bool(host), settings.KEDAI_SITE_URL)
    section.add("ALLOWED_HOSTS names the site (and not '*')",
                bool(host) and validate_host(host, allowed) and "*" not in allowed,
                ", ".join(allowed) or "empty")
    origin = f"{site.scheme}://{site.netloc}"
    origins = list(settings.CSRF_TRUSTED_ORIGINS)
    consistent = (origin in origins
                  and all(o.startswith("https://") for o in origins)
                  and all(validate_host(urlsplit(o).hostname or "", allowed)
                          for o in origins))
    section.add("CSRF_TRUSTED_ORIGINS has the site's HTTPS origin, all in "
                "ALLOWED_HOSTS", consistent, ", ".join(origins) or "empty")
    backend = settings.EMAIL_BACKEND
    mail = backend not in DEMO_MAIL_BACKENDS and (
        not backend.endswith("smtp.EmailBackend") or bool(settings.EMAIL_HOST))
    section.add("Mail is configured (EMAIL_URL)", mail, backend)
    return section


def _gateway_section(code: str, base: str) -> Section:
    section = Section(f"Payment gateway: {code}")
    adapter = gateway_get(code)
    if adapter is None:
        section.add("Adapter", False, "not configured")
        return section
    options = adapter.options  # type: ignore[attr-defined]
    required = getattr(adapter, "required_options", ())
    missing = [name for name in required if not str(options.get(name) or "")]
    sources = key_sources(code, list(required))
    section.add("Keys present", not missing,
                f"missing {', '.join(missing)}" if missing else ", ".join(
                    f"{name} ({sources[name]})" for name in required))
    unreadable = [n for n, source in sources.items() if source.endswith("unreadable")]
    if unreadable:
        section.add("Keys stored in the back office can be read", False,
                    f"{', '.join(unreadable)}: KEDAI_SECRETS_KEY is missing or "
                    "not the key they were stored with")
    demo = transport.demo_secrets_in_use(options, getattr(adapter, "demo_secrets", {}))
    section.add("Keys are not the published demo ones", not demo,
                f"{', '.join(demo)} is a demo value" if demo else "")
    mode = transport.mode(options)
    try:
        url = transport.base_url(options, code, getattr(adapter, "hosts", None))
    except GatewayError as exc:
        url = str(exc)
    section.add("MODE is live", mode == "live", f"{mode}: {url}")
    callback = base + reverse("payments:callback", kwargs={"gateway": code})
    parts = urlsplit(callback)
    section.add("Callback URL is absolute and HTTPS",
                parts.scheme == "https" and bool(parts.netloc), callback)
    selftest = getattr(adapter, "signed_test_callback", None)
    if selftest is None:
        section.add("Signed test callback accepted", True, "not offered",
                    level_if_not=WARN)
    else:
        try:
            adapter.callback_verify(selftest())
            accepted, detail = True, "signed with the configured key and verified"
        except CallbackRejected as exc:
            accepted, detail = False, exc.reason
        section.add("Signed test callback accepted", accepted, detail)
    last = (CallbackLog.objects.filter(gateway=code, kind=CallbackLog.Kind.CALLBACK)
            .order_by("-created_at", "-id").first())
    section.add("Last callback received", last is not None,
                (f"{last.created_at:%Y-%m-%d %H:%M} "
                 f"{'verified' if last.verified else 'REFUSED'}: {last.outcome}")
                if last else "none yet", level_if_not=WARN)
    return section


def _carrier_section(name: str, conf: dict) -> Section:
    section = Section(f"Carrier: {name}")
    try:
        options = dict(conf.get("OPTIONS", {}) or {})
        carrier = import_string(conf["BACKEND"])(name, options)
    except (ImportError, KeyError, TypeError) as exc:
        section.add("Adapter", False, str(exc))
        return section
    options = conf.get("OPTIONS", {}) or {}
    oauth = bool(options.get("CLIENT_ID"))
    needed = (("CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN") if oauth else ("TOKEN",))
    missing = [key for key in needed if not options.get(key)]
    section.add("Keys present", not missing,
                f"missing {', '.join(missing)}" if missing else ", ".join(needed))
    mode = transport.mode(options)
    section.add("MODE is live", mode == "live", mode)
    url = str(getattr(carrier, "base_url", ""))
    section.add("API URL is HTTPS", url.startswith("https://"), url or "none")
    state = carrier.token_state() if hasattr(carrier, "token_state") else {}
    if state.get("oauth"):
        error = state.get("last_error") or ""
        section.add("Token refresh working", not error,
                    error or (f"valid until {state['expires_at']:%Y-%m-%d %H:%M}"
                              if state.get("expires_at") else "not refreshed yet"))
    else:
        section.add("Token refreshed automatically", False,
                    "a fixed TOKEN expires after 36,000 s: configure CLIENT_ID, "
                    "CLIENT_SECRET and REFRESH_TOKEN", level_if_not=WARN)
    return section


def _refusals() -> list[Refusal]:
    since = timezone.now() - timedelta(days=REFUSALS_DAYS)
    rows = (CallbackLog.objects.filter(created_at__gte=since,
                                       kind=CallbackLog.Kind.CALLBACK,
                                       outcome__startswith="rejected")
            .order_by("-created_at", "-id")[:50])
    return [Refusal(r.created_at, r.gateway, r.kind, r.outcome) for r in rows]
