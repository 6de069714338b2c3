"""The start-up lines saying what Nazh sees of its host: platform, idling, self-ping, storage."""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from nazh.hosting.storage import assess_storage

if TYPE_CHECKING:
    import logging

    from nazh.config import Settings
    from nazh.hosting.storage import StorageReport

__all__ = ("HostingReport", "hosting_report", "log_hosting")


@dataclasses.dataclass(frozen=True, slots=True)
class HostingReport:
    """One INFO line, and a WARNING for each thing the operator should fix."""

    summary: str
    warnings: tuple[str, ...]
    storage: StorageReport


def hosting_report(settings: Settings) -> HostingReport:
    """What ``settings`` (and the host detected in them) mean for staying up and keeping data."""
    host = settings.host
    storage = assess_storage(host, settings.database_url, settings.data_dir)
    warnings: list[str] = []
    idling = f"it idles ({host.idle_note})" if host.idles else "it does not idle"
    if settings.public_url:
        ping = f"self-ping every {settings.self_ping_interval:g} s through {settings.public_url}/"
        if _is_loopback(settings.public_url) and host.idles:
            warnings.append(
                f"the self-ping URL {settings.public_url} is this machine: {host.platform.value} "
                "does not count that as inbound traffic; set NAZH_PUBLIC_URL to the public URL"
            )
    else:
        ping = "self-ping off"
        if host.idles:
            warnings.append(
                f"{host.idle_note}, and the bot with it: set NAZH_PUBLIC_URL to this service's "
                "public URL so Nazh pings itself, or run it as a background worker"
            )
    if storage.warning is not None:
        warnings.append(storage.warning)
    summary = f"running on {host.describe()}: {idling}; {ping}; storage: {storage.describe()}"
    return HostingReport(summary, tuple(warnings), storage)


def log_hosting(settings: Settings, logger: logging.Logger) -> HostingReport:
    """Log :func:`hosting_report` of ``settings`` to ``logger``; the report."""
    report = hosting_report(settings)
    logger.info("%s", report.summary)
    for warning in report.warnings:
        logger.warning("%s", warning)
    return report


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
