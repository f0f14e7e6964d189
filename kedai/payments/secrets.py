"""Gateway keys entered in the back office, encrypted at rest.

The owner may type a gateway's keys into the back office instead of
setting ``KEDAI_<GATEWAY>_<OPTION>`` environment variables. Each value is
stored as Fernet ciphertext (AES-128-CBC with HMAC-SHA256, from the
``cryptography`` package) under a key that lives only in the
environment:

* ``KEDAI_SECRETS_KEY``: the current key (``manage.py payment_keys
  generate-key`` prints a new one). Without it the form refuses to store
  anything and stored keys are not used.
* ``KEDAI_SECRETS_OLD_KEYS``: earlier keys, comma-separated, still
  accepted for reading. ``manage.py payment_keys rotate`` re-encrypts
  every stored key with the current one, after which the old keys can go.

An environment variable for an option always wins over a stored value.
Values are never logged, exported (``kedai.dataio`` tables list no
secrets; a backup holds only the ciphertext) or shown beyond their last
four characters.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from kedai.payments.exceptions import PaymentError
from kedai.payments.models import GatewaySecret

logger = logging.getLogger("kedai.payments")

MAX_SECRET_LENGTH = 500
# Options that configure a gateway but are not credentials.
NOT_SECRET = frozenset({"BASE_URL", "PAYMENT_METHOD_TYPES", "TIMEOUT", "MODE",
                        "HASH_TYPE", "SIGNATURE_TYPE", "API_URL"})


class SecretsUnavailable(PaymentError):
    """No usable KEDAI_SECRETS_KEY: nothing can be stored or read."""


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value or "").strip()


def _multi_fernet():
    try:
        from cryptography.fernet import Fernet, MultiFernet
    except ImportError as exc:  # a runtime dependency; say so, never crash
        raise SecretsUnavailable(
            _("The cryptography package is not installed: gateway keys "
              "cannot be stored here."), code="no_cryptography") from exc

    current = _setting("KEDAI_SECRETS_KEY")
    if not current:
        raise SecretsUnavailable(
            _("Set KEDAI_SECRETS_KEY in the environment to store gateway keys "
              "here (manage.py payment_keys generate-key prints one)."),
            code="no_key")
    keys = [current] + [k.strip() for k in _setting("KEDAI_SECRETS_OLD_KEYS")
                        .split(",") if k.strip()]
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise SecretsUnavailable(
            _("KEDAI_SECRETS_KEY (or one of KEDAI_SECRETS_OLD_KEYS) is not a "
              "valid key: it must be 32 url-safe base64-encoded bytes "
              "(manage.py payment_keys generate-key prints one)."),
            code="bad_key") from exc


def secrets_available() -> tuple[bool, str]:
    """Whether keys can be stored and read, and if not, why (to show)."""
    try:
        _multi_fernet()
    except SecretsUnavailable as exc:
        return False, str(exc.message)
    return True, ""


def secrets_key_generate() -> str:
    """A new random key for KEDAI_SECRETS_KEY."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def env_name(gateway: str, name: str) -> str:
    """The environment variable that sets option ``name`` of ``gateway``."""
    return f"KEDAI_{gateway.upper()}_{name.upper()}"


def env_sets(gateway: str, name: str) -> bool:
    """Whether the environment sets this option (then it wins)."""
    return bool(os.environ.get(env_name(gateway, name), ""))


def mask(value: str) -> str:
    """The last four characters, and none of a short value (a 5-character
    key would be nearly shown in full)."""
    if not value:
        return ""
    return "••••" + (value[-4:] if len(value) >= 12 else "")


def _decrypt_all(gateway: str) -> dict[str, str]:
    fernet = _multi_fernet()
    values = {}
    for row in GatewaySecret.objects.filter(gateway=gateway):
        try:
            values[row.name] = fernet.decrypt(row.ciphertext.encode()).decode()
        except Exception:  # InvalidToken: a key rotated away; never the value
            logger.warning("stored key %s of %s cannot be decrypted with "
                           "KEDAI_SECRETS_KEY", row.name, gateway)
    return values


def options_with_stored_keys(code: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` with the keys stored for ``code`` filled in, except
    where the environment sets the option. Never raises: without a usable
    KEDAI_SECRETS_KEY (or a database) the options stay as configured."""
    result = dict(options)
    if not _setting("KEDAI_SECRETS_KEY"):
        return result
    try:
        stored = _decrypt_all(code)
    except (SecretsUnavailable, DatabaseError):
        return result
    for name, value in stored.items():
        if not env_sets(code, name):
            result[name] = value
    return result


@dataclass(frozen=True)
class KeyRow:
    """One credential of a gateway, as the keys form shows it."""

    name: str
    env_var: str
    from_env: bool
    stored: bool
    shown: str  # the effective value, masked
    source: str  # "environment", "back office" or "settings default"
    required: bool


def gateway_key_rows(code: str, *, options: Mapping[str, Any],
                     required: tuple[str, ...] = ()) -> list[KeyRow]:
    """The credentials of gateway ``code`` (its required options and any
    other secret-looking option configured), with where each comes from.
    Shows values masked only."""
    names = list(dict.fromkeys([*required, *(
        n for n, v in options.items() if n not in NOT_SECRET and isinstance(v, str))]))
    stored_names = set(GatewaySecret.objects.filter(gateway=code)
                       .values_list("name", flat=True))
    try:
        stored = _decrypt_all(code) if stored_names else {}
    except SecretsUnavailable:
        stored = {}
    rows = []
    for name in names:
        from_env = env_sets(code, name)
        if from_env:
            value, source = str(options.get(name) or ""), _("environment")
        elif name in stored:
            value, source = stored[name], _("back office")
        elif name in stored_names:
            value, source = "", _("stored, but KEDAI_SECRETS_KEY cannot read it")
        else:
            value, source = str(options.get(name) or ""), _("settings default")
        rows.append(KeyRow(name=name, env_var=env_name(code, name),
                           from_env=from_env, stored=name in stored_names,
                           shown=mask(value), source=str(source),
                           required=name in required))
    return rows


def _clean(value: str) -> str:
    value = value.strip()
    if len(value) > MAX_SECRET_LENGTH:
        raise PaymentError(_("A key has at most %(max)d characters.")
                           % {"max": MAX_SECRET_LENGTH}, code="too_long")
    if any(c.isspace() or not c.isprintable() for c in value):
        raise PaymentError(_("A key has no spaces or control characters."),
                           code="invalid")
    return value


def gateway_keys_save(*, gateway: str, values: Mapping[str, str],
                      remove: set[str] | frozenset[str] = frozenset(),
                      allowed: set[str] | frozenset[str], actor: str) -> list[str]:
    """Store (encrypted) the non-empty ``values`` of ``gateway`` and
    delete the ``remove`` ones, all or nothing; an empty value leaves the
    stored key as it is. Options outside ``allowed`` or set in the
    environment are refused. Returns the names changed. Raises
    SecretsUnavailable without KEDAI_SECRETS_KEY, PaymentError on a bad
    value; nothing is stored then. Never logs a value.
    """
    fernet = _multi_fernet()
    changes: dict[str, str] = {}
    for name, raw in values.items():
        if name not in allowed:
            raise PaymentError(_("Unknown option %(name)s.") % {"name": name[:40]},
                               code="option")
        value = _clean(raw or "")
        if not value:
            continue
        if env_sets(gateway, name):
            raise PaymentError(
                _("%(name)s is set in the environment (%(env)s), which wins; "
                  "change it there.") % {"name": name, "env": env_name(gateway, name)},
                code="env")
        changes[name] = fernet.encrypt(value.encode()).decode()
    unknown = set(remove) - set(allowed)
    if unknown:
        raise PaymentError(_("Unknown option %(name)s.")
                           % {"name": sorted(unknown)[0][:40]}, code="option")
    with transaction.atomic():
        for name, ciphertext in changes.items():
            GatewaySecret.objects.update_or_create(
                gateway=gateway, name=name,
                defaults={"ciphertext": ciphertext, "updated_by": actor[:100]})
        removed = GatewaySecret.objects.filter(
            gateway=gateway, name__in=set(remove) - set(changes))
        gone = sorted(removed.values_list("name", flat=True))
        removed.delete()
    changed = sorted(changes) + gone
    if changed:
        logger.info("gateway keys of %s changed by %s: %s", gateway, actor,
                    ", ".join(changed))
    return changed


def secrets_rotate() -> int:
    """Re-encrypt every stored key with the current KEDAI_SECRETS_KEY.

    Keys readable only with an old key (KEDAI_SECRETS_OLD_KEYS) are
    rewritten; one no key can read raises SecretsUnavailable and nothing
    is rewritten. Returns how many were rewritten.
    """
    fernet = _multi_fernet()
    with transaction.atomic():
        rows = list(GatewaySecret.objects.select_for_update().order_by("pk"))
        rotated = []
        for row in rows:
            try:
                rotated.append((row, fernet.rotate(row.ciphertext.encode()).decode()))
            except Exception as exc:
                raise SecretsUnavailable(
                    _("Stored key %(name)s of %(gateway)s cannot be read with "
                      "any key given; nothing was re-encrypted.")
                    % {"name": row.name, "gateway": row.gateway},
                    code="unreadable") from exc
        for row, ciphertext in rotated:
            GatewaySecret.objects.filter(pk=row.pk).update(ciphertext=ciphertext)
    return len(rotated)


def key_sources(code: str, names: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Where each option of ``code`` comes from, for the go-live check:
    "environment", "back office", "back office, unreadable" or "settings"."""
    stored = set(GatewaySecret.objects.filter(gateway=code, name__in=list(names))
                 .values_list("name", flat=True))
    readable = secrets_available()[0]
    sources = {}
    for name in names:
        if env_sets(code, name):
            sources[name] = "environment"
        elif name in stored:
            sources[name] = "back office" if readable else "back office, unreadable"
        else:
            sources[name] = "settings"
    return sources
