"""Deployment: production settings refuse to run half-configured, `check --deploy` is clean,
and docker-compose.yml runs one image as web, worker and exactly one beat.

None of these tests touches the database: the settings tests run Django in a subprocess
with an environment built from scratch, and the Compose tests read files.
"""

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from cryptography.fernet import Fernet

from tests.builders.processes import output_of, printed_by_django, run_python

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
POSTGRES_INIT_SQL = ROOT / "docker" / "postgres-init.sql"
REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "DATABASE_URL",
    "DATABASE_OWNER_URL",
    "REDIS_URL",
    "ROOT_DOMAIN",
)
APP_PROCESSES = ("web", "worker", "beat")


def production_env(**overrides: str) -> dict[str, str]:
    """A complete, fake production environment, built from nothing rather than os.environ.

    Nothing is inherited from the test run (which has DATABASE_URL and friends pointing at
    the test servers). base.py also reads `.dev/runtime.env`, found next to the source
    whatever the working directory, but only for variables that are not set at all; every
    required variable is therefore always present here, and a test "removes" one by
    setting it empty, which production settings treat as missing. A value `make run` left
    in that file can thus never fill one in.
    """
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": "postgres://mentoring_app:app-password@127.0.0.1:5432/mentoring",
        "DATABASE_OWNER_URL": "postgres://postgres:owner-password@127.0.0.1:5432/mentoring",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ROOT_DOMAIN": "example.org",
    }
    env.update(overrides)
    return env


def test_check_deploy_finds_no_issues_in_a_complete_production_environment():
    result = run_python(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=production_env()
    )
    assert result.returncode == 0, output_of(result)
    assert "System check identified no issues (0 silenced)." in result.stdout, output_of(result)


@pytest.mark.parametrize("name", REQUIRED_IN_PRODUCTION)
def test_production_settings_refuse_to_load_when_a_required_variable_is_missing(name):
    result = run_python("-c", "import django; django.setup()", env=production_env(**{name: ""}))
    assert result.returncode != 0, output_of(result)
    assert "ImproperlyConfigured" in result.stderr, output_of(result)
    assert f"{name} is not set" in result.stderr, output_of(result)


def test_production_settings_refuse_an_encryption_key_that_is_not_a_fernet_key():
    result = run_python(
        "-c", "import django; django.setup()", env=production_env(FIELD_ENCRYPTION_KEYS="hunter2")
    )
    assert result.returncode != 0, output_of(result)
    assert "FIELD_ENCRYPTION_KEYS: key 1 is not a Fernet key" in result.stderr, output_of(result)


UNKNOWN_PAGE = """
import json
from django.test import Client, override_settings
# The image collects static files at build time; here the page links them unhashed.
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={"default": plain, "staticfiles": plain}):
    response = Client().get("/no-such-page/", HTTP_HOST="example.org", secure=True)
print(json.dumps({"status": response.status_code, "page": response.content.decode()}))
"""


@pytest.mark.parametrize("debug", ["", "true"])
def test_an_unknown_address_in_production_answers_the_plain_not_found_page(debug):
    """Django's technical 404 page lists every URL pattern; development keeps it, but
    production never shows it, whatever DEBUG the environment sets."""
    answer = json.loads(printed_by_django(UNKNOWN_PAGE, env=production_env(DEBUG=debug)))
    assert answer["status"] == 404
    assert "We couldn't find that page" in answer["page"]
    for leak in ("URLconf", "admin/", "notifications/", "api/", "DEBUG = True"):
        assert leak not in answer["page"]


def test_check_deploy_fails_when_the_application_connects_as_the_owner():
    owner_url = "postgres://postgres:owner-password@127.0.0.1:5432/mentoring"
    env = production_env(DATABASE_URL=owner_url, DATABASE_OWNER_URL=owner_url)
    result = run_python("manage.py", "check", "--deploy", env=env)
    assert result.returncode != 0, output_of(result)
    assert "mentoring.E001" in result.stderr, output_of(result)


# --- docker-compose.yml ---------------------------------------------------------------


def compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(  # noqa: S603 - fixed arguments
            [docker, "compose", "version"], capture_output=True, text=True, timeout=60
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    docker_compose = shutil.which("docker-compose")
    return [docker_compose] if docker_compose else None


def compose_services() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def command_of(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def app_environment(service: dict) -> dict[str, str]:
    environment = service["environment"]
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def test_docker_compose_accepts_the_compose_file():
    cli = compose_cli()
    if cli is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [*cli, "-f", str(COMPOSE_FILE), "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, output_of(result)


def test_web_worker_and_beat_share_one_image_and_differ_only_in_what_they_run():
    services = compose_services()
    web, worker, beat = (services[name] for name in APP_PROCESSES)
    assert web["build"] == worker["build"] == beat["build"] == services["migrate"]["build"]
    assert web["image"] == worker["image"] == beat["image"] == services["migrate"]["image"]

    def shared(service: dict) -> dict:
        own = {"command", "ports", "healthcheck"}
        return {key: value for key, value in service.items() if key not in own}

    assert shared(web) == shared(worker) == shared(beat)
    assert command_of(web)[:2] == ["gunicorn", "mentoring.wsgi:application"]
    assert command_of(worker)[:4] == ["celery", "-A", "mentoring", "worker"]
    assert command_of(beat)[:4] == ["celery", "-A", "mentoring", "beat"]


def test_exactly_one_service_runs_celery_beat():
    services = compose_services()
    runs_beat = {
        name
        for name, service in services.items()
        if {"beat", "-B", "--beat"} & set(command_of(service))
    }
    assert runs_beat == {"beat"}
    beat = services["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1


def test_the_processes_start_after_migrate_has_finished_successfully():
    services = compose_services()
    assert "manage.py migrate" in " ".join(command_of(services["migrate"]))
    assert "manage.py seed_demo" in " ".join(command_of(services["migrate"]))
    for name in APP_PROCESSES:
        dependency = services[name]["depends_on"]["migrate"]
        assert dependency["condition"] == "service_completed_successfully", name


def test_compose_checks_the_health_of_the_web_process_the_worker_and_both_stores():
    services = compose_services()
    checks = {
        name: " ".join(services[name]["healthcheck"]["test"])
        for name in ("postgres", "redis", "web", "worker")
    }
    assert "pg_isready" in checks["postgres"]
    assert "redis-cli ping" in checks["redis"]
    assert "http://127.0.0.1:8000/healthz" in checks["web"]
    assert "inspect ping" in checks["worker"]
    for name in ("migrate", *APP_PROCESSES):
        for store in ("postgres", "redis"):
            assert services[name]["depends_on"][store]["condition"] == "service_healthy"


def test_web_runs_gunicorn_with_the_hook_that_forgets_dead_workers_metrics():
    services = compose_services()
    command = command_of(services["web"])
    assert command[command.index("--config") + 1] == "python:mentoring.ops.gunicorn"
    environment = app_environment(services["web"])
    metrics_dir = environment["PROMETHEUS_MULTIPROC_DIR"]
    # Web, worker and beat write to one directory, so web's /metrics adds up all of them.
    for name in APP_PROCESSES:
        assert f"metrics:{metrics_dir}" in services[name]["volumes"], name


def test_compose_gives_the_application_everything_production_settings_require():
    environment = app_environment(compose_services()["web"])
    assert environment["DJANGO_SETTINGS_MODULE"] == "mentoring.settings.production"
    missing = [name for name in REQUIRED_IN_PRODUCTION if not environment.get(name)]
    assert missing == []


def test_compose_connects_the_application_as_the_non_owner_role_the_init_script_creates():
    services = compose_services()
    environment = app_environment(services["web"])
    app = urlsplit(environment["DATABASE_URL"])
    owner = urlsplit(environment["DATABASE_OWNER_URL"])
    assert app.username == "mentoring_app"
    assert owner.username == services["postgres"]["environment"]["POSTGRES_USER"]
    assert owner.password == services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert app.username != owner.username

    init_sql = POSTGRES_INIT_SQL.read_text()
    create_role = re.search(r"CREATE ROLE mentoring_app\b(.*?);", init_sql, re.S | re.I)
    assert create_role, "docker/postgres-init.sql does not create mentoring_app"
    options = create_role.group(1).upper().split()
    assert {"LOGIN", "NOSUPERUSER", "NOBYPASSRLS"} <= set(options)
    assert f"PASSWORD '{app.password}'" in create_role.group(1)

    mounts = [str(volume) for volume in services["postgres"]["volumes"]]
    assert any(
        mount.startswith("./docker/postgres-init.sql:/docker-entrypoint-initdb.d/")
        for mount in mounts
    ), mounts


def test_production_sends_cookies_over_https_only_and_asks_for_https_for_a_year():
    names = (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_DOMAIN",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "MFA_TOTP_INSECURE_BYPASS_CODE",
        "SSO_ALLOW_INSECURE_ISSUERS",
    )
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}))"
    )
    result = run_python("-c", script, env=production_env())
    assert result.returncode == 0, output_of(result)
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    # Host-only cookies: each organization's host keeps its own session.
    assert values["SESSION_COOKIE_DOMAIN"] is None
    assert values["CSRF_COOKIE_DOMAIN"] is None
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["MFA_TOTP_INSECURE_BYPASS_CODE"] is None
    assert values["SSO_ALLOW_INSECURE_ISSUERS"] is False
