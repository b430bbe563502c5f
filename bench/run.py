"""`make bench` runs every bench/bench_*.py; `make bench BENCH=name` runs bench_<name>.py.

Each benchmark is a script with a `main()` that builds its own data at the stated size and prints
its figures through `_harness.report`. The exit status is non-zero when any figure fails its target
or any benchmark crashes.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    failed = []
    for name in names:
        script = HERE / f"bench_{name}.py"
        if not script.exists():
            print(f"no benchmark named {name!r} (looked for {script})", file=sys.stderr)
            return 2
        print(f"== {name}", flush=True)
        completed = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        if completed.returncode != 0:
            failed.append(name)
    if failed:
        print(f"benchmarks with a FAIL or an error: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
