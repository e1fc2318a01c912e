"""What the benchmarks share: a command's time and peak memory (run as the child of a fresh process), a free
loopback port, a process's resident memory, and a latency summary."""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click

LOAD_QUERIES = [
    "one-shot diffusion emotion", "nerf talking head", "lip sync with code", "audio-driven 3D face animation",
    "speaking style transfer", "emotional talking face", "face reenactment few-shot", "real-time avatar",
    "HDTF dataset", "text-driven talking head", "CVPR 2023 diffusion", "head pose control",
]
"""The queries the load benchmarks (api_load.py, app_bench.py) draw from: keywords, facets and a dataset."""

PROBE = (
    "import resource, subprocess, sys, time; started = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
    "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measured(command: list[str]) -> tuple[float, float]:
    """(seconds, peak resident megabytes) of a command."""
    out = subprocess.run([sys.executable, "-c", PROBE, *command], check=True, capture_output=True, text=True).stdout
    seconds, kilobytes = out.split()
    return float(seconds), int(kilobytes) / 1024


def free_port() -> int:
    """A loopback port no one listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def latency_summary(times: list[float]) -> dict[str, float]:
    """Count, p50, p95 and max in milliseconds of durations in seconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(ordered), "p50_ms": 1000 * statistics.median(ordered), "p95_ms": 1000 * p95,
            "max_ms": 1000 * ordered[-1]}


def wait_until_up(url: str, server: subprocess.Popen, what: str, seconds: float = 180) -> float:
    """Seconds from now until url answers (a server loading its build and model first); a ClickException
    naming `what` when the server exits or does not answer within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if server.poll() is not None:
            raise click.ClickException(f"{what} exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    raise click.ClickException(f"{what} did not answer within {seconds} s")
