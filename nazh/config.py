"""Settings read from the environment and a ``.env`` file, checked once at start-up."""

from __future__ import annotations

import dataclasses
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

import dotenv
from hikari.applications import get_token_id

from nazh.hosting.platform import PLAIN_HOST, SYSTEM_PROBE, detect_host

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from nazh.hosting.platform import Host, Probe

__all__ = (
    "DEFAULT_API_URL",
    "DEFAULT_HANDOVER_TIMEOUT",
    "DEFAULT_RESULT_TTL_DAYS",
    "DEFAULT_SELF_PING_INTERVAL",
    "ConfigError",
    "Settings",
    "load_settings",
    "read_environment",
    "validate_prefix",
)

DEFAULT_API_URL = "https://discord.com/api/v10"
_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
_PREFIX_FORBIDDEN = "`\\*_~|<>@#:"
_DATABASE_HINT = "expected sqlite:///path/to/file.db or postgresql://user@host:5432/db"
DEFAULT_SELF_PING_INTERVAL = 600.0
"""Seconds between self-pings: well inside Render's 15 idle minutes."""
DEFAULT_RESULT_TTL_DAYS = 7
DEFAULT_BUILDER_TIMEOUT = 600.0
_BUILDER_TIMEOUT_RANGE = (30.0, 86_400.0)
DEFAULT_HANDOVER_TIMEOUT = 25.0
"""Seconds a stopping cluster process hands shards over before it lets the rest go at once."""
_HANDOVER_TIMEOUT_MAX = 600.0
_MAX_RESULT_TTL_DAYS = 365
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*$")

_T = TypeVar("_T")


class ConfigError(Exception):
    """A missing or malformed setting; ``str(error)`` is one line fit to print."""


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """Everything Nazh reads from its environment."""

    token: str = dataclasses.field(repr=False)
    port: int = 8080
    health_host: str = "0.0.0.0"
    prefix: str = "!"
    owner_ids: frozenset[int] = frozenset()
    guild_ids: tuple[int, ...] = ()
    api_url: str = DEFAULT_API_URL
    data_dir: Path = Path("data")
    database_url: str | None = None
    log_level: str = "INFO"
    roll_rate: tuple[int, float] = (8, 10.0)
    shard_ids: tuple[int, ...] = ()
    """Shards this process runs (empty: all of them); needs `shard_count`."""
    shard_count: int | None = None
    """Total shards across every process (None: Discord's recommendation)."""
    cluster: bool = False
    """Whether this process claims its shards through the database (`NAZH_SHARD_IDS=auto`)."""
    shards_per_process: int | None = None
    """The most shards one process of a cluster runs (None: a fair share, uncapped)."""
    handover_timeout: float = DEFAULT_HANDOVER_TIMEOUT
    """Seconds a stopping cluster process spends handing its shards over, one at a time."""
    public_url: str | None = None
    """The bot's public base URL, pinged so that an idling host sees inbound traffic."""
    self_ping_interval: float = DEFAULT_SELF_PING_INTERVAL
    """Seconds between self-pings of `public_url` (a little less, with jitter)."""
    host: Host = PLAIN_HOST
    """The platform Nazh runs on, as detected at start-up."""
    result_ttl_days: int = DEFAULT_RESULT_TTL_DAYS
    """Days a roll result's buttons work and the result is kept."""
    builder_timeout: float = DEFAULT_BUILDER_TIMEOUT
    """Idle seconds before a dice builder expires (`NAZH_BUILDER_TIMEOUT`)."""

    @property
    def result_ttl(self) -> float:
        """`result_ttl_days` in seconds."""
        return self.result_ttl_days * 24 * 3600.0

    @property
    def resolved_database_url(self) -> str:
        """The storage URL: ``NAZH_DATABASE_URL``, or a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'nazh.sqlite3').resolve()}"


def read_environment(dotenv_path: Path | None = None) -> dict[str, str]:
    """The process environment over the values of ``.env`` (the environment wins)."""
    path = (
        dotenv_path if dotenv_path is not None else Path(dotenv.find_dotenv(usecwd=True) or ".env")
    )
    values = {k: v for k, v in dotenv.dotenv_values(path).items() if v is not None}
    values.update(os.environ)
    return values


def load_settings(env: Mapping[str, str], probe: Probe = SYSTEM_PROBE) -> Settings:
    """Build :class:`Settings` from ``env``, raising :class:`ConfigError` on the first bad value.

    ``probe`` reads the few files that tell a container from a plain host.
    """
    token = env.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env or the "
            "environment (see .env.example), or try `nazh sandbox` to run offline without one"
        )
    if any(c.isspace() for c in token):
        raise ConfigError("DISCORD_TOKEN contains whitespace: paste the bot token alone")
    try:
        get_token_id(token)
    except ValueError:
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token: copy it from the Bot tab of your "
            "application at https://discord.com/developers/applications"
        ) from None
    shard_count = _get(env, "NAZH_SHARD_COUNT", None, _shard_count)
    cluster = env.get("NAZH_SHARD_IDS", "").strip().lower() == "auto"
    shard_ids = () if cluster else _get(env, "NAZH_SHARD_IDS", (), _shard_ids)
    if shard_ids and shard_count is None:
        raise ConfigError("NAZH_SHARD_IDS needs NAZH_SHARD_COUNT, the total across processes")
    if shard_count is not None and any(i >= shard_count for i in shard_ids):
        raise ConfigError(f"NAZH_SHARD_IDS must be below NAZH_SHARD_COUNT ({shard_count})")
    database_url = _get(env, "NAZH_DATABASE_URL", None, _database_url)
    if cluster and not _is_postgres(database_url):
        raise ConfigError(
            "NAZH_SHARD_IDS=auto needs NAZH_DATABASE_URL on PostgreSQL: the processes of a "
            "cluster claim their shards through it"
        )
    shards_per_process = _get(env, "NAZH_SHARDS_PER_PROCESS", None, _shards)
    if shards_per_process is not None and not cluster:
        raise ConfigError(
            "NAZH_SHARDS_PER_PROCESS only applies with NAZH_SHARD_IDS=auto; remove it or set both"
        )
    host = detect_host(env, probe)
    public_url = _get(env, "NAZH_PUBLIC_URL", None, _http_url) or _get(
        env, "RENDER_EXTERNAL_URL", None, _http_url
    )
    interval = _get(env, "NAZH_SELF_PING_INTERVAL", DEFAULT_SELF_PING_INTERVAL, _interval)
    if public_url and host.idle_after is not None and interval >= host.idle_after:
        raise ConfigError(
            f"NAZH_SELF_PING_INTERVAL is invalid: {host.idle_note}, so a ping every "
            f"{interval:g} s would not keep it awake; use less than {host.idle_after:g} "
            f"(default {DEFAULT_SELF_PING_INTERVAL:g})"
        )
    return Settings(
        token=token,
        port=_get(env, "PORT", 8080, _port),
        health_host=_get(env, "NAZH_HEALTH_HOST", "0.0.0.0", _host),
        prefix=_get(env, "NAZH_PREFIX", "!", validate_prefix),
        owner_ids=frozenset(_get(env, "NAZH_OWNER_IDS", (), _snowflakes)),
        guild_ids=_get(env, "NAZH_GUILD_IDS", (), _snowflakes),
        api_url=_get(env, "NAZH_DISCORD_API_URL", DEFAULT_API_URL, _http_url),
        data_dir=_get(env, "NAZH_DATA_DIR", Path("data"), Path),
        database_url=database_url,
        log_level=_get(env, "LOG_LEVEL", "INFO", _log_level),
        roll_rate=_get(env, "NAZH_ROLL_RATE", (8, 10.0), _rate),
        shard_ids=shard_ids,
        shard_count=shard_count,
        cluster=cluster,
        shards_per_process=shards_per_process,
        handover_timeout=_get(
            env, "NAZH_HANDOVER_TIMEOUT", DEFAULT_HANDOVER_TIMEOUT, _handover_timeout
        ),
        public_url=public_url,
        self_ping_interval=interval,
        host=host,
        result_ttl_days=_get(env, "NAZH_RESULT_TTL_DAYS", DEFAULT_RESULT_TTL_DAYS, _days),
        builder_timeout=_get(
            env, "NAZH_BUILDER_TIMEOUT", DEFAULT_BUILDER_TIMEOUT, _builder_timeout
        ),
    )


def _get(env: Mapping[str, str], key: str, default: _T, convert: Callable[[str], _T]) -> _T:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return convert(raw)
    except ValueError as error:
        raise ConfigError(f"{key} is invalid: {error}") from None


def _port(raw: str) -> int:
    if not raw.isdigit() or not 0 <= int(raw) < 65536:
        raise ValueError(f"expected a port number from 0 to 65535, got {raw[:40]!r}")
    return int(raw)


def _host(raw: str) -> str:
    if any(c.isspace() or c in "/?#" for c in raw):
        raise ValueError(f"expected a host name or address, got {raw[:40]!r}")
    return raw


def validate_prefix(raw: str) -> str:
    """``raw`` if it can serve as a command prefix, else :class:`ValueError` saying why."""
    if not 0 < len(raw) <= 5 or any(c.isspace() or c in _PREFIX_FORBIDDEN for c in raw):
        raise ValueError(
            "expected 1 to 5 characters without spaces or any of "
            f"{' '.join(_PREFIX_FORBIDDEN)}, like ! or ?"
        )
    return raw


def _snowflakes(raw: str) -> tuple[int, ...]:
    ids: list[int] = []
    for part in raw.replace(";", ",").split(","):
        item = part.strip()
        if not item:
            continue
        if not item.isdigit() or not 0 < int(item) < 2**64:
            raise ValueError(f"expected comma-separated Discord IDs, got {item[:40]!r}")
        ids.append(int(item))
    return tuple(dict.fromkeys(ids))


def _shard_count(raw: str) -> int | None:
    return None if raw.lower() == "auto" else _shards(raw)


def _shards(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"expected a whole number of shards, at least 1, got {raw[:40]!r}")
    return int(raw)


def _handover_timeout(raw: str) -> float:
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not 0 <= seconds <= _HANDOVER_TIMEOUT_MAX:
        raise ValueError(
            f"expected seconds from 0 to {_HANDOVER_TIMEOUT_MAX:g}, like"
            f" {DEFAULT_HANDOVER_TIMEOUT:g}, got {raw[:40]!r}"
        )
    return seconds


def _is_postgres(url: str | None) -> bool:
    return url is not None and url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def _shard_ids(raw: str) -> tuple[int, ...]:
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(item.isdigit() for item in ids):
        raise ValueError(f"expected comma-separated shard numbers like 0,1, got {raw[:40]!r}")
    return tuple(sorted({int(item) for item in ids}))


def _http_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http(s) URL like {DEFAULT_API_URL}")
    return raw.rstrip("/")


def _interval(raw: str) -> float:
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 1:
        raise ValueError(f"expected seconds between pings, at least 1, like 600, got {raw[:40]!r}")
    return seconds


def _builder_timeout(raw: str) -> float:
    low, high = _BUILDER_TIMEOUT_RANGE
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not low <= seconds <= high:
        raise ValueError(
            f"expected idle seconds from {low:g} to {high:g}, like 600, got {raw[:40]!r}"
        )
    return seconds


def _days(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= _MAX_RESULT_TTL_DAYS:
        raise ValueError(
            f"expected whole days from 1 to {_MAX_RESULT_TTL_DAYS}, like"
            f" {DEFAULT_RESULT_TTL_DAYS}, got {raw[:40]!r}"
        )
    return int(raw)


def _database_url(raw: str) -> str:
    # Imported here: SQLAlchemy is heavy and only needed when the setting is present.
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    from nazh.storage.urls import resolve_url

    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise ValueError(_DATABASE_HINT) from None
    if url.get_backend_name() not in ("sqlite", "postgresql", "postgres"):
        raise ValueError(_DATABASE_HINT)
    resolve_url(url, Path())
    return raw


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in _LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(_LOG_LEVELS)}")
    return level


def _rate(raw: str) -> tuple[int, float]:
    match = _RATE.match(raw)
    if not match or int(match[1]) < 1 or float(match[2]) <= 0:
        raise ValueError("expected rolls/seconds, like 8/10")
    return int(match[1]), float(match[2])
