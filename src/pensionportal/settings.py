"""Settings, read from environment variables with safe local defaults.

Every variable is documented in the README ("Configuration"). The local default is an
embedded SQLite database and console e-mail, with DEBUG off (`PORTAL_DEBUG=1` turns Django's
debug pages on for development, never for a served installation); `PORTAL_PRODUCTION=1` turns on
every transport-security setting so that `manage.py check --deploy` reports nothing.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = _env_bool("PORTAL_PRODUCTION", False)
# Off unless asked for: a debug page lists every URL pattern and settings to anyone.
DEBUG = _env_bool("PORTAL_DEBUG", False) and not PRODUCTION

_DEV_SECRET_KEY = "dev-only-insecure-key-change-me-9f2c1e7a5b3d4f6a8c0e2b4d6f8a0c2e4b6d8f0a"  # noqa: S105
SECRET_KEY = os.environ.get("PORTAL_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("PORTAL_SECRET_KEY must be set when PORTAL_PRODUCTION=1.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = _env_list(
    "PORTAL_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = _env_list("PORTAL_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "pensionportal.core",
    "pensionportal.audit",
    "pensionportal.worklist",
    "pensionportal.accounts",
    "pensionportal.files",
    "pensionportal.messaging",
    "pensionportal.exchange",
    "pensionportal.reports",
    "pensionportal.members",
    "pensionportal.submissions",
    "pensionportal.remittances",
    "pensionportal.buybacks",
    "pensionportal.missed",
    "pensionportal.memberevents",
    "pensionportal.signedforms",
    "pensionportal.integrations",
    "pensionportal.api",
    "pensionportal.sftp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pensionportal.core.middleware.RefuseNulMiddleware",
    # Static files without a separate web server, in every installation (DEBUG is off).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Notes the signed-in session's browser and address for the sessions page.
    "pensionportal.accounts.middleware.SessionClientMiddleware",
    # Before anything reads a request body (files/middleware.py).
    "pensionportal.files.middleware.RequestBodyLimitMiddleware",
    "pensionportal.core.logs.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pensionportal.accounts.middleware.AbsoluteSessionLifetimeMiddleware",
    "pensionportal.accounts.middleware.RequireMfaMiddleware",
    "pensionportal.core.middleware.NoStoreMiddleware",
    "pensionportal.core.middleware.PermissionsPolicyMiddleware",
]

ROOT_URLCONF = "pensionportal.urls"
WSGI_APPLICATION = "pensionportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pensionportal.core.context_processors.navigation",
            ],
            # |money, |rate, |isodate, |when, |period in every template (docs/presentation.md)
            "builtins": ["pensionportal.core.templatetags.portal"],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=int(os.environ.get("PORTAL_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer (the task worker) instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif _env_bool("PORTAL_DB_POOL", PRODUCTION):
    # psycopg's connection pool (Django 5.1+), one per process: a web process with N
    # threads needs at most N connections; PostgreSQL's max_connections must cover
    # (web processes x threads + workers + scheduler) x max_size / threads. See
    # docs/operations.md. Django has the pool check each connection before handing it out,
    # so a database that restarted costs a reconnect, not an error.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("PORTAL_DB_POOL_MIN", "1")),
        "max_size": int(os.environ.get("PORTAL_DB_POOL_MAX", "4")),
        "timeout": float(os.environ.get("PORTAL_DB_POOL_TIMEOUT", "10")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache: sign-in throttling must count across every worker process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    }
}

# --- Accounts and sign-in ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The seed's rule ("Account management"): at least 8 characters, a lower-case letter,
# an upper-case letter and one of !@#$%^&; plus common and e-mail-like passwords refused.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "pensionportal.accounts.passwords.LowercaseLetterValidator"},
    {"NAME": "pensionportal.accounts.passwords.UppercaseLetterValidator"},
    {"NAME": "pensionportal.accounts.passwords.SymbolValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {"NAME": "pensionportal.accounts.passwords.EmailSimilarityValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_ADAPTER = "pensionportal.accounts.adapters.PortalAccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Employer Portal] "
# Failed sign-ins (docs/security.md, "Throttling"): per address, a limit on the real client
# address (behind PORTAL_TRUSTED_PROXIES); per account, exponential back-off in allowances
# of its own for the devices and addresses that signed in before (accounts/throttle.py),
# never a lock. "login_failed" is allauth's limit on second-factor codes, per address and
# per account (reached only with the account's password).
ACCOUNT_RATE_LIMITS = {
    "login_failed_address": os.environ.get("PORTAL_LOGIN_FAILED_ADDRESS_LIMIT", "20/15m/ip"),
    "login_failed": os.environ.get("PORTAL_LOGIN_FAILED_LIMIT", "20/15m/ip,5/15m/key"),
    # Per address: a whole office behind one NAT (or the soak test on loopback) may need more.
    "login": os.environ.get("PORTAL_LOGIN_LIMIT", "30/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
}
LOGIN_FREE_ATTEMPTS = int(os.environ.get("PORTAL_LOGIN_FREE_ATTEMPTS", "5"))
LOGIN_BACKOFF_SECONDS = int(os.environ.get("PORTAL_LOGIN_BACKOFF_SECONDS", "30"))
LOGIN_BACKOFF_MAX_SECONDS = int(os.environ.get("PORTAL_LOGIN_BACKOFF_MAX_SECONDS", "900"))
# The load balancers and reverse proxies in front of the portal, addresses or networks
# (core/addresses.py): the client is the first address in X-Forwarded-For, from the right,
# that is not one of them. Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = _env_list("PORTAL_TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"PORTAL_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network "
            "(for example 10.0.0.0/8)."
        ) from None
# Passkeys (WebAuthn, issue 17): as a second factor, and as a passwordless sign-in (a
# passkey with user verification is both factors). Plain HTTP only for the development
# server on localhost; production is HTTPS.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Staff must add a passkey (on top of, or instead of, their authenticator app) before
# anything else, when this is on (accounts/middleware.py).
STAFF_PASSKEY_REQUIRED = _env_bool("PORTAL_STAFF_PASSKEY_REQUIRED", False)
MFA_TOTP_ISSUER = "Employer Portal"
MFA_ADAPTER = "pensionportal.accounts.adapters.PortalMFAAdapter"

INVITATION_VALID_HOURS = int(os.environ.get("PORTAL_INVITATION_VALID_HOURS", "72"))

# --- Sessions, cookies and headers ----------------------------------------------------
SESSION_ENGINE = "pensionportal.accounts.session_store"  # sessions that name their user
SESSION_COOKIE_AGE = int(os.environ.get("PORTAL_IDLE_TIMEOUT_MINUTES", "20")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
# However active, a session ends this long after its sign-in (accounts/sessions.py).
SESSION_ABSOLUTE_SECONDS = int(float(os.environ.get("PORTAL_SESSION_ABSOLUTE_HOURS", "12")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No camera, microphone, location, payment, USB, ... for any page; WebAuthn (passkeys) for
# the portal's own origin only (core/middleware.py).
PERMISSIONS_POLICY = ", ".join(
    [
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "autoplay",
                "camera",
                "display-capture",
                "geolocation",
                "gyroscope",
                "magnetometer",
                "microphone",
                "midi",
                "payment",
                "serial",
                "usb",
                "xr-spatial-tracking",
                "interest-cohort",
            )
        ),
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
    ]
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = _env_bool("PORTAL_SSL_REDIRECT", True)
    # The load balancer's probes speak plain HTTP to the web process.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("PORTAL_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if _env_bool("PORTAL_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Storage and encryption -------------------------------------------------------------
# Every stored file goes through the file layer (pensionportal/files) into Django's default
# storage: the local folder PORTAL_STORAGE_DIR (embedded default), or S3 when
# PORTAL_STORAGE_URL (s3://bucket/prefix?endpoint=...&region=...) or PORTAL_S3_BUCKET is
# set (README "File storage"). Only ciphertext is ever written there.
STORAGE_DIR = Path(os.environ.get("PORTAL_STORAGE_DIR", str(BASE_DIR / "var" / "storage")))
STATIC_URL = "/static/"
# Production serves the collected, hashed files (`manage.py collectstatic` into
# STATIC_ROOT); a local installation serves the apps' static folders directly.
STATIC_ROOT = BASE_DIR / "var" / "static" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG


def _s3_options() -> dict[str, object] | None:
    url = urlsplit(os.environ.get("PORTAL_STORAGE_URL", ""))
    query = {key: values[-1] for key, values in parse_qs(url.query).items()}
    if url.scheme and url.scheme != "s3":
        raise ImproperlyConfigured("PORTAL_STORAGE_URL must start with s3:// (or be unset).")
    bucket = url.netloc if url.scheme == "s3" else os.environ.get("PORTAL_S3_BUCKET", "")
    if not bucket:
        return None

    def pick(name: str, query_name: str, default: str = "") -> str:
        return os.environ.get(name) or query.get(query_name, default)

    options: dict[str, object] = {
        "bucket_name": bucket,
        "location": (url.path.strip("/") if url.scheme else "")
        or os.environ.get("PORTAL_S3_PREFIX", "").strip("/"),
        "endpoint_url": pick("PORTAL_S3_ENDPOINT_URL", "endpoint") or None,
        "region_name": pick("PORTAL_S3_REGION", "region") or None,
        "access_key": os.environ.get("PORTAL_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("PORTAL_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": pick("PORTAL_S3_ADDRESSING_STYLE", "addressing") or None,
        "signature_version": "s3v4",
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": False,
        "max_memory_size": 0,
    }
    # Fail over in seconds rather than minutes when the store is down (boto3's default
    # retries with back-off): an upload is refused with a clear message instead.
    from botocore.config import Config

    options["client_config"] = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        signature_version="s3v4",
        s3={"addressing_style": options["addressing_style"] or "auto"},
    )
    verify = pick("PORTAL_S3_CA_BUNDLE", "ca_bundle")
    if verify:
        options["verify"] = verify
    return options


_S3 = _s3_options()


def _audit_checkpoint_storage() -> dict[str, object]:
    """Where the audit chain's signed checkpoints go (audit/checkpoints.py): the bucket of
    PORTAL_AUDIT_CHECKPOINT_URL (s3://bucket/prefix, ideally with object lock and other
    credentials than the portal's files), else a prefix of the file storage."""
    url = urlsplit(os.environ.get("PORTAL_AUDIT_CHECKPOINT_URL", ""))
    if url.scheme and url.scheme != "s3":
        raise ImproperlyConfigured(
            "PORTAL_AUDIT_CHECKPOINT_URL must start with s3:// (or be unset)."
        )
    if url.scheme == "s3" and _S3 is not None:
        return {
            "BACKEND": "pensionportal.files.backends.S3Storage",
            "OPTIONS": {**_S3, "bucket_name": url.netloc, "location": url.path.strip("/")},
        }
    if _S3 is not None:
        prefix = "/".join(p for p in (str(_S3["location"] or ""), "audit") if p)
        return {
            "BACKEND": "pensionportal.files.backends.S3Storage",
            "OPTIONS": {**_S3, "location": prefix},
        }
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(STORAGE_DIR / "audit"), "base_url": None},
    }


STORAGES: dict[str, dict[str, object]] = {
    "default": (
        {"BACKEND": "pensionportal.files.backends.S3Storage", "OPTIONS": _S3}
        if _S3 is not None
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(STORAGE_DIR), "base_url": None},
        }
    ),
    "audit": _audit_checkpoint_storage(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# No upload ever goes through Django's memory or temporary-file handlers: views declare
# their uploads (files/uploads.py) and everything else is refused.
FILE_UPLOAD_HANDLERS = ["pensionportal.files.uploads.RefuseUnplannedUploads"]
# Signed-in forms; upload URLs have their own limits, anonymous requests a few KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("PORTAL_FORM_BODY_LIMIT", str(2621440)))
ANONYMOUS_BODY_LIMIT = int(os.environ.get("PORTAL_ANONYMOUS_BODY_LIMIT", str(8 * 1024)))
# clamd's Unix socket (or tcp://host:port): every upload is scanned before it is accepted.
CLAMD_SOCKET = os.environ.get("PORTAL_CLAMD_SOCKET", "")


def _dev_encryption_key() -> str:
    digest = hashlib.sha256(("encryption:" + SECRET_KEY).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


# Fernet keys, newest first: data is written with the first and read with any. Rotate with
# `manage.py rotate_keys` (README "Rotating keys").
ENCRYPTION_KEYS = _env_list("PORTAL_ENCRYPTION_KEYS", "")
if not ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("PORTAL_ENCRYPTION_KEYS must be set when PORTAL_PRODUCTION=1.")
    ENCRYPTION_KEYS = [_dev_encryption_key()]

# Blind-index keys (duplicate-SIN detection), newest first, never SECRET_KEY in production.
# PORTAL_INDEX_KEY is the one-key form. In development the secret key stands in, which is
# also what indexes written before this setting existed were keyed with.
INDEX_KEYS = _env_list("PORTAL_INDEX_KEYS", os.environ.get("PORTAL_INDEX_KEY", ""))
if not INDEX_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("PORTAL_INDEX_KEY must be set when PORTAL_PRODUCTION=1.")
    INDEX_KEYS = [SECRET_KEY]

# Keys of the message search index (messaging/search_index.py: keyed hashes of the words
# of subjects and bodies), "id:secret" each, newest first; their own secrets, never an
# encryption or audit key. Rotate with `manage.py rotate_keys --index-only` (README).
SEARCH_INDEX_KEYS = _env_list("PORTAL_SEARCH_INDEX_KEYS", "")
if not SEARCH_INDEX_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("PORTAL_SEARCH_INDEX_KEYS must be set when PORTAL_PRODUCTION=1.")
    SEARCH_INDEX_KEYS = [
        "dev:" + hashlib.sha256(("search-index:" + SECRET_KEY).encode()).hexdigest()
    ]

# --- Signed forms (issue 20): the administrator's document-signing certificate ---------
# PEM files (README "Signed forms"). Outside production `make run` makes a development CA
# and certificate in SIGNING_DIR on the first run; production must configure its own.
SIGNING_DIR = Path(os.environ.get("PORTAL_SIGNING_DIR", str(BASE_DIR / "var" / "signing")))
SIGNING_KEY_FILE = os.environ.get("PORTAL_SIGNING_KEY", "")
SIGNING_CERT_FILE = os.environ.get("PORTAL_SIGNING_CERT", "")
SIGNING_CHAIN_FILES = _env_list("PORTAL_SIGNING_CHAIN", "")
SIGNING_TRUST_ROOT_FILES = _env_list("PORTAL_SIGNING_TRUST_ROOTS", "")
SIGNING_KEY_PASSPHRASE = os.environ.get(
    "PORTAL_SIGNING_KEY_PASSPHRASE",
    "" if PRODUCTION else hashlib.sha256(("signing:" + SECRET_KEY).encode()).hexdigest(),
)
# A member's signing link is single-use and expires; its e-mailed code lasts minutes.
# Not a plan rule: the portal's own security and reminder settings.
FORM_LINK_VALID_DAYS = int(os.environ.get("PORTAL_FORM_LINK_VALID_DAYS", "7"))
FORM_CODE_VALID_MINUTES = int(os.environ.get("PORTAL_FORM_CODE_VALID_MINUTES", "15"))
FORM_REMINDER_DAYS = int(os.environ.get("PORTAL_FORM_REMINDER_DAYS", "3"))
# --- Payroll systems: the REST API and the SFTP server (issue 19) ----------------------------
# Access tokens are JWTs signed with the first of these keys and accepted under any: rotate
# by putting a new key in front and removing the old one after API_TOKEN_SECONDS. Unset, a
# key is derived from the secret key (a label of its own, so it is no other key).
API_SIGNING_KEYS = _env_list("PORTAL_API_SIGNING_KEYS", "") or [
    hashlib.sha256(("api-tokens:" + SECRET_KEY).encode()).hexdigest()
]
API_TOKEN_SECONDS = int(os.environ.get("PORTAL_API_TOKEN_SECONDS", "3600"))
# Where `manage.py run_sftp` listens, and the address administrators are told to use.
SFTP_HOST = os.environ.get("PORTAL_SFTP_HOST", "127.0.0.1")
SFTP_PORT = int(os.environ.get("PORTAL_SFTP_PORT", "2222"))
SFTP_PUBLIC_ADDRESS = os.environ.get("PORTAL_SFTP_PUBLIC_ADDRESS", "")

# --- Audit trail (docs/security.md, "Audit trail") -------------------------------------
# MAC keys of the audit chain, newest first, "id:secret" each (audit/keys.py); from the
# secret store or KMS, never the database. In development a key derived from SECRET_KEY.
AUDIT_KEYS = _env_list("PORTAL_AUDIT_KEYS", "")
if not AUDIT_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("PORTAL_AUDIT_KEYS must be set when PORTAL_PRODUCTION=1.")
    AUDIT_KEYS = ["dev:" + hashlib.sha256(("audit:" + SECRET_KEY).encode()).hexdigest()]
# A signed checkpoint of the chain head this often (when it has grown), by the reaper.
AUDIT_CHECKPOINT_MINUTES = int(os.environ.get("PORTAL_AUDIT_CHECKPOINT_MINUTES", "60"))

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "PORTAL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("PORTAL_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PORTAL_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PORTAL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PORTAL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("PORTAL_EMAIL_TLS", False)
EMAIL_TIMEOUT = float(os.environ.get("PORTAL_EMAIL_TIMEOUT", "30"))  # a hung server is an error
DEFAULT_FROM_EMAIL = os.environ.get("PORTAL_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- The plan administrator as the issuer of invoices and statements --------------------
# Its name, address and contact are the seed's (select-employer-manual.txt, last page); the
# EFT details are given by the Pension Partner (remittance-timing.txt "Electronic Funds
# Transfer"), so a real installation must set them: the local defaults are marked DEMO.
_DEMO = not PRODUCTION
ISSUER_NAME = os.environ.get("PORTAL_ISSUER_NAME", "OPSEU Pension Trust (OPTrust)" if _DEMO else "")
ISSUER_ADDRESS = os.environ.get(
    "PORTAL_ISSUER_ADDRESS",
    "1 Adelaide Street East, Suite 1200|Toronto, ON  M5C 3A7" if _DEMO else "",
)  # lines separated by |
ISSUER_PHONE = os.environ.get("PORTAL_ISSUER_PHONE", "416 681-3609 or 1 833 678-7528")
ISSUER_EMAIL = os.environ.get("PORTAL_ISSUER_EMAIL", "email@optrustselect.com")
EFT_BANK = os.environ.get(
    "PORTAL_EFT_BANK", "DEMO Bank of Canada (not a real account)" if _DEMO else ""
)
EFT_ACCOUNT_NAME = os.environ.get(
    "PORTAL_EFT_ACCOUNT_NAME", "OPSEU Pension Trust contributions (DEMO)" if _DEMO else ""
)
EFT_INSTITUTION = os.environ.get("PORTAL_EFT_INSTITUTION", "000" if _DEMO else "")
EFT_TRANSIT = os.environ.get("PORTAL_EFT_TRANSIT", "00000" if _DEMO else "")
EFT_ACCOUNT = os.environ.get("PORTAL_EFT_ACCOUNT", "0000000" if _DEMO else "")
EFT_SWIFT = os.environ.get("PORTAL_EFT_SWIFT", "")

# --- Background tasks -------------------------------------------------------------------
# Tasks are queued in the database and run by `manage.py db_worker` (started beside the web
# server by `make run`; run one or more in production). PORTAL_TASK_BACKEND may name
# another django-tasks backend, e.g. django_tasks.backends.immediate.ImmediateBackend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("PORTAL_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Logging ----------------------------------------------------------------------------
# One JSON object a line in production (PORTAL_JSON_LOGS), with request id, user id and
# organization id (core/logs.py). Never a request body, a SIN, a message body or a file name.
JSON_LOGS = _env_bool("PORTAL_JSON_LOGS", PRODUCTION)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "pensionportal.core.logs.ContextFilter"},
        "expected_refusals": {"()": "pensionportal.core.logs.ExpectedRefusalFilter"},
    },
    "formatters": {
        "json": {"()": "pensionportal.core.logs.JsonFormatter"},
        "plain": {
            "()": "pensionportal.core.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if JSON_LOGS else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PORTAL_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # A 403 or 404 is an answer, not a fault: one line, no traceback.
        "django.request": {"filters": ["expected_refusals"]},
        "django.server": {"filters": ["expected_refusals"]},
        # fontTools logs every glyph of every PDF's font subset at INFO.
        "fontTools": {"level": "WARNING"},
        "fpdf": {"level": "WARNING"},
        # django-tasks adds its own handler when it has none: give it ours.
        "django_tasks": {"handlers": ["console"], "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "propagate": False},
    },
}

LANGUAGE_CODE = "en-ca"
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True
