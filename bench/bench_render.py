"""render_pdf / render_docx: render both seed letters 50 times each, median per letter.

Targets (issue 3): render_pdf median <= 150 ms, render_docx median <= 50 ms. No database needed:
the seeds are plain LetterDoc values and the renderers are pure functions of them.
"""

import statistics
import sys
import time

from _harness import ROOT, report, results

sys.path.insert(0, str(ROOT / "src"))

from giaithuong.directives.samples import SEEDS
from giaithuong.documents.docx import render_letter_docx
from giaithuong.documents.pdf import render_letter_pdf

ROUNDS = 50


def measure(render) -> tuple[float, float]:
    """(first render ms, median ms over ROUNDS renders of each seed)."""
    first_start = time.perf_counter()
    render(SEEDS["seed-004"])
    first = (time.perf_counter() - first_start) * 1000
    times = []
    for doc in SEEDS.values():
        for _ in range(ROUNDS):
            start = time.perf_counter()
            render(doc)
            times.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(times)


def main() -> int:
    for name, render, target in (("render_pdf", render_letter_pdf, 150),
                                 ("render_docx", render_letter_docx, 50)):
        first, median = measure(render)
        print(f"{name}: first render {first:.1f} ms, {ROUNDS} x {len(SEEDS)} letters")
        report(name, median, "ms", "<=", target)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
