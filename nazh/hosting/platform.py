"""Which host Nazh runs on, whether it idles, and whether its local disk survives a restart.

Detection reads only the environment and a few files through a :class:`Probe`, so tests hand it
a table of variables and files instead of a real host.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = (
    "PLAIN_HOST",
    "SYSTEM_PROBE",
    "Host",
    "Mount",
    "Platform",
    "Probe",
    "SystemProbe",
    "detect_host",
)


class Platform(enum.Enum):
    """A hosting platform Nazh recognises; the value is its name for people."""

    RENDER = "Render"
    HEROKU = "Heroku"
    RAILWAY = "Railway"
    FLY = "Fly.io"
    DOCKER = "Docker"
    PLAIN = "a plain host"


class Probe(Protocol):
    """Read-only access to the files detection looks at."""

    def exists(self, path: str) -> bool:
        """Whether ``path`` exists."""
        ...

    def read_text(self, path: str) -> str | None:
        """The text of ``path``, or None when it cannot be read."""
        ...


class SystemProbe:
    """The real filesystem."""

    __slots__ = ()

    def exists(self, path: str) -> bool:
        """Whether ``path`` exists."""
        return os.path.exists(path)

    def read_text(self, path: str) -> str | None:
        """The text of ``path``, or None when it cannot be read."""
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                return file.read()
        except OSError:
            return None


SYSTEM_PROBE = SystemProbe()


class Mount(NamedTuple):
    """A mounted filesystem."""

    point: str
    lasting: bool
    """Whether its files outlive the process: a disk or volume, not the container's own layer."""


_CONTAINER_MARKERS = ("/.dockerenv", "/run/.containerenv")
_CONTAINER_CGROUPS = ("docker", "containerd", "kubepods", "libpod")
_VOLATILE_FS = frozenset(
    {"tmpfs", "ramfs", "overlay", "aufs", "devtmpfs", "proc", "sysfs", "cgroup", "cgroup2"}
)
_SYSTEM_MOUNTS = ("/proc", "/sys", "/dev", "/run")
_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")

_LOSES_FILES = {
    Platform.RENDER: "at every deploy, restart and spin-down",
    Platform.HEROKU: "at every dyno restart, at least once a day",
    Platform.RAILWAY: "at every deploy and restart",
    Platform.FLY: "at every deploy and machine restart",
    Platform.DOCKER: "whenever the container is re-created (a new image, a changed compose file)",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Host:
    """What Nazh can tell about where it runs."""

    platform: Platform = Platform.PLAIN
    role: str = ""
    """The kind of process on the platform, like ``web service`` or ``worker dyno``."""
    idle_after: float | None = None
    """Seconds without inbound HTTP after which the platform stops the process; None: never."""
    idle_note: str = ""
    """Who idles the process and when, for log lines."""
    mounts: tuple[Mount, ...] | None = ()
    """The mount table where the disk is ephemeral (else empty); None when it is unreadable."""

    @property
    def idles(self) -> bool:
        """Whether the platform stops the process when no inbound request arrives for a while."""
        return self.idle_after is not None

    @property
    def ephemeral_disk(self) -> bool:
        """Whether files outside a mounted volume are lost when the process is replaced."""
        return self.platform in _LOSES_FILES

    @property
    def loses_files(self) -> str:
        """When the local disk is wiped, for log lines; empty on a plain host."""
        return _LOSES_FILES.get(self.platform, "")

    def describe(self) -> str:
        """The platform and role, like ``Render web service``."""
        name = self.platform.value
        return f"{name} {self.role}" if self.role else name

    def on_volume(self, path: PurePosixPath) -> bool:
        """Whether the absolute ``path`` lies on a mounted disk that outlives the process."""
        holding = [
            mount
            for mount in self.mounts or ()
            if path == PurePosixPath(mount.point) or PurePosixPath(mount.point) in path.parents
        ]
        if not holding:
            return False
        return max(holding, key=lambda mount: len(PurePosixPath(mount.point).parts)).lasting


PLAIN_HOST = Host()
"""A plain host: no idling, a disk that lasts."""


def detect_host(env: Mapping[str, str], probe: Probe = SYSTEM_PROBE) -> Host:
    """The host described by ``env`` and the files ``probe`` sees."""
    platform, role, idle_after, idle_note = _platform(env, probe)
    mounts: tuple[Mount, ...] | None = ()
    if platform in _LOSES_FILES:
        mounts = _mounts(probe.read_text("/proc/self/mountinfo"))
    return Host(platform, role, idle_after, idle_note, mounts)


def _platform(env: Mapping[str, str], probe: Probe) -> tuple[Platform, str, float | None, str]:
    if env.get("RENDER") or env.get("RENDER_EXTERNAL_URL"):
        kind = env.get("RENDER_SERVICE_TYPE", "").strip()
        if kind == "web" or (not kind and env.get("RENDER_EXTERNAL_URL")):
            note = "Render spins a free web service down after 15 minutes without inbound traffic"
            return Platform.RENDER, "web service", 900.0, note
        return Platform.RENDER, _RENDER_ROLES.get(kind, "service"), None, ""
    if dyno := env.get("DYNO", "").strip():
        if dyno.startswith("web."):
            note = "Heroku puts an Eco web dyno to sleep after 30 minutes without web traffic"
            return Platform.HEROKU, "web dyno", 1800.0, note
        return Platform.HEROKU, f"{dyno.partition('.')[0]} dyno", None, ""
    if env.get("RAILWAY_ENVIRONMENT") or env.get("RAILWAY_ENVIRONMENT_NAME"):
        return Platform.RAILWAY, "service", None, ""
    if env.get("FLY_APP_NAME"):
        return Platform.FLY, "machine", None, ""
    if _in_container(probe):
        return Platform.DOCKER, "container", None, ""
    return Platform.PLAIN, "", None, ""


_RENDER_ROLES = {"worker": "background worker", "pserv": "private service", "cron": "cron job"}


def _in_container(probe: Probe) -> bool:
    if any(probe.exists(marker) for marker in _CONTAINER_MARKERS):
        return True
    cgroups = probe.read_text("/proc/1/cgroup") or ""
    return any(name in cgroups for name in _CONTAINER_CGROUPS)


def _mounts(mountinfo: str | None) -> tuple[Mount, ...] | None:
    if mountinfo is None:
        return None
    found: dict[str, bool] = {}
    for line in mountinfo.splitlines():
        fields, separator, rest = line.partition(" - ")
        parts = fields.split()
        if not separator or len(parts) < 5 or not rest.split():
            continue
        point = _OCTAL_ESCAPE.sub(lambda match: chr(int(match[1], 8)), parts[4])
        system = any(point == top or point.startswith(f"{top}/") for top in _SYSTEM_MOUNTS)
        found[point] = point != "/" and not system and rest.split()[0] not in _VOLATILE_FS
    return tuple(Mount(point, lasting) for point, lasting in found.items())
