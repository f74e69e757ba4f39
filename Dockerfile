# One image for every process: web (the default command), worker, beat and migrate
# differ only in the command they run (see docker-compose.yml).
FROM python:3.11-slim

# The settings find templates/, static/ and the collected .static/ next to the source
# tree (BASE_DIR is derived from the settings file), so the processes import the
# project from /app; `pip install .` provides the pinned dependencies and scripts.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

WORKDIR /app

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --no-create-home app

# Where every process writes its metrics (PROMETHEUS_MULTIPROC_DIR, docs/operations.md);
# the Compose volume mounted there takes this owner.
RUN mkdir -p /var/lib/mentoring/metrics && chown app:app /var/lib/mentoring/metrics

COPY . .
RUN pip install .

# Static files are collected once, at build time. Production settings refuse to load
# without these variables; the values below exist only for this step and do not stay
# in the image (nothing here connects to a database or broker).
RUN DJANGO_SETTINGS_MODULE=mentoring.settings.production \
    SECRET_KEY=collectstatic-only-not-a-secret \
    FIELD_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLWtleS0wMDA= \
    DATABASE_URL=postgres://build-app@localhost:5432/build \
    DATABASE_OWNER_URL=postgres://build-owner@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    ROOT_DOMAIN=build.invalid \
    python manage.py collectstatic --no-input --verbosity 1

USER app
EXPOSE 8000

# Gunicorn reads its worker count from WEB_CONCURRENCY (default 3, set above).
# No gunicorn access log: the request line of mentoring.ops.logs names the URL pattern,
# never the raw path (calendar feed addresses carry a secret token).
CMD ["gunicorn", "mentoring.wsgi:application", "--config", "python:mentoring.ops.gunicorn", "--bind", "0.0.0.0:8000"]
