"""Run a command and measure its wall time and the peak RSS of its process tree (via /proc)."""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree_memory(pid: int, pss: bool = True) -> tuple[int, int]:
    """(RSS, PSS) bytes of ``pid`` and all its descendants. RSS counts pages that forked workers
    share with their parent once per process; PSS splits shared pages between the sharers.
    With ``pss=False`` only RSS is read (from statm: a few microseconds, where smaps_rollup walks
    the page tables, milliseconds for a process holding the model), and PSS is 0."""
    kids = _children()
    rss = pss_total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        try:
            if not pss:
                with open(f"/proc/{p}/statm") as f:
                    rss += int(f.read().split()[1]) * PAGE
                continue
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss_total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return rss, pss_total


PAGE = os.sysconf("SC_PAGE_SIZE")
PSS_EVERY = 10  # samples: PSS (smaps_rollup) once a second, RSS every sample


def run(cmd: list[str], env: dict[str, str] | None = None, interval: float = 0.1) -> dict:
    """{"seconds", "peak_rss_mb", "returncode", "stderr"} of one run of ``cmd``."""
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        # the sampler is a process of its own on the machine: with two workers on two cores, every
        # millisecond it takes is taken from them, so the costly PSS is read only now and then
        nonlocal peak, peak_pss
        n = 0
        while not done.is_set():
            rss, pss = tree_memory(proc.pid, pss=n % PSS_EVERY == 0)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            n += 1
            done.wait(interval)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the process and the workers it reaped
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done.set()
    th.join()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_mb": peak / 2**20,
        "peak_pss_mb": peak_pss / 2**20,
        "returncode": proc.returncode,
        "stdout": out[-2000:],
        "stderr": err[-2000:],
    }
