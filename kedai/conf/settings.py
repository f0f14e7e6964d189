"""Kedai settings: every knob comes from the environment (twelve-factor).

Defaults are safe for the embedded demo: SQLite in WAL mode, local media,
locmem cache, mail printed to the console, tasks in the database.
"""

import secrets
from pathlib import Path
from typing import Any

import environ

from kedai.core.extras import require_extra

PACKAGE_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = PACKAGE_DIR.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env("KEDAI_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """Return a per-install key kept in var/, so the demo needs no .env."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="") or _local_secret_key()
# Old keys, newest first, after a rotation: links derived from a key (order
# pages) and signatures made with it keep working until these are dropped.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if env.bool("KEDAI_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies in front of the shop, whose X-Forwarded-For is believed when
# rate limits look for the client's address (kedai.core.ratelimit): a count
# ("1" for one nginx) or addresses/networks ("10.0.0.0/8,192.0.2.7").
# Empty (the default) trusts none: the TCP peer is the client.
KEDAI_TRUSTED_PROXIES = env("KEDAI_TRUSTED_PROXIES", default="")

INSTALLED_APPS = [
    # django-unfold themes the admin; it must come before django.contrib.admin.
    "unfold",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "kedai.core",
    "kedai.catalog",
    "kedai.cart",
    "kedai.customers",
    "kedai.orders",
    "kedai.checkout",
    "kedai.promotions",
    "kedai.shipping",
    "kedai.payments",
    "kedai.notifications",
    "kedai.invoicing",
    "kedai.backoffice",
    "kedai.reports",
    "kedai.dataio",
    "kedai.shopsettings",
    "kedai.storefront",
    "kedai.api",
]

MIDDLEWARE = [
    # /healthz, /readyz and /metrics before anything else (no host check,
    # no HTTPS redirect, never cached); measures every other request.
    "kedai.core.health.OperationsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /api/: errors as application/problem+json, CORS for storefront GETs,
    # never a cookie.
    "kedai.api.problems.ApiMiddleware",
    # Before anything reads the path: strips /s/<token>/ and guards the
    # cookieless storefront (headers, same-origin POST check).
    "kedai.storefront.middleware.ShopperTokenMiddleware",
    # A view that waited too long for the database answers 503 "busy, try
    # again" instead of 500 (kedai.core.busy).
    "kedai.core.busy.DatabaseBusyMiddleware",
    # Public (token-free) pages are the same for everyone: serve them from
    # the cache before sessions, locale and views do any work.
    "kedai.storefront.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The back office speaks the language its user chose (a cookie is fine
    # there); the storefront's is its URL prefix only.
    "kedai.core.staff_language.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kedai.conf.urls"
WSGI_APPLICATION = "kedai.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.media",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kedai.storefront.context_processors.storefront",
                "kedai.shopsettings.theme.theme",
                "kedai.backoffice.context_processors.backoffice",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kedai.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock
    # at BEGIN so two writers queue on busy_timeout instead of failing with
    # "database is locked" half-way through a transaction.
    # A write waits this long for another writer's lock, then the request
    # answers 503 "busy, try again" (kedai.core.busy).
    _busy_seconds = env.float("KEDAI_SQLITE_BUSY_TIMEOUT", default=20.0)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": _busy_seconds,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={int(_busy_seconds * 1000)};"
        ),
    }
    # A file, not :memory:, so tests with threads really race.
    DATABASES["default"]["TEST"] = {
        "NAME": env("KEDAI_TEST_SQLITE", default=str(VAR_DIR / "test.sqlite3"))
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    require_extra("psycopg", extra="postgres", needed_for="A PostgreSQL DATABASE_URL")
# Keep each thread's connection for a minute instead of opening one per
# request (for SQLite that is a file open and three PRAGMAs; for PostgreSQL
# a TCP connection and a backend): most of what a cached page costs
# (bench/README.md). The health check reopens one the server closed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS",
                                                      default=True)
# A read replica for catalogue reads (kedai.core.db_router; docs/capacity.md).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests read the replica alias from the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["kedai.core.db_router.CatalogueReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, mail, tasks -----------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kedai")}
_DJANGO_REDIS = "django.core.cache.backends.redis.RedisCache"
if "redis" in CACHES["default"]["BACKEND"].lower():
    require_extra("redis", extra="redis", needed_for="A Redis CACHE_URL")
# "shared": small keys every process must agree on (catalogue version keys;
# counters), so an owner's edit shows on every gunicorn worker's next
# request. With CACHE_URL (Redis) it is that cache; without, a file cache
# in KEDAI_VAR_DIR, shared by every process of this machine. Several
# machines need CACHE_URL (docs/deploy.md). The file cache holds a stamp per
# product page shown: past MAX_ENTRIES it deletes a third of its files at
# random (Django's default, 300, would cull stamps and the workers'
# heartbeat on every new stamp of a 10,000-product shop).
CACHES["shared"] = (
    env.cache("CACHE_URL") if env("CACHE_URL", default="") else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "shared"),
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
)
for _alias in CACHES.values():
    if _alias["BACKEND"] == _DJANGO_REDIS:  # one client per pool, not per call
        _alias["BACKEND"] = "kedai.core.redis_cache.KedaiRedisCache"
vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Kedai <shop@localhost>")
TASKS = {
    "default": {
        "BACKEND": env("KEDAI_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
    }
}

# --- Passwords --------------------------------------------------------------
# Argon2id for customer and staff passwords (argon2-cffi); older hashes are
# upgraded on the next successful sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Internationalisation: language by URL prefix only, never a cookie -----
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ms", "Bahasa Melayu")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Kuala_Lumpur")
USE_TZ = True
# Malaysian dates, dd/mm/yyyy with a 24-hour clock, in both languages.
FORMAT_MODULE_PATH = ["kedai.core.formats"]

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Media on any S3-compatible store (AWS S3, Cloudflare R2, Wasabi, MinIO…)
# through django-storages: `pip install "kedai[s3]"` and set the bucket.
# Media holds only public images (products, categories, logos), so files
# are served by plain URLs (no signed query strings).
if env("KEDAI_MEDIA_S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("KEDAI_MEDIA_S3_BUCKET"),
            "endpoint_url": env("KEDAI_MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("KEDAI_MEDIA_S3_REGION", default="") or None,
            "access_key": env("KEDAI_MEDIA_S3_ACCESS_KEY", default="") or None,
            "secret_key": env("KEDAI_MEDIA_S3_SECRET_KEY", default="") or None,
            "custom_domain": env("KEDAI_MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
            "location": env("KEDAI_MEDIA_S3_PREFIX", default="media"),
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
# Serve static files without collectstatic when asked (demo, tests).
WHITENOISE_USE_FINDERS = env.bool("KEDAI_STATIC_FINDERS", default=False)
WHITENOISE_AUTOREFRESH = DEBUG
# Embedded default: the app serves uploaded media itself. Behind a real web
# server or object storage, set KEDAI_SERVE_MEDIA=false.
KEDAI_SERVE_MEDIA = env.bool("KEDAI_SERVE_MEDIA", default=True)

# --- Security headers ---------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production behind TLS (docs/deploy.md): redirect plain HTTP to HTTPS and
# send HSTS. Off by default: the demo runs on http://127.0.0.1.
SECURE_SSL_REDIRECT = env.bool("KEDAI_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("KEDAI_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("KEDAI_HSTS_INCLUDE_SUBDOMAINS",
                                          default=False)
SECURE_HSTS_PRELOAD = env.bool("KEDAI_HSTS_PRELOAD", default=False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("KEDAI_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# LOG_FORMAT=json: one JSON object per line with the request id (for a log
# collector); otherwise plain lines.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tokens": {"()": "kedai.core.log_filters.RedactTokensFilter"},
        "request_id": {"()": "kedai.core.log_format.RequestIdFilter"},
    },
    "formatters": {"json": {"()": "kedai.core.log_format.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens", "request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Request paths carry capability tokens: never log them at INFO.
    "loggers": {
        "django.server": {"level": "WARNING", "filters": ["redact_tokens"]},
        "django.request": {"filters": ["redact_tokens"]},
    },
}

# --- Kedai ----------------------------------------------------------------------
KEDAI_CURRENCY = env("KEDAI_CURRENCY", default="MYR")
KEDAI_LOCALE = env("KEDAI_LOCALE", default="en_MY")
KEDAI_CART_TTL_DAYS = env.int("KEDAI_CART_TTL_DAYS", default=30)
KEDAI_CART_MAX_LINE_QUANTITY = env.int("KEDAI_CART_MAX_LINE_QUANTITY", default=99)
KEDAI_CART_MAX_LINES = env.int("KEDAI_CART_MAX_LINES", default=100)
KEDAI_PAGE_SIZE = env.int("KEDAI_PAGE_SIZE", default=24)
KEDAI_PAGE_SIZE_MAX = 96
# Catalogue prices are what the shopper pays, SST included when the shop
# charges it; false for a tax-exclusive price list.
KEDAI_PRICES_INCLUDE_TAX = env.bool("KEDAI_PRICES_INCLUDE_TAX", default=True)
# An unpaid order keeps its stock this long, then is cancelled.
KEDAI_UNPAID_HOLD_HOURS = env.int("KEDAI_UNPAID_HOLD_HOURS", default=48)
# Promotions: a voucher used by an order that is later refunded stays used
# (false: a full refund gives the use back, like a cancellation).
KEDAI_VOUCHER_REFUND_KEEPS_USE = env.bool("KEDAI_VOUCHER_REFUND_KEEPS_USE",
                                          default=True)
# Checkout: the offered payment methods, in display order. (Shipping
# methods are set up in the back office: kedai.shipping.)
KEDAI_PAYMENT_METHODS = env.list("KEDAI_PAYMENT_METHODS",
                                 default=["bank_transfer", "cod"])
# Customers: one-time sign-in links and the account pages they open are
# short-lived; unfinished checkouts (personal data) are deleted when idle.
KEDAI_SIGNIN_LINK_MINUTES = env.int("KEDAI_SIGNIN_LINK_MINUTES", default=30)
KEDAI_ACCOUNT_ACCESS_MINUTES = env.int("KEDAI_ACCOUNT_ACCESS_MINUTES", default=60)
KEDAI_CHECKOUT_TTL_DAYS = env.int("KEDAI_CHECKOUT_TTL_DAYS", default=7)
# JSON API (docs/api.md): requests a minute per admin API key, and the
# Origin allowed to read the storefront API's GETs from a browser ("*" like
# the search embed; "" for none).
KEDAI_API_RATE_LIMIT = env.int("KEDAI_API_RATE_LIMIT", default=600)
KEDAI_API_CORS_ORIGIN = env("KEDAI_API_CORS_ORIGIN", default="*")
# Posts outbound webhooks from the outbox (kedai.notifications.delivery).
KEDAI_WEBHOOK_SENDER = "kedai.api.webhooks.webhook_post"
KEDAI_WEBHOOK_TIMEOUT = env.int("KEDAI_WEBHOOK_TIMEOUT", default=10)
# Webhooks may go to loopback/private addresses (kedai.api.webhook_targets):
# only for the demo's and the tests' sandbox receiver, never in production.
# How long an Idempotency-Key's first answer is kept (purge_idempotency).
KEDAI_IDEMPOTENCY_RETENTION_HOURS = env.int("KEDAI_IDEMPOTENCY_RETENTION_HOURS",
                                            default=24)
KEDAI_WEBHOOK_ALLOW_PRIVATE = env.bool("KEDAI_WEBHOOK_ALLOW_PRIVATE", default=False)
# The shop's public address, for links in emails (order pages, sign-in).
KEDAI_SITE_URL = env("KEDAI_SITE_URL", default="http://127.0.0.1:8000")
# Product search ("default" is the one used), shaped like STORAGES. The
# backend follows the database (SQLite FTS5 or PostgreSQL full-text search)
# unless KEDAI_SEARCH_BACKEND names another class.
KEDAI_SEARCH_BACKENDS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env("KEDAI_SEARCH_BACKEND", default="") or (
            "kedai.catalog.search.postgres.PostgresSearchBackend"
            if "postgresql" in DATABASES["default"]["ENGINE"]
            else "kedai.catalog.search.sqlite.SQLiteSearchBackend"),
        "OPTIONS": {},
    },
}
# Public cache lifetime of token-free storefront pages, seconds.
KEDAI_PUBLIC_CACHE_SECONDS = env.int("KEDAI_PUBLIC_CACHE_SECONDS", default=60)
# Server-side cache of those pages, seconds; 0 turns it off.
KEDAI_PAGE_CACHE_SECONDS = env.int("KEDAI_PAGE_CACHE_SECONDS", default=60)
# The CACHES alias holding catalogue version stamps (kedai.catalog.versions)
# and the counts of wrong token links (storefront and API): must be shared
# by every process for a sale to show, and a limit to hold, everywhere.
KEDAI_VERSION_CACHE_ALIAS = env("KEDAI_VERSION_CACHE_ALIAS", default="shared")

# --- Shipping (kedai.shipping) ---------------------------------------------------
# Where parcels leave from: carrier route zones and live quotes start here.
KEDAI_SHIPPING_ORIGIN_POSTCODE = env("KEDAI_SHIPPING_ORIGIN_POSTCODE", default="50000")
KEDAI_SHIPPING_ORIGIN_STATE = env("KEDAI_SHIPPING_ORIGIN_STATE", default="KUL")
# Live carrier quotes (EasyParcel OpenAPI); off unless enabled. Without a
# URL the adapter uses the sandbox (KEDAI_SANDBOX_URL). TIMEOUT is capped
# at 3 s; on any failure the rate card answers instead.
KEDAI_RATE_PROVIDERS = {
    "easyparcel": {
        "BACKEND": "kedai.shipping.carriers.easyparcel.EasyParcelCarrier",
        "OPTIONS": {
            "BASE_URL": env("KEDAI_EASYPARCEL_URL", default=""),
            # Which EasyParcel account the token was authorised for.
            "MODE": env("KEDAI_EASYPARCEL_MODE", default="sandbox"),
            "TOKEN": env("KEDAI_EASYPARCEL_TOKEN", default=""),
            # OAuth 2.0 app (EasyParcel developer hub): the access token
            # lasts 36,000 s and is refreshed with the refresh token.
            "CLIENT_ID": env("KEDAI_EASYPARCEL_CLIENT_ID", default=""),
            "CLIENT_SECRET": env("KEDAI_EASYPARCEL_CLIENT_SECRET", default=""),
            "REFRESH_TOKEN": env("KEDAI_EASYPARCEL_REFRESH_TOKEN", default=""),
            "TIMEOUT": env.float("KEDAI_SHIPPING_LIVE_TIMEOUT", default=3.0),
        },
    },
} if env.bool("KEDAI_SHIPPING_LIVE_QUOTES", default=False) else {}
# Identical live quotes are reused this long (seconds); a failed carrier is
# not asked again for the same parcel for KEDAI_SHIPPING_LIVE_RETRY_SECONDS.
KEDAI_SHIPPING_QUOTE_CACHE_SECONDS = env.int("KEDAI_SHIPPING_QUOTE_CACHE_SECONDS",
                                             default=600)
KEDAI_SHIPPING_LIVE_RETRY_SECONDS = env.int("KEDAI_SHIPPING_LIVE_RETRY_SECONDS",
                                            default=60)
# Tracking page URL per carrier code, "{number}" replaced; adds to or
# overrides kedai.shipping.tracking.DEFAULT_TRACKING_URLS.
KEDAI_TRACKING_URLS: dict[str, str] = {}


# --- Payments (kedai.payments) ---------------------------------------------------
# Online gateways, shaped like STORAGES. MODE ("live" or "sandbox",
# KEDAI_<GATEWAY>_MODE) picks the gateway's built-in production or sandbox
# host (docs/payments.md); in sandbox mode KEDAI_SANDBOX_URL, when set,
# points it at Kedai's simulator instead; BASE_URL overrides both. The
# defaults are the simulator's published test credentials, never real
# ones: a system check refuses them outside the sandbox. Set the
# KEDAI_<GATEWAY>_* variables from the gateway's dashboard in production.
# Offer a gateway to shoppers by adding its code to KEDAI_PAYMENT_METHODS.
KEDAI_PAYMENT_GATEWAYS = {
    "billplz": {
        "BACKEND": "kedai.payments.gateways.billplz.BillplzGateway",
        "OPTIONS": {
            "BASE_URL": env("KEDAI_BILLPLZ_URL", default=""),
            "MODE": env("KEDAI_BILLPLZ_MODE", default="sandbox"),
            "API_KEY": env("KEDAI_BILLPLZ_API_KEY", default="sandbox-api-key"),
            "COLLECTION_ID": env("KEDAI_BILLPLZ_COLLECTION_ID", default="inbmmepb"),
            "X_SIGNATURE_KEY": env("KEDAI_BILLPLZ_X_SIGNATURE_KEY",
                                   default="S-s7b4yWpp9h7rrkNM1i3Z_g"),
        },
    },
    "ipay88": {
        "BACKEND": "kedai.payments.gateways.ipay88.IPay88Gateway",
        "OPTIONS": {
            "BASE_URL": env("KEDAI_IPAY88_URL", default=""),
            "MODE": env("KEDAI_IPAY88_MODE", default="sandbox"),
            "MERCHANT_CODE": env("KEDAI_IPAY88_MERCHANT_CODE", default="M00003"),
            "MERCHANT_KEY": env("KEDAI_IPAY88_MERCHANT_KEY", default="apple"),
            # "SHA256" (spec v1.0.6) or "HMACSHA512" (OPSG v1.6.4.4).
            "SIGNATURE_TYPE": env("KEDAI_IPAY88_SIGNATURE_TYPE", default="SHA256"),
        },
    },
    "fiuu": {
        "BACKEND": "kedai.payments.gateways.fiuu.FiuuGateway",
        "OPTIONS": {
            "BASE_URL": env("KEDAI_FIUU_URL", default=""),
            "MODE": env("KEDAI_FIUU_MODE", default="sandbox"),
            "MERCHANT_ID": env("KEDAI_FIUU_MERCHANT_ID", default="ACME"),
            "VERIFY_KEY": env("KEDAI_FIUU_VERIFY_KEY",
                              default="f5bb0c8de146c67b44babbf4e6584cc0"),
            "SECRET_KEY": env("KEDAI_FIUU_SECRET_KEY", default="secretkey123"),
            # Only when the "extended" vcode is turned on in Fiuu's portal.
            "EXTENDED_VCODE": env.bool("KEDAI_FIUU_EXTENDED_VCODE", default=False),
        },
    },
    "senangpay": {
        "BACKEND": "kedai.payments.gateways.senangpay.SenangPayGateway",
        "OPTIONS": {
            "BASE_URL": env("KEDAI_SENANGPAY_URL", default=""),
            "MODE": env("KEDAI_SENANGPAY_MODE", default="sandbox"),
            "MERCHANT_ID": env("KEDAI_SENANGPAY_MERCHANT_ID", default="534"),
            "SECRET_KEY": env("KEDAI_SENANGPAY_SECRET_KEY", default="53-784"),
            # As chosen in senangPay's dashboard: "hmac-sha256" or "md5".
            "HASH_TYPE": env("KEDAI_SENANGPAY_HASH_TYPE", default="hmac-sha256"),
        },
    },
    "stripe": {
        "BACKEND": "kedai.payments.gateways.stripe.StripeGateway",
        "OPTIONS": {
            "BASE_URL": env("KEDAI_STRIPE_URL", default=""),
            "MODE": env("KEDAI_STRIPE_MODE", default="sandbox"),
            "SECRET_KEY": env("KEDAI_STRIPE_SECRET_KEY", default="sk_test_sandbox"),
            "WEBHOOK_SECRET": env("KEDAI_STRIPE_WEBHOOK_SECRET",
                                  default="whsec_sandbox"),
            "PAYMENT_METHOD_TYPES": env.list("KEDAI_STRIPE_PAYMENT_METHOD_TYPES",
                                             default=["card", "fpx"]),
        },
    },
}
# Absolute base for return and callback URLs given to gateways (behind a
# proxy or tunnel); empty = the host the shopper used.
KEDAI_PAYMENT_CALLBACK_BASE_URL = env("KEDAI_PAYMENT_CALLBACK_BASE_URL", default="")
# An online payment still unanswered after this long is cancelled.
KEDAI_PAYMENT_PENDING_HOURS = env.int("KEDAI_PAYMENT_PENDING_HOURS", default=72)
# Reconciliation: a captured payment missing from settlement reports this
# many days after the report's last date is flagged "never settled".
KEDAI_SETTLEMENT_GRACE_DAYS = env.int("KEDAI_SETTLEMENT_GRACE_DAYS", default=3)
# Shown with bank-transfer orders (the order number is the reference).
KEDAI_BANK_TRANSFER = {
    "bank": env("KEDAI_BANK_NAME", default="Maybank"),
    "account_name": env("KEDAI_BANK_ACCOUNT_NAME", default="Kedai Demo Sdn Bhd"),
    "account_number": env("KEDAI_BANK_ACCOUNT_NUMBER", default="5140 1234 5678"),
}

# --- Notifications and documents (kedai.notifications, kedai.invoicing) ----------
# Without EMAIL_URL, mail goes to the demo mailbox in the back office
# (kedai.notifications.mailbox) instead of the console.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "kedai.notifications.mailbox.MailboxBackend"
# Outbox delivery: first retry after BACKOFF seconds, doubling up to MAX;
# a message is failed after MAX_ATTEMPTS tries or a permanent (5xx) refusal.
KEDAI_OUTBOX_BACKOFF_SECONDS = env.int("KEDAI_OUTBOX_BACKOFF_SECONDS", default=30)
KEDAI_OUTBOX_BACKOFF_MAX_SECONDS = env.int("KEDAI_OUTBOX_BACKOFF_MAX_SECONDS",
                                           default=6 * 3600)
KEDAI_OUTBOX_MAX_ATTEMPTS = env.int("KEDAI_OUTBOX_MAX_ATTEMPTS", default=12)
# A worker holds a claimed message this long; if it dies, another worker
# retries after it. Keep it well above the SMTP timeout.
KEDAI_OUTBOX_LEASE_SECONDS = env.int("KEDAI_OUTBOX_LEASE_SECONDS", default=300)
KEDAI_OUTBOX_SMTP_TIMEOUT = env.int("KEDAI_OUTBOX_SMTP_TIMEOUT", default=20)
KEDAI_OUTBOX_BATCH_SIZE = env.int("KEDAI_OUTBOX_BATCH_SIZE", default=50)
# Domain of the Message-ID header; empty: the host name.
KEDAI_OUTBOX_MESSAGE_ID_DOMAIN = env("KEDAI_OUTBOX_MESSAGE_ID_DOMAIN", default="")
# Where new-order notices and owner copies go when the seller profile has
# no owner email yet.
KEDAI_OWNER_EMAIL = env("KEDAI_OWNER_EMAIL", default="")
# PDF fonts: TrueType files tried in order for every character; the first
# that has the glyph draws it (Latin, then e.g. Tamil). Chinese uses the
# built-in CID font STSong-Light when no listed font has the glyph.
KEDAI_PDF_FONTS = env.list("KEDAI_PDF_FONTS", default=[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansTamil-Regular.ttf",
    "/usr/share/fonts/truetype/lohit-tamil/Lohit-Tamil.ttf",
    "/usr/share/fonts/truetype/fonts-gujr-extra/Lohit-Tamil.ttf",
])
KEDAI_PDF_BOLD_FONT = env("KEDAI_PDF_BOLD_FONT",
                          default="/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# MyInvois: item classification code of shop lines (LHDN code list;
# "022" is "Others") and of consolidated lines ("004").
KEDAI_EINVOICE_CLASSIFICATION = env("KEDAI_EINVOICE_CLASSIFICATION", default="022")


# --- Operations: health, readiness, metrics, logs (docs/deploy.md) ---------------
# /readyz fails when no task worker (manage.py task_worker) has written its
# heartbeat for this long, or when more outbox messages than this wait.
KEDAI_WORKER_HEARTBEAT_INTERVAL = env.int("KEDAI_WORKER_HEARTBEAT_INTERVAL",
                                          default=15)
KEDAI_READY_HEARTBEAT_SECONDS = env.int("KEDAI_READY_HEARTBEAT_SECONDS", default=120)
KEDAI_READY_OUTBOX_MAX = env.int("KEDAI_READY_OUTBOX_MAX", default=500)
# manage.py scheduler: management command -> seconds between runs. Override
# some with e.g. KEDAI_SCHEDULE="outbox_deliver=30;requery_payments=120".
KEDAI_SCHEDULE = {
    "outbox_deliver": 60,        # mail whose task wake-up was lost
    "requery_payments": 300,     # online payments with no callback yet
    "cancel_unpaid_orders": 300,  # release stock of unpaid orders
    "promotions_sync": 60,       # campaign banners on the front page
    "low_stock_digest": 900,     # sends at most one digest a day
    "purge_checkouts": 3600,
    "purge_carts": 3600,
    "purge_idempotency": 3600,
    **env.dict("KEDAI_SCHEDULE", cast={"value": int}, default={}),
}
# /metrics answers a "Authorization: Bearer <token>" header with this token,
# or these client addresses; anyone else gets a 404. Empty: nobody.
KEDAI_METRICS_TOKEN = env("KEDAI_METRICS_TOKEN", default="")
KEDAI_METRICS_ALLOWED_IPS = env.list("KEDAI_METRICS_ALLOWED_IPS", default=[])

# --- Back office (kedai.backoffice and its areas) --------------------------------
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "backoffice:login"

# --- Reports (kedai.reports) -------------------------------------------------------
# Stock at or below this is "low" unless a variant has its own threshold
# (set on /office/reports/low-stock/).
KEDAI_LOW_STOCK_THRESHOLD = env.int("KEDAI_LOW_STOCK_THRESHOLD", default=5)
# The daily low-stock digest goes out at the first run of `low_stock_digest`
# at or after this hour, shop time (0-23); at most one digest a day.
KEDAI_LOW_STOCK_DIGEST_HOUR = env.int("KEDAI_LOW_STOCK_DIGEST_HOUR", default=8)

# --- Data downloads and uploads (kedai.dataio) -------------------------------------
# Uploads and finished background exports live here under generated names,
# outside MEDIA_ROOT (which may be served publicly).
KEDAI_DATAIO_DIR = Path(env("KEDAI_DATAIO_DIR", default=str(VAR_DIR / "dataio")))
# Uploads over this size are refused before they are parsed.
KEDAI_DATAIO_MAX_UPLOAD_BYTES = env.int("KEDAI_DATAIO_MAX_UPLOAD_BYTES",
                                        default=20 * 2**20)
# Uploads with more data rows than this are refused (split the file).
KEDAI_DATAIO_MAX_ROWS = env.int("KEDAI_DATAIO_MAX_ROWS", default=200_000)
# Exports and uploads of this many rows or more run in the background.
KEDAI_DATAIO_BACKGROUND_ROWS = env.int("KEDAI_DATAIO_BACKGROUND_ROWS", default=10_000)
# An uploaded XLSX workbook may unpack to this much in all (its ZIP
# directory is checked before a byte is inflated; kedai.dataio.archives).
KEDAI_DATAIO_MAX_XLSX_INFLATED_BYTES = env.int(
    "KEDAI_DATAIO_MAX_XLSX_INFLATED_BYTES", default=200 * 2**20)
# A backup archive uploaded for restore may be this large; larger ones are
# restored on the server with manage.py shop_restore.
KEDAI_DATAIO_MAX_BACKUP_BYTES = env.int("KEDAI_DATAIO_MAX_BACKUP_BYTES",
                                        default=512 * 2**20)
# A backup (uploaded or given to shop_restore) may unpack to this much in all.
KEDAI_DATAIO_MAX_BACKUP_INFLATED_BYTES = env.int(
    "KEDAI_DATAIO_MAX_BACKUP_INFLATED_BYTES", default=4 * 2**30)
# ZIP members (XLSX, backups) inflating to more than this many bytes per
# compressed byte are refused as zip bombs (members over 1 MiB only).
KEDAI_DATAIO_MAX_ZIP_RATIO = env.int("KEDAI_DATAIO_MAX_ZIP_RATIO", default=200)
# The preview page lists this many changes (the count covers all).
KEDAI_DATAIO_PREVIEW_ROWS = env.int("KEDAI_DATAIO_PREVIEW_ROWS", default=1000)

# --- Shop settings (kedai.shopsettings) ---------------------------------------------
# The admin's theme (django-unfold): the back office links back to /office/.
UNFOLD = {
    "SITE_TITLE": "Kedai admin",
    "SITE_HEADER": "Kedai admin",
    "SITE_URL": "/office/",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": True,
    "SIDEBAR": {"show_search": True, "show_all_applications": True},
    "STYLES": ["kedai.shopsettings.theme.admin_stylesheet"],
}

# --- Sandbox (kedai.sandbox): simulated gateways and carriers for demo and tests --
# Base URL of the running simulator (python -m kedai.sandbox); empty = not used.
KEDAI_SANDBOX_URL = env("KEDAI_SANDBOX_URL", default="")
