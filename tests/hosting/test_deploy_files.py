"""The deploy files: render.yaml and compose.yaml against their published schemas, the
Dockerfile linted (no Docker engine runs here), the .dockerignore and the Procfile."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from typing import Any

import jsonschema_rs
import pytest
import yaml
from dockerfile_parse import DockerfileParser
from dotenv import dotenv_values
from packaging.specifiers import SpecifierSet
from sqlalchemy import make_url

from nazh.config import load_settings
from nazh.hosting.healthcheck import health_url
from nazh.hosting.platform import Platform
from tests.hosting.hosting_support import ROOT, DockerIgnore, FakeProbe

SCHEMAS = ROOT / "tests" / "hosting" / "schemas"
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
HEALTHCHECK_COMMAND = ["python", "-m", "nazh.hosting.healthcheck"]
_INTERPOLATION = re.compile(r"\$\{(\w+)(?::?-([^}]*)|:\?[^}]*)?\}")


def _yaml(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text())


def _errors(schema_file: str, document: object) -> list[str]:
    schema = json.loads((SCHEMAS / schema_file).read_text())
    validator = jsonschema_rs.validator_for(schema)
    return [
        f"{list(error.instance_path)}: {error.message}" for error in validator.iter_errors(document)
    ]


def _nazh_keys() -> set[str]:
    return set(dotenv_values(ROOT / ".env.example"))


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}``, from ``env``."""
    return _INTERPOLATION.sub(lambda m: env.get(m[1]) or m[2] or "", value)


# render.yaml


def test_render_yaml_matches_render_s_schema() -> None:
    assert _errors("render.yaml.json", _yaml("render.yaml")) == []


def test_the_render_schema_is_live() -> None:
    blueprint = _yaml("render.yaml")
    blueprint["services"][0]["healthCheckPath"] = 5
    blueprint["services"][0]["healthcheck"] = "/healthz"
    assert len(_errors("render.yaml.json", blueprint)) >= 1


def test_render_blueprint_is_a_free_web_service_checked_on_healthz() -> None:
    (service,) = _yaml("render.yaml")["services"]
    assert service["type"] == "web"
    assert service["plan"] == "free"
    assert service["healthCheckPath"] == "/healthz"
    assert service["runtime"] == "docker"
    assert (ROOT / service["dockerfilePath"]).is_file()


def test_render_env_vars_are_nazh_s_and_the_token_is_asked_for_not_stored() -> None:
    (service,) = _yaml("render.yaml")["services"]
    variables = {item["key"]: item for item in service["envVars"]}
    assert set(variables) <= _nazh_keys()
    assert variables["DISCORD_TOKEN"] == {"key": "DISCORD_TOKEN", "sync": False}
    assert variables["NAZH_DATABASE_URL"] == {"key": "NAZH_DATABASE_URL", "sync": False}
    given = {key: str(item["value"]) for key, item in variables.items() if "value" in item}
    render = {
        "RENDER": "true",
        "RENDER_SERVICE_TYPE": "web",
        "RENDER_EXTERNAL_URL": "https://nazh.onrender.com",
    }
    settings = load_settings({**given, **render, "DISCORD_TOKEN": TOKEN}, FakeProbe())
    assert settings.host.platform is Platform.RENDER
    assert settings.public_url == "https://nazh.onrender.com"
    assert settings.host.idle_after is not None
    assert settings.self_ping_interval < settings.host.idle_after


# compose.yaml


def test_compose_yaml_matches_the_compose_specification() -> None:
    assert _errors("compose-spec.json", _yaml("compose.yaml")) == []


def test_the_compose_schema_is_live() -> None:
    compose = _yaml("compose.yaml")
    compose["services"]["nazh"]["depends_on"]["postgres"]["condition"] = "when_ready"
    assert len(_errors("compose-spec.json", compose)) >= 1


def test_compose_runs_nazh_on_postgres_with_a_named_volume_and_health_checks() -> None:
    compose = _yaml("compose.yaml")
    nazh, postgres = compose["services"]["nazh"], compose["services"]["postgres"]
    assert nazh["build"] == "."
    assert (ROOT / "Dockerfile").is_file()
    assert re.fullmatch(r"postgres:\d+(\.\d+)?-alpine", postgres["image"])
    assert nazh["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "pg_isready" in postgres["healthcheck"]["test"][1]
    assert nazh["healthcheck"]["test"] == ["CMD", *HEALTHCHECK_COMMAND]
    (volume,) = postgres["volumes"]
    name, _, target = volume.partition(":")
    assert name in compose["volumes"]
    assert target == "/var/lib/postgresql/data"
    assert nazh["restart"] == postgres["restart"] == "unless-stopped"


def test_compose_points_nazh_at_its_postgres_and_needs_only_a_token() -> None:
    compose = _yaml("compose.yaml")
    nazh, postgres = compose["services"]["nazh"], compose["services"]["postgres"]
    environment = {key: _interpolate(str(value), {}) for key, value in nazh["environment"].items()}
    assert "${DISCORD_TOKEN:?" in nazh["environment"]["DISCORD_TOKEN"]
    url = make_url(environment["NAZH_DATABASE_URL"])
    database = {key: _interpolate(value, {}) for key, value in postgres["environment"].items()}
    assert url.get_backend_name() == "postgresql"
    assert url.host == "postgres"
    assert url.username == database["POSTGRES_USER"]
    assert url.password == database["POSTGRES_PASSWORD"]
    assert url.database == database["POSTGRES_DB"]
    env = {**environment, "DISCORD_TOKEN": TOKEN}
    settings = load_settings(env, FakeProbe({"/.dockerenv": ""}))
    assert settings.database_url == environment["NAZH_DATABASE_URL"]
    assert settings.host.platform is Platform.DOCKER
    assert set(nazh["environment"]) <= _nazh_keys()
    assert nazh["env_file"] == [{"path": ".env", "required": False}]


# Dockerfile and .dockerignore


def _dockerfile() -> DockerfileParser:
    return DockerfileParser(path=str(ROOT / "Dockerfile"))


def _final_stage() -> list[Any]:
    instructions = [i for i in _dockerfile().structure if i["instruction"] != "COMMENT"]
    last_from = max(n for n, i in enumerate(instructions) if i["instruction"] == "FROM")
    return instructions[last_from:]


def _exec_form(value: str) -> list[str]:
    parsed = json.loads(value)
    assert isinstance(parsed, list)
    return [str(part) for part in parsed]


def test_base_images_are_slim_python_pinned_to_a_release_nazh_supports() -> None:
    images = _dockerfile().parent_images
    assert images
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    for image in images:
        match = re.fullmatch(r"python:(\d+\.\d+\.\d+)-slim-[a-z]+", image)
        assert match, f"{image}: expected python:X.Y.Z-slim-<debian release>, never latest"
        assert match[1] in SpecifierSet(requires)
    assert len(set(images)) == 1


def test_the_image_runs_as_a_user_it_creates_not_root() -> None:
    final = _final_stage()
    users = [i["value"].strip() for i in final if i["instruction"] == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    assert not users[-1].startswith(("root:", "0:"))
    created = " ".join(i["value"] for i in final if i["instruction"] == "RUN")
    assert re.search(rf"useradd\b[^&]*\b{re.escape(users[-1])}\b", created)


def test_the_image_health_check_asks_healthz() -> None:
    final = _final_stage()
    (check,) = [i["value"] for i in final if i["instruction"] == "HEALTHCHECK"]
    options, _, command = check.partition("CMD")
    assert "--interval=" in options
    assert "--timeout=" in options
    assert _exec_form(command) == HEALTHCHECK_COMMAND
    assert health_url({}).endswith("/healthz")


def test_the_image_starts_nazh_and_exposes_its_port() -> None:
    final = _final_stage()
    (command,) = [i["value"] for i in final if i["instruction"] == "CMD"]
    assert _exec_form(command) == ["python", "-m", "nazh"]
    env = _dockerfile().envs
    (exposed,) = [i["value"] for i in final if i["instruction"] == "EXPOSE"]
    assert exposed == env["PORT"]
    assert env["NAZH_DATA_DIR"].startswith("/")


def test_pip_keeps_no_cache_in_the_image() -> None:
    runs = [i["value"] for i in _dockerfile().structure if i["instruction"] == "RUN"]
    installs = [run for run in runs if re.search(r"\bpip\b.*\binstall\b", run)]
    assert installs
    assert all("--no-cache-dir" in run for run in installs)
    assert not any("apt-get install" in run for run in runs)


def test_every_file_the_build_copies_is_in_the_build_context() -> None:
    ignore = DockerIgnore((ROOT / ".dockerignore").read_text())
    copies = [
        i["value"].split()
        for i in _dockerfile().structure
        if i["instruction"] == "COPY" and "--from=" not in i["value"]
    ]
    sources = [source for *sources, _ in copies for source in sources]
    assert {"pyproject.toml", "README.md", "nazh", "plugins"} <= set(sources)
    tracked = subprocess.run(
        ["git", "ls-files", *sources],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert any(path.startswith("nazh/hosting/") for path in tracked)
    assert [path for path in tracked if ignore.excludes(path)] == []


def test_secrets_and_local_state_stay_out_of_the_build_context() -> None:
    ignore = DockerIgnore((ROOT / ".dockerignore").read_text())
    for path in (".env", ".env.local", ".git/config", ".venv/bin/python", "data/nazh.sqlite3"):
        assert ignore.excludes(path), path
    assert ignore.excludes("nazh/__pycache__/app.cpython-312.pyc")
    assert not ignore.excludes("nazh/app.py")


def test_the_dockerignore_reader_follows_docker_s_rules() -> None:
    ignore = DockerIgnore("# comment\n*.md\n!README.md\n**/cache\ndocs/?.txt\n")
    assert ignore.excludes("CHANGES.md")
    assert not ignore.excludes("README.md")
    assert not ignore.excludes("docs/CHANGES.md")
    assert ignore.excludes("a/b/cache/file")
    assert ignore.excludes("cache")
    assert ignore.excludes("docs/a.txt")
    assert not ignore.excludes("docs/ab.txt")


# Procfile


def test_the_procfile_has_one_process_line_and_explains_web_against_worker() -> None:
    text = (ROOT / "Procfile").read_text()
    processes = re.findall(r"^([A-Za-z0-9_-]+):\s*(.+)$", text, flags=re.MULTILINE)
    assert processes == [("web", "python -m nazh")]
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "web:" in comments
    assert "Render" in comments
    assert "worker: python -m nazh" in comments
    assert "Heroku" in comments


@pytest.mark.parametrize("argument", ["--version", "--help"])
def test_the_procfile_command_runs(argument: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nazh", argument],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "nazh" in result.stdout
