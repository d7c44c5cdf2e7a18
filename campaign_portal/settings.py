"""Settings for campaign_portal: one module, every deployment difference comes from the environment."""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local data of a development run: SQLite file, media, queue files
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")
if os.environ.get("PYTEST_XDIST_WORKER"):  # a parallel test run: this worker's own Redis db and var/ folder
    from campaign_portal.test_workers import isolate_worker

    isolate_worker(os.environ, VAR_DIR)

TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_celery_beat",
    "campaign_portal.core",
    "directives",
    "pledges",
    "projects",
    "emulation",
    "reports",
]
# Demo seeding and benchmarks (seed_demo, bench_reports, bench_load): development, tests and CI only.
PORTAL_DEVTOOLS = env.bool("PORTAL_DEVTOOLS", default=DEBUG or TESTING)
if PORTAL_DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campaign_portal.core.middleware.PortalLocaleMiddleware",
    "directives.middleware.DataVersionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "campaign_portal.core.middleware.ContentSecurityPolicyMiddleware",
    "campaign_portal.core.middleware.BadInputMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "campaign_portal.urls"
WSGI_APPLICATION = "campaign_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaign_portal.core.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # Measured: CONN_MAX_AGE=0 made a one-query page 12x slower; health checks survive a DB restart.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "campaign_portal.core.auth.PortalBackend",  # ModelBackend + the membership in the same query
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "campaign_portal.core.sessions"  # Django's database sessions, read without the ORM per request
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
# One combination (a nested list): a flat list would lock a whole office behind one NAT address, or let anyone
# lock any user out from anywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind load balancers the lockout must see the client's address, not the balancer's (core/client_ip.py).
PORTAL_PROXY_COUNT = env.int("PORTAL_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "campaign_portal.core.client_ip.client_ip"

# --- Internationalisation -------------------------------------------------------------------
# Vietnamese is the source language of every UI string; English is a translation (locale/en).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["campaign_portal.formats"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "campaign_portal.core.storage.PortalStaticFilesStorage"  # WhiteNoise's, addresses kept
    },
}
# Uploaded files are private: no MEDIA_URL is routed; views check access and stream them.
# Tests and DEBUG serve static files from the finders (no collectstatic; no "No directory" warning).
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# PORTAL_MEDIA_STORAGE=s3: media in an S3-compatible bucket (MinIO, a government cloud's S3) shared by every
# node, through django-storages. Objects are private (no public ACL); downloads still go through the
# permission-checked views, streamed from the bucket; any URL the storage signs expires after S3_URL_EXPIRE s.
PORTAL_MEDIA_STORAGE = env.str("PORTAL_MEDIA_STORAGE", default="local")
if PORTAL_MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,  # empty: AWS itself
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,  # empty: boto3's own chain (IAM role)
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),  # MinIO and most S3-compatibles
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("S3_URL_EXPIRE", default=300),
            "file_overwrite": False,  # random names already; never replace another upload
        },
    }
elif PORTAL_MEDIA_STORAGE != "local":
    raise ImproperlyConfigured("PORTAL_MEDIA_STORAGE must be 'local' or 's3'.")
MEDIA_URL = "/media-not-served/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Ban Thi đua - Khen thưởng <thidua@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
# No broker configured: tasks run eagerly inside the caller (tests, plain runserver).
# `make run` sets CELERY_BROKER_URL=filesystem:// and starts a real worker + beat on it.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # One folder per run: two local runs on one tree must not take each other's tasks.
    _queue_dir = env.path("PORTAL_QUEUE_DIR", default=str(VAR_DIR / "celery-queue"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir) + "-processed",
        "control_folder": str(_queue_dir) + "-control",  # kombu's default is ./control in the working dir
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)  # KiB
CELERY_TIMEZONE = TIME_ZONE
# With JSON logs the worker keeps Django's LOGGING (its own format would mix plain lines into the stream).
CELERY_WORKER_HIJACK_ROOT_LOGGER = env.str("LOG_FORMAT", default="text") != "json"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ROUTES = {"reports.tasks.*": {"queue": "reports"}}
CELERY_TASK_DEFAULT_QUEUE = "celery"

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------
SECURE = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]  # a load balancer probes each node over plain HTTP
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Portal ---------------------------------------------------------------------------------
# Python's cycle collector: a young-generation pass every PORTAL_GC_GEN0 new objects (0: Python's default,
# 700). See campaign_portal/core/apps.py for the measurement.
PORTAL_GC_GEN0 = env.int("PORTAL_GC_GEN0", default=10_000)
PORTAL_PROVINCE_NAME = env.str("PORTAL_PROVINCE_NAME", default="Đắk Lắk")
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
PORTAL_PHOTO_MAX_BYTES = env.int("PORTAL_PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
PORTAL_KEY_WORK_RISK_DAYS = env.int("PORTAL_KEY_WORK_RISK_DAYS", default=30)
PORTAL_KEY_WORK_RISK_PROGRESS = env.int("PORTAL_KEY_WORK_RISK_PROGRESS", default=80)
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# A report build touches its row every HEARTBEAT seconds; one silent for STALLED seconds lost its worker and is
# re-queued (reports.tasks.requeue_stalled_reports, every 30 s).
PORTAL_REPORT_HEARTBEAT_SECONDS = env.int("PORTAL_REPORT_HEARTBEAT_SECONDS", default=10)
PORTAL_REPORT_STALLED_SECONDS = env.int("PORTAL_REPORT_STALLED_SECONDS", default=45)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # LOG_FORMAT=json: one JSON object per line (time, level, logger, message, host, process) for a collector.
    "formatters": {"json": {"()": "campaign_portal.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"}
        | ({"formatter": "json"} if env.str("LOG_FORMAT", default="text") == "json" else {})
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}
# The signer printed under generated reports (Decree 30 signature block); the report form may override both.
PORTAL_REPORT_SIGNER_TITLE = env.str("PORTAL_REPORT_SIGNER_TITLE", default="PHÓ CHỦ TỊCH")
PORTAL_REPORT_SIGNER_NAME = env.str("PORTAL_REPORT_SIGNER_NAME", default="")
PORTAL_NAVIGATION = "campaign_portal.navigation.NAVIGATION"
AXES_VERBOSE = False
