"""The container's health check: GET /healthz on this container's gunicorn, exit 0 when 200.

It sends a Host header from ALLOWED_HOSTS (Django refuses any other) and says the request came
over HTTPS (as the load balancer would), so neither the host check nor the HTTPS redirect gets
in the way. The answer's JSON is printed, for `docker inspect`.
"""

import os
import sys
import urllib.error
import urllib.request

hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
host = (hosts[0] if hosts else "localhost").lstrip(".")
if host == "*":
    host = "localhost"
port = os.environ.get("FAMILYHUB_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        print(response.read().decode())
        sys.exit(0 if response.status == 200 else 1)
except urllib.error.HTTPError as error:
    print(error.read().decode())
    sys.exit(1)
except OSError as error:
    print(f"no answer from http://127.0.0.1:{port}/healthz: {error}")
    sys.exit(1)
