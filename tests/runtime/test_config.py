"""Settings: defaults, parsing, and one clear line for every bad value."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

from nazh.config import DEFAULT_API_URL, ConfigError, load_settings, read_environment

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
RENDER_URL = "https://nazh.onrender.com"


def test_defaults_need_only_a_token() -> None:
    settings = load_settings({"DISCORD_TOKEN": TOKEN})
    assert settings.token == TOKEN
    assert settings.port == 8080
    assert settings.prefix == "!"
    assert settings.api_url == DEFAULT_API_URL
    assert settings.guild_ids == ()
    assert settings.roll_rate == (8, 10.0)
    assert settings.result_ttl_days == 7
    assert settings.result_ttl == 7 * 24 * 3600
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_database_url.endswith("data/nazh.sqlite3")


def test_every_key_is_read() -> None:
    settings = load_settings(
        {
            "DISCORD_TOKEN": TOKEN,
            "PORT": "9000",
            "NAZH_PREFIX": "?",
            "NAZH_OWNER_IDS": "1, 2,2",
            "NAZH_GUILD_IDS": "10;20",
            "NAZH_DISCORD_API_URL": "http://127.0.0.1:5000/api/v10/",
            "NAZH_DATA_DIR": "/tmp/x",
            "NAZH_DATABASE_URL": "postgresql://u@h:5432/d",
            "LOG_LEVEL": "debug",
            "NAZH_ROLL_RATE": "3/5",
            "NAZH_PUBLIC_URL": "https://nazh.example.com/",
            "NAZH_SELF_PING_INTERVAL": "120.5",
            "NAZH_RESULT_TTL_DAYS": "30",
            "NAZH_BUILDER_TIMEOUT": "90",
        }
    )
    assert settings.port == 9000
    assert settings.prefix == "?"
    assert settings.owner_ids == frozenset({1, 2})
    assert settings.guild_ids == (10, 20)
    assert settings.api_url == "http://127.0.0.1:5000/api/v10"
    assert settings.data_dir == Path("/tmp/x")
    assert settings.resolved_database_url == "postgresql://u@h:5432/d"
    assert settings.log_level == "DEBUG"
    assert settings.roll_rate == (3, 5.0)
    assert settings.public_url == "https://nazh.example.com"
    assert settings.self_ping_interval == 120.5
    assert settings.result_ttl_days == 30
    assert settings.result_ttl == 30 * 24 * 3600
    assert settings.builder_timeout == 90.0


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("PORT", "http", "PORT is invalid"),
        ("PORT", "70000", "PORT is invalid"),
        ("NAZH_PREFIX", "roll please", "NAZH_PREFIX is invalid"),
        ("NAZH_OWNER_IDS", "123,bob", "NAZH_OWNER_IDS is invalid"),
        ("NAZH_GUILD_IDS", "-5", "NAZH_GUILD_IDS is invalid"),
        ("NAZH_DISCORD_API_URL", "discord.com", "NAZH_DISCORD_API_URL is invalid"),
        ("NAZH_DATABASE_URL", "mysql://x", "NAZH_DATABASE_URL is invalid"),
        ("NAZH_DATABASE_URL", "postgresql:/u:secret@h/d", "NAZH_DATABASE_URL is invalid"),
        ("NAZH_DATABASE_URL", "postgresql://u@h:port/d", "NAZH_DATABASE_URL is invalid"),
        ("NAZH_DATABASE_URL", "sqlite+pysqlite:///x.db", "NAZH_DATABASE_URL is invalid"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL is invalid"),
        ("NAZH_ROLL_RATE", "0/10", "NAZH_ROLL_RATE is invalid"),
        ("NAZH_PUBLIC_URL", "nazh.onrender.com", "NAZH_PUBLIC_URL is invalid"),
        ("NAZH_SELF_PING_INTERVAL", "0.5", "NAZH_SELF_PING_INTERVAL is invalid"),
        ("NAZH_SELF_PING_INTERVAL", "-600", "NAZH_SELF_PING_INTERVAL is invalid"),
        ("NAZH_SELF_PING_INTERVAL", "ten minutes", "NAZH_SELF_PING_INTERVAL is invalid"),
        ("NAZH_SELF_PING_INTERVAL", "nan", "NAZH_SELF_PING_INTERVAL is invalid"),
        ("NAZH_SELF_PING_INTERVAL", "inf", "NAZH_SELF_PING_INTERVAL is invalid"),
        ("NAZH_RESULT_TTL_DAYS", "0", "NAZH_RESULT_TTL_DAYS is invalid"),
        ("NAZH_BUILDER_TIMEOUT", "10", "NAZH_BUILDER_TIMEOUT is invalid"),
        ("NAZH_BUILDER_TIMEOUT", "ten minutes", "NAZH_BUILDER_TIMEOUT is invalid"),
        ("NAZH_BUILDER_TIMEOUT", "inf", "NAZH_BUILDER_TIMEOUT is invalid"),
        ("NAZH_RESULT_TTL_DAYS", "366", "NAZH_RESULT_TTL_DAYS is invalid"),
        ("NAZH_RESULT_TTL_DAYS", "-7", "NAZH_RESULT_TTL_DAYS is invalid"),
        ("NAZH_RESULT_TTL_DAYS", "1.5", "NAZH_RESULT_TTL_DAYS is invalid"),
        ("NAZH_RESULT_TTL_DAYS", "a week", "NAZH_RESULT_TTL_DAYS is invalid"),
    ],
)
def test_bad_values_are_one_clear_line(key: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"DISCORD_TOKEN": TOKEN, key: value})
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message
    assert "secret" not in message


@pytest.mark.parametrize("days", [1, 365])
def test_result_ttl_accepts_one_day_to_a_year(days: int) -> None:
    settings = load_settings({"DISCORD_TOKEN": TOKEN, "NAZH_RESULT_TTL_DAYS": f" {days} "})
    assert settings.result_ttl_days == days
    assert settings.result_ttl == days * 86400


def test_self_ping_defaults_to_off_then_to_render_s_url() -> None:
    assert load_settings({"DISCORD_TOKEN": TOKEN}).public_url is None
    assert load_settings({"DISCORD_TOKEN": TOKEN}).self_ping_interval == 600
    render = {"DISCORD_TOKEN": TOKEN, "RENDER": "true", "RENDER_EXTERNAL_URL": RENDER_URL}
    assert load_settings(render).public_url == RENDER_URL
    custom = {**render, "NAZH_PUBLIC_URL": "https://dice.example.com"}
    assert load_settings(custom).public_url == "https://dice.example.com"


@pytest.mark.parametrize("interval", ["900", "900.0", "3600"])
def test_render_refuses_an_interval_that_lets_it_idle(interval: str) -> None:
    env = {
        "DISCORD_TOKEN": TOKEN,
        "RENDER": "true",
        "RENDER_SERVICE_TYPE": "web",
        "RENDER_EXTERNAL_URL": RENDER_URL,
        "NAZH_SELF_PING_INTERVAL": interval,
    }
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    message = str(caught.value)
    assert message.startswith("NAZH_SELF_PING_INTERVAL is invalid: Render spins a free web")
    assert "use less than 900" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "env",
    [
        {"RENDER": "true", "RENDER_EXTERNAL_URL": RENDER_URL, "NAZH_SELF_PING_INTERVAL": "899"},
        {"RENDER": "true", "RENDER_EXTERNAL_URL": RENDER_URL, "NAZH_SELF_PING_INTERVAL": "1"},
        # A background worker has no public URL and never idles: the interval does not matter.
        {"RENDER": "true", "RENDER_SERVICE_TYPE": "worker", "NAZH_SELF_PING_INTERVAL": "3600"},
        {"NAZH_PUBLIC_URL": "https://dice.example.com", "NAZH_SELF_PING_INTERVAL": "3600"},
        {"DYNO": "worker.1", "NAZH_SELF_PING_INTERVAL": "3600"},
    ],
)
def test_intervals_that_keep_the_host_awake_are_accepted(env: dict[str, str]) -> None:
    settings = load_settings({"DISCORD_TOKEN": TOKEN, **env})
    assert settings.self_ping_interval == float(env["NAZH_SELF_PING_INTERVAL"])


def test_a_heroku_web_dyno_refuses_half_an_hour() -> None:
    env = {
        "DISCORD_TOKEN": TOKEN,
        "DYNO": "web.1",
        "NAZH_PUBLIC_URL": "https://nazh.herokuapp.com",
        "NAZH_SELF_PING_INTERVAL": "1800",
    }
    with pytest.raises(ConfigError, match=r"^NAZH_SELF_PING_INTERVAL is invalid: Heroku"):
        load_settings(env)


def test_missing_token_explains_how_and_mentions_the_sandbox() -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set") as caught:
        load_settings({})
    assert "nazh sandbox" in str(caught.value)


def test_a_malformed_token_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigError, match="does not look like a bot token") as caught:
        load_settings({"DISCORD_TOKEN": "not-a-token"})
    assert "not-a-token" not in str(caught.value)


def test_token_is_never_in_the_repr() -> None:
    settings = load_settings({"DISCORD_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)


def test_dotenv_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("DISCORD_TOKEN=from-file\nNAZH_PREFIX=?\n")
    monkeypatch.setenv("NAZH_PREFIX", "$")
    env = read_environment(dotenv)
    assert env["DISCORD_TOKEN"] == "from-file"
    assert env["NAZH_PREFIX"] == "$"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "nazh: error: DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": TOKEN, "PORT": "x"}, "nazh: error: PORT is invalid"),
        (
            {
                "DISCORD_TOKEN": TOKEN,
                "RENDER": "true",
                "RENDER_EXTERNAL_URL": "https://nazh.onrender.com",
                "NAZH_SELF_PING_INTERVAL": "900",
            },
            "nazh: error: NAZH_SELF_PING_INTERVAL is invalid: Render",
        ),
        (
            {"DISCORD_TOKEN": TOKEN, "NAZH_RESULT_TTL_DAYS": "400"},
            "nazh: error: NAZH_RESULT_TTL_DAYS is invalid: expected whole days from 1 to 365",
        ),
    ],
)
def test_the_command_exits_with_one_line_and_no_traceback(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "PORT")}
    result = subprocess.run(
        [sys.executable, "-m", "nazh"],
        env={**clean, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(expected)
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_env_example_documents_every_key_with_a_valid_value() -> None:
    root = Path(__file__).resolve().parents[2]
    example = {k: v or "" for k, v in dotenv_values(root / ".env.example").items()}
    source = (root / "nazh" / "config.py").read_text()
    read = set(re.findall(r'"((?:NAZH_|DISCORD_|LOG_|PORT)[A-Z_]*)"', source))
    assert read == set(example)
    load_settings({**example, "DISCORD_TOKEN": TOKEN})
