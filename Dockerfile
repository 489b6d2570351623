# syntax=docker/dockerfile:1
# Familyhub's production image (docs/DEPLOY.md). One image, three process types:
#   web     gunicorn (the default command), static files served by WhiteNoise
#   worker  familyhub db_worker (background tasks)
#   migrate familyhub migrate --noinput (run once per release, as the database's owner)
# The Python environment is installed from pyproject.toml with every version pinned by
# requirements.lock (pip --constraint: the lock's versions, without the test and demo tools).
# scripts/check-deploy runs these same steps outside Docker in CI.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml MANIFEST.in requirements.lock requirements.in requirements-demo.in README.md LICENSE ./
COPY familyhub ./familyhub
RUN python -m venv /opt/familyhub \
    && /opt/familyhub/bin/pip install --constraint requirements.lock . \
    && /opt/familyhub/bin/pip check

FROM ${PYTHON_IMAGE}
# pg_dump and pg_restore for familyhub backup / restore: the same major version as the server
# (compose.yaml runs PostgreSQL 15).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 familyhub \
    && useradd --system --uid 10001 --gid familyhub --home-dir /var/lib/familyhub \
        --shell /usr/sbin/nologin familyhub \
    && install -d -o familyhub -g familyhub -m 0750 /var/lib/familyhub /var/lib/familyhub/backups \
        /var/lib/familyhub-checkpoints
COPY --from=build /opt/familyhub /opt/familyhub
COPY deploy/gunicorn.conf.py deploy/healthcheck.py /etc/familyhub/
ENV PATH=/opt/familyhub/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=familyhub.settings \
    FAMILYHUB_VAR_DIR=/var/lib/familyhub \
    FAMILYHUB_STATIC_ROOT=/opt/familyhub/static
# Static files are collected into the image (compressed for WhiteNoise), outside the data volume.
# collectstatic needs settings to start: these throwaway keys exist for this one command only.
RUN SECRET_KEY="image-build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    FAMILYHUB_ACCESS_LOG_KEY="image-build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    familyhub collectstatic --noinput --verbosity 0 \
    && rm -f /tmp/collectstatic.sqlite3
USER familyhub:familyhub
WORKDIR /var/lib/familyhub
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/etc/familyhub/healthcheck.py"]
CMD ["gunicorn", "--config", "/etc/familyhub/gunicorn.conf.py", "familyhub.wsgi"]
