"""``python -m nazh.hosting.healthcheck``: exit 0 when this machine's Nazh answers ``/healthz``.

The Docker image's ``HEALTHCHECK`` runs it: the slim base image has no curl. It reads ``PORT``
and ``NAZH_HEALTH_HOST`` as the bot does.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, cast

from nazh.config import read_environment

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("check", "health_url", "main")

_ANY_ADDRESS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


def health_url(env: Mapping[str, str]) -> str:
    """The ``/healthz`` URL of the health server that ``env`` configures, seen from this machine."""
    host = env.get("NAZH_HEALTH_HOST", "").strip()
    host = _ANY_ADDRESS.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    port = env.get("PORT", "").strip() or "8080"
    return f"http://{host}:{port}/healthz"


def check(url: str, timeout: float = 4.0) -> str | None:
    """None when ``url`` answers 200 with ``"status": "ok"``, else what went wrong."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as error:
        return f"{url} answered HTTP {error.code}"
    except OSError as error:
        return f"{url} did not answer: {error}"
    except ValueError:
        return f"{url} did not answer with JSON"
    if not isinstance(body, dict) or cast("dict[str, object]", body).get("status") != "ok":
        return f"{url} did not report status ok"
    return None


def main() -> int:
    """The exit code: 0 healthy, 1 not."""
    problem = check(health_url(read_environment()))
    if problem is not None:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
