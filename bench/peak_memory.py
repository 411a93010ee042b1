"""The peak resident memory a bench reports for its own measuring process."""

from __future__ import annotations

import resource


def peak_mb() -> float:
    """This process's own high-water mark (VmHWM), in MB. Not ``ru_maxrss``: Linux carries
    it over fork and exec, so a run started by the parent that seeded the data reported the
    parent's peak (384 MB in bench-intake, 419 MB in bench-mmc, whatever the run used)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
