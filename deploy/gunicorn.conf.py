"""gunicorn's settings for Familyhub (docs/DEPLOY.md): `gunicorn -c deploy/gunicorn.conf.py
familyhub.wsgi`. Each can be changed from the environment without editing this file."""

import multiprocessing
import os

bind = os.environ.get("FAMILYHUB_BIND", "0.0.0.0:8000")
# Sync workers, as gunicorn advises behind a buffering reverse proxy or load balancer.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("FAMILYHUB_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then so a slow leak never grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# The proxies whose X-Forwarded-Proto gunicorn believes (the load balancer's addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Familyhub logs each request itself, as JSON with its id and without the query string (search
# pages carry names there), so gunicorn's own access log stays off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

if os.environ.get("FAMILYHUB_LOG_FORMAT", "json").strip().lower() == "json":
    # gunicorn's own lines (workers starting, timeouts) as JSON too.
    _handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stderr",
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "familyhub.core.logs.JsonFormatter"}},
        "handlers": {"console": _handler, "error_console": _handler},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            # Off: a logging config would switch gunicorn's access log on, and its lines hold
            # the query string (the check in scripts/check-deploy fails if one appears).
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }
