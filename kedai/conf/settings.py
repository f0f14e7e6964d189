"""Kedai settings: every knob comes from the environment (twelve-factor).

Defaults are safe for the embedded demo: SQLite in WAL mode, local media,
locmem cache, mail printed to the console, tasks in the database.
"""

import secrets
from pathlib import Path

import environ

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
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if env.bool("KEDAI_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
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
    "kedai.shipping",
    "kedai.payments",
    "kedai.notifications",
    "kedai.invoicing",
    "kedai.storefront",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the path: strips /s/<token>/ and guards the
    # cookieless storefront (headers, same-origin POST check).
    "kedai.storefront.middleware.ShopperTokenMiddleware",
    # Public (token-free) pages are the same for everyone: serve them from
    # the cache before sessions, locale and views do any work.
    "kedai.storefront.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
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
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
    # A file, not :memory:, so tests with threads really race.
    DATABASES["default"]["TEST"] = {
        "NAME": env("KEDAI_TEST_SQLITE", default=str(VAR_DIR / "test.sqlite3"))
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, mail, tasks -----------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kedai")}
vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Kedai <shop@localhost>")
TASKS = {
    "default": {
        "BACKEND": env("KEDAI_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
    }
}

# --- Passwords --------------------------------------------------------------
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

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
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
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("KEDAI_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "kedai.core.log_filters.RedactTokensFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}
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
# Checkout: the store's flat shipping charge (gross when prices include tax)
# and the offered payment methods (codes known to kedai.checkout.services).
KEDAI_FLAT_SHIPPING_RM = env("KEDAI_FLAT_SHIPPING_RM", default="8.00")
KEDAI_PAYMENT_METHODS = env.list("KEDAI_PAYMENT_METHODS",
                                 default=["bank_transfer", "cod"])
# Empty: chosen from the database vendor (SQLite FTS5 or PostgreSQL FTS).
KEDAI_SEARCH_BACKEND = env("KEDAI_SEARCH_BACKEND", default="")
# Public cache lifetime of token-free storefront pages, seconds.
KEDAI_PUBLIC_CACHE_SECONDS = env.int("KEDAI_PUBLIC_CACHE_SECONDS", default=60)
# Server-side cache of those pages, seconds; 0 turns it off.
KEDAI_PAGE_CACHE_SECONDS = env.int("KEDAI_PAGE_CACHE_SECONDS", default=60)

# --- Shipping (kedai.shipping) ---------------------------------------------------

# --- Payments (kedai.payments) ---------------------------------------------------

# --- Notifications and documents (kedai.notifications, kedai.invoicing) ----------

# --- Sandbox (kedai.sandbox): simulated gateways and carriers for demo and tests --
# Base URL of the running simulator (python -m kedai.sandbox); empty = not used.
KEDAI_SANDBOX_URL = env("KEDAI_SANDBOX_URL", default="")
