"""gunicorn settings for Qihang's web nodes: ``gunicorn -c deploy/gunicorn.conf.py lms.wsgi``.

Every value can be overridden from the environment (``GUNICORN_CMD_ARGS`` or the variables
below), so the same file serves a laptop (`make services`) and a production node.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: a request holds one database connection for its whole life, and the hot path
# (an answer save) is one statement, so two to four processes per core keep the cores busy.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# A worker that takes longer than this on one request is killed and replaced; the client retries.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
# The proxy in front sets X-Forwarded-Proto; trust it only from the local machine by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Django logs each request itself (with its request id); gunicorn's access log would repeat it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
