"""Time and peak memory of one command, run as the child of a fresh process (shared by the benchmarks)."""

from __future__ import annotations

import subprocess
import sys

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
