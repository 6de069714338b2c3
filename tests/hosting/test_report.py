"""The start-up lines: what Nazh sees of its host, and one warning per thing to fix."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from nazh.config import load_settings
from nazh.hosting.report import hosting_report, log_hosting
from tests.hosting.hosting_support import FakeProbe, mountinfo

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
RENDER = {
    "DISCORD_TOKEN": TOKEN,
    "RENDER": "true",
    "RENDER_SERVICE_TYPE": "web",
    "RENDER_EXTERNAL_URL": "https://nazh.onrender.com",
    "NAZH_DATA_DIR": "/opt/render/project/src/data",
}
EPHEMERAL = FakeProbe({"/proc/self/mountinfo": mountinfo(("/", "overlay"))})


def test_render_free_web_service_with_sqlite() -> None:
    report = hosting_report(load_settings(RENDER, EPHEMERAL))
    assert report.summary == (
        "running on Render web service: it idles (Render spins a free web service down after "
        "15 minutes without inbound traffic); self-ping every 600 s through "
        "https://nazh.onrender.com/; storage: SQLite at "
        "/opt/render/project/src/data/nazh.sqlite3, on an ephemeral disk"
    )
    (warning,) = report.warnings
    assert warning.startswith("statistics and saved rolls are kept in SQLite at /opt/render/")
    assert "will be lost at every deploy, restart and spin-down" in warning


def test_render_with_postgresql_has_nothing_to_warn_about() -> None:
    env = {**RENDER, "NAZH_DATABASE_URL": "postgresql://u:pw@db.example.com:5432/nazh"}
    report = hosting_report(load_settings(env, EPHEMERAL))
    assert report.warnings == ()
    assert report.summary.endswith("storage: PostgreSQL at db.example.com:5432/nazh")
    assert "pw" not in report.summary


def test_a_heroku_web_dyno_without_self_ping_is_told_how_to_stay_up() -> None:
    env = {"DISCORD_TOKEN": TOKEN, "DYNO": "web.1", "NAZH_DATABASE_URL": "postgresql://h/d"}
    report = hosting_report(load_settings(env, EPHEMERAL))
    assert "; self-ping off;" in report.summary
    (warning,) = report.warnings
    assert warning.startswith("Heroku puts an Eco web dyno to sleep after 30 minutes")
    assert "NAZH_PUBLIC_URL" in warning
    assert "background worker" in warning


def test_a_heroku_worker_dyno_neither_idles_nor_pings() -> None:
    env = {"DISCORD_TOKEN": TOKEN, "DYNO": "worker.1", "NAZH_DATABASE_URL": "postgresql://h/d"}
    report = hosting_report(load_settings(env, EPHEMERAL))
    assert report.summary.startswith(
        "running on Heroku worker dyno: it does not idle; self-ping off; storage: PostgreSQL"
    )
    assert report.warnings == ()


def test_a_loopback_self_ping_url_on_an_idling_host_is_warned_about() -> None:
    env = {**RENDER, "NAZH_PUBLIC_URL": "http://127.0.0.1:8080", "NAZH_DATABASE_URL": "sqlite://"}
    warnings = hosting_report(load_settings(env, EPHEMERAL)).warnings
    assert any("is this machine" in warning for warning in warnings)


def test_a_plain_host_is_quiet(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": TOKEN, "NAZH_DATA_DIR": str(tmp_path)}
    report = hosting_report(load_settings(env, FakeProbe()))
    assert report.summary == (
        "running on a plain host: it does not idle; self-ping off; "
        f"storage: SQLite at {tmp_path.resolve() / 'nazh.sqlite3'}"
    )
    assert report.warnings == ()


def test_log_hosting_logs_one_info_and_one_warning_each(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    logger = logging.getLogger("nazh.test.hosting")
    report = log_hosting(load_settings(RENDER, EPHEMERAL), logger)
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == logger.name]
    assert lines == [(logging.INFO, report.summary), (logging.WARNING, report.warnings[0])]
