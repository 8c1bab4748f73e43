#!/usr/bin/env python3
"""Alternating A/B timing: runs each command N times, interleaved (A, B, A,
B, ...), so that a machine whose speed drifts affects every variant alike,
and prints mean, median and min of the wall and user CPU seconds.

    bench/ab.py N 'name::command' 'name::command' ...
    bench/ab.py N        # the claims goal's three variants on BBC (below)

e.g. bench/ab.py 8 'old::/tmp/old/refrain scan --quiet --no-claims --out /tmp/a X.jsonl.zst' \\
                   'new::build/refrain scan --quiet --no-claims --out /tmp/b X.jsonl.zst'

With N alone it times `build/refrain scan` of the BBC corpus (the folder in
$BBC, default ../shared/data/bbc-news/bbc) with claims, with --no-claims
and with --floor: the figures of the claims goal (claims at most 3x the
document level) in docs/performance.md.

Commands run through bash from the repository root; their output is
discarded unless one fails, which stops the run with its exit status and
its error output (a failing command is fast, and its time no figure).
Wall time is measured with a monotonic clock to the microsecond, user CPU
time from the child's resource usage (GNU time's %e counts in 10 ms steps,
an eighth of a BBC scan without claims).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def default_variants(root):
    bbc = os.environ.get("BBC", "../shared/data/bbc-news/bbc")
    if not os.path.isdir(os.path.join(root, bbc)):
        sys.exit(f"ab.py: no BBC folder at {bbc} (set BBC=/path/to/bbc)")
    if not os.access(os.path.join(root, "build/refrain"), os.X_OK):
        sys.exit("ab.py: no build/refrain (run scripts/build.sh first)")
    out = tempfile.mkdtemp(prefix="refrain-ab-")
    scan = f"build/refrain scan --quiet --out {out}"
    return [["claims", f"{scan}/c {bbc}"],
            ["no-claims", f"{scan}/n --no-claims {bbc}"],
            ["floor", f"build/refrain scan --quiet --floor {bbc}"]]


def run(cmd, root):
    """Wall and user seconds of one run of `cmd`; exits if it fails."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.Popen(["bash", "-c", cmd], cwd=root,
                             stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace"))
            sys.exit(f"ab.py: exit status {p.returncode} from: {cmd}")
    return wall, usage.ru_utime


def main():
    if len(sys.argv) < 2 or not sys.argv[1].isdigit():
        sys.exit(__doc__)
    n = int(sys.argv[1])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    variants = ([a.split("::", 1) for a in sys.argv[2:]]
                if len(sys.argv) > 2 else default_variants(root))
    for v in variants:
        if len(v) != 2:
            sys.exit(f"ab.py: not name::command: {v[0]}")
    results = {name: ([], []) for name, _ in variants}
    for _ in range(n):
        for name, cmd in variants:
            wall, user = run(cmd, root)
            results[name][0].append(wall)
            results[name][1].append(user)
    for name, (wall, user) in results.items():
        print(f"{name:12s} wall mean {statistics.mean(wall):.3f} "
              f"med {statistics.median(wall):.3f} min {min(wall):.3f} | "
              f"user mean {statistics.mean(user):.3f} min {min(user):.3f}")


if __name__ == "__main__":
    main()
