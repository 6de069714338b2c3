"""Platform detection from the environment and a fake filesystem, and what it means for storage."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pytest

from nazh.hosting.platform import PLAIN_HOST, Mount, Platform, SystemProbe, detect_host
from nazh.hosting.storage import assess_storage
from tests.hosting.hosting_support import FakeProbe, mountinfo

if TYPE_CHECKING:
    from nazh.hosting.platform import Host

CONTAINER = FakeProbe({"/.dockerenv": ""})
ROOT_ONLY = mountinfo(("/", "overlay"), ("/proc", "proc"), ("/dev/shm", "tmpfs"))


@pytest.mark.parametrize(
    ("env", "files", "platform", "role", "idle_after"),
    [
        ({}, {}, Platform.PLAIN, "", None),
        ({"RENDER": "true", "RENDER_SERVICE_TYPE": "web"}, {}, Platform.RENDER, "web service", 900),
        (
            {"RENDER_EXTERNAL_URL": "https://x.onrender.com"},
            {},
            Platform.RENDER,
            "web service",
            900,
        ),
        (
            {"RENDER": "true", "RENDER_SERVICE_TYPE": "worker"},
            {},
            Platform.RENDER,
            "background worker",
            None,
        ),
        ({"DYNO": "web.1"}, {}, Platform.HEROKU, "web dyno", 1800),
        ({"DYNO": "worker.1"}, {}, Platform.HEROKU, "worker dyno", None),
        ({"RAILWAY_ENVIRONMENT": "production"}, {}, Platform.RAILWAY, "service", None),
        ({"FLY_APP_NAME": "nazh"}, {}, Platform.FLY, "machine", None),
        ({}, {"/.dockerenv": ""}, Platform.DOCKER, "container", None),
        ({}, {"/run/.containerenv": ""}, Platform.DOCKER, "container", None),
        (
            {},
            {"/proc/1/cgroup": "0::/system.slice/docker-abc.scope\n"},
            Platform.DOCKER,
            "container",
            None,
        ),
        ({}, {"/proc/1/cgroup": "0::/user.slice\n"}, Platform.PLAIN, "", None),
        # A platform's own variables win over the container it runs in.
        ({"DYNO": "web.1"}, {"/.dockerenv": ""}, Platform.HEROKU, "web dyno", 1800),
        ({"RENDER": "", "DYNO": ""}, {}, Platform.PLAIN, "", None),
    ],
)
def test_detection_table(
    env: dict[str, str],
    files: dict[str, str],
    platform: Platform,
    role: str,
    idle_after: float | None,
) -> None:
    host = detect_host(env, FakeProbe(files))
    assert host.platform is platform
    assert host.role == role
    assert host.idle_after == idle_after
    assert host.idles is (idle_after is not None)
    assert bool(host.idle_note) is host.idles
    assert host.ephemeral_disk is (platform is not Platform.PLAIN)


def test_describe_names_platform_and_role() -> None:
    assert detect_host({"DYNO": "web.1"}, FakeProbe()).describe() == "Heroku web dyno"
    assert PLAIN_HOST.describe() == "a plain host"


def test_mount_table_is_read_only_where_the_disk_is_ephemeral() -> None:
    table = mountinfo(("/", "overlay"), ("/var/data", "ext4"))
    assert detect_host({}, FakeProbe({"/proc/self/mountinfo": table})).mounts == ()
    host = detect_host({"FLY_APP_NAME": "x"}, FakeProbe({"/proc/self/mountinfo": table}))
    assert host.mounts == (Mount("/", False), Mount("/var/data", True))
    assert detect_host({"FLY_APP_NAME": "x"}, FakeProbe()).mounts is None


def test_volumes_are_disks_but_not_tmpfs_overlay_or_system_mounts() -> None:
    table = mountinfo(
        ("/", "overlay"),
        ("/proc", "proc"),
        ("/dev/shm", "tmpfs"),
        ("/run/secrets", "ext4"),
        ("/var/data", "ext4"),
        ("/var/data/cache", "tmpfs"),
        ("/mnt/my disk", "xfs"),
    )
    host = detect_host({"RENDER": "true"}, FakeProbe({"/proc/self/mountinfo": table}))
    lasting = {mount.point for mount in host.mounts or () if mount.lasting}
    assert lasting == {"/var/data", "/mnt/my disk"}
    assert host.on_volume(PurePosixPath("/var/data/nazh.sqlite3"))
    assert host.on_volume(PurePosixPath("/var/data"))
    assert host.on_volume(PurePosixPath("/mnt/my disk/db"))
    assert not host.on_volume(PurePosixPath("/var/data/cache/db"))
    assert not host.on_volume(PurePosixPath("/var/database"))
    assert not host.on_volume(PurePosixPath("/app/data/nazh.sqlite3"))


def test_a_later_mount_over_the_same_point_wins() -> None:
    table = mountinfo(("/", "overlay"), ("/data", "ext4"), ("/data", "tmpfs"))
    host = detect_host({"RENDER": "true"}, FakeProbe({"/proc/self/mountinfo": table}))
    assert not host.on_volume(PurePosixPath("/data/nazh.sqlite3"))


def test_the_system_probe_reads_real_files(tmp_path: Path) -> None:
    probe = SystemProbe()
    (tmp_path / "f").write_text("hello")
    assert probe.exists(str(tmp_path / "f"))
    assert probe.exists(str(tmp_path))
    assert not probe.exists(str(tmp_path / "missing"))
    assert probe.read_text(str(tmp_path / "f")) == "hello"
    assert probe.read_text(str(tmp_path / "missing")) is None


def _render(table: str | None = ROOT_ONLY) -> Host:
    files = {"/proc/self/mountinfo": table} if table is not None else {}
    return detect_host({"RENDER": "true", "RENDER_SERVICE_TYPE": "web"}, FakeProbe(files))


def test_sqlite_on_an_ephemeral_disk_is_warned_about_with_the_fix() -> None:
    report = assess_storage(_render(), None, Path("/app/data"))
    assert report.kind == "SQLite"
    assert report.location == "/app/data/nazh.sqlite3"
    assert report.ephemeral
    assert report.warning is not None
    assert "statistics and saved rolls" in report.warning
    assert "Render's ephemeral disk" in report.warning
    assert "at every deploy, restart and spin-down" in report.warning
    assert "NAZH_DATABASE_URL" in report.warning
    assert "PostgreSQL" in report.warning
    assert "\n" not in report.warning
    assert report.describe() == "SQLite at /app/data/nazh.sqlite3, on an ephemeral disk"


def test_sqlite_on_a_persistent_disk_lasts() -> None:
    host = _render(mountinfo(("/", "overlay"), ("/var/data", "ext4")))
    report = assess_storage(host, None, Path("/var/data"))
    assert not report.ephemeral
    assert report.describe() == "SQLite at /var/data/nazh.sqlite3"
    moved = assess_storage(host, "sqlite:////var/data/stats.db", Path("/app/data"))
    assert not moved.ephemeral
    elsewhere = assess_storage(host, "sqlite:////app/stats.db", Path("/var/data"))
    assert elsewhere.ephemeral


def test_an_unreadable_mount_table_still_warns() -> None:
    report = assess_storage(_render(None), None, Path("/app/data"))
    assert report.warning is not None
    assert "a disk Render may wipe" in report.warning


def test_postgresql_lasts_anywhere_and_hides_the_password() -> None:
    report = assess_storage(_render(), "postgresql://nazh:secret@db.example.com/nazh", Path("x"))
    assert report.kind == "PostgreSQL"
    assert not report.ephemeral
    assert report.location == "db.example.com:5432/nazh"
    assert "secret" not in report.describe()


def test_a_plain_host_keeps_sqlite(tmp_path: Path) -> None:
    report = assess_storage(PLAIN_HOST, None, tmp_path)
    assert not report.ephemeral
    assert report.location == str(tmp_path.resolve() / "nazh.sqlite3")


def test_in_memory_sqlite_is_lost_everywhere() -> None:
    report = assess_storage(PLAIN_HOST, "sqlite://", Path("x"))
    assert report.ephemeral
    assert report.location == "memory"


@pytest.mark.parametrize(
    ("env", "phrase"),
    [
        ({"DYNO": "web.1"}, "at every dyno restart, at least once a day"),
        ({"RAILWAY_ENVIRONMENT": "production"}, "at every deploy and restart"),
        ({"FLY_APP_NAME": "nazh"}, "at every deploy and machine restart"),
        ({}, "whenever the container is re-created"),
    ],
)
def test_each_ephemeral_platform_says_when_files_go(env: dict[str, str], phrase: str) -> None:
    probe = FakeProbe({"/.dockerenv": "", "/proc/self/mountinfo": ROOT_ONLY})
    report = assess_storage(detect_host(env, probe), None, Path("/app/data"))
    assert report.warning is not None
    assert phrase in report.warning


def test_container_detection_needs_no_platform_variable() -> None:
    assert detect_host({}, CONTAINER).platform is Platform.DOCKER
