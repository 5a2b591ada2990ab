"""``python -m bench.peak OUT script.py args…`` (or ``-c CODE``): run it, then write its peak
resident memory in KiB to OUT.

The child's own ``VmHWM`` is read because ``wait4``'s ``ru_maxrss`` is not the child's: Linux
carries the parent's high-water mark across fork and exec, so every child of the (larger)
bench process would report at least the bench's own size.
"""

import atexit
import resource
import runpy
import sys


def _peak_kib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    out, *command = sys.argv[1:]
    atexit.register(lambda: open(out, "w").write(str(_peak_kib())))
    if command[0] == "-c":
        sys.argv = ["-c", *command[2:]]
        exec(compile(command[1], "<bench>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = command
        runpy.run_path(command[0], run_name="__main__")


if __name__ == "__main__":
    main()
