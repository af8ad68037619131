"""What the machine was doing while a benchmark ran: CPU steal matters on shared VMs."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def _cpu_times() -> list[int] | None:
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    return [int(value) for value in fields]


class StealMeter:
    """Share of CPU time the hypervisor gave to others (``steal`` in /proc/stat) between start and stop."""

    def __enter__(self) -> StealMeter:
        self.before = _cpu_times()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.after = _cpu_times()

    @property
    def steal_percent(self) -> float | None:
        if not self.before or not self.after or len(self.before) < 8:
            return None
        delta = [after - before for before, after in zip(self.before, self.after, strict=False)]
        total = sum(delta[:8])
        return 100.0 * delta[7] / total if total else None


def describe(steal: StealMeter | None = None) -> str:
    text = f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if steal is not None and steal.steal_percent is not None:
        text += f"; CPU steal during the run {steal.steal_percent:.0f}%"
    return text
