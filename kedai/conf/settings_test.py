"""Test settings: the real settings with fast hashing and inline tasks."""

from kedai.conf.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns if absent
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# The tests' webhook receiver is the sandbox on 127.0.0.1.
KEDAI_WEBHOOK_ALLOW_PRIVATE = True
# Threads in tests open their own connections; closed at once, they never
# outlive a test (PostgreSQL refuses to drop a test database in use).
if not env("CONN_MAX_AGE", default=""):  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
