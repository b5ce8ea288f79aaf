"""Shared by the seeders and change sets: the loopback-only endpoint check
and the environment isolation every one of them needs before boto3 runs.

Seeding must never reach a real account or another host, and nothing from
the caller's environment (profiles, config files, proxies, an endpoint
override) may leak into the session.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse


def loopback_endpoint(prog: str, url: str) -> str | None:
    """`http://127.0.0.1:PORT` for a loopback moto/LocalStack URL; else
    prints one line naming `prog` and returns None (the caller exits 2)."""
    u = urlparse(url)
    if u.scheme != "http" or u.hostname != "127.0.0.1" or not u.port:
        print(f"{prog}: endpoint must be http://127.0.0.1:PORT, got {url!r}", file=sys.stderr)
        return None
    return f"http://127.0.0.1:{u.port}"


def isolate_environment() -> None:
    """Drops the caller's AWS profile, session and endpoint settings, points
    the config files at /dev/null and keeps loopback off any proxy."""
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(var, None)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
