"""parse_text: read 2,400 letters with the pure parser; letters per second.

Target (issue 3): parse_text >= 500 letters/s. The letters are variations of the two seeds and the
test corpus (tests/directives/corpus/): other numbers, days and signers, and the mess of real text
(columns run together, lines wrapped as in a PDF, stray spaces in the number, decomposed
Unicode, Windows line endings, cut-off endings). No Django: the parser is a pure core.
"""

import random
import re
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ROOT, report, results

sys.path.insert(0, str(ROOT / "src"))

from giaithuong.directives.parser import parse_letter_text

LETTERS = 2400
ROUNDS = 3
SEEDS = ROOT.parent / "shared" / "seeds"
CORPUS = ROOT / "tests" / "directives" / "corpus"
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Quốc Dũng", "Hoàng Thu Hà",
         "Vũ Đức Khang", "Đặng Thị Lan", "Bùi Quang Minh"]


def sources() -> list[str]:
    paths = sorted(CORPUS.glob("*.txt"))
    if SEEDS.is_dir():
        paths += sorted(SEEDS.glob("*.txt"))
    return [path.read_text(encoding="utf-8") for path in paths]


def wrap(text: str, width: int) -> str:
    """Break long lines as a PDF's text layer does."""
    out = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            if cut <= 0:
                break
            out.append(line[:cut])
            line = line[cut + 1:]
        out.append(line)
    return "\n".join(out)


def vary(text: str, rng: random.Random) -> str:
    text = re.sub(r"(Số:?\s*)\d+", lambda m: f"{m.group(1)}{rng.randint(1, 2500)}", text,
                  count=1)
    text = re.sub(r"ngày \d{1,2} tháng", lambda m: f"ngày {rng.randint(1, 28):02d} tháng", text,
                  count=1)
    lines = text.split("\n")
    for index in range(len(lines) - 1, 0, -1):
        if lines[index] in NAMES or (lines[index].count(" ") in (2, 3)
                                     and lines[index].istitle()):
            lines[index] = rng.choice(NAMES)
            break
    text = "\n".join(lines)
    mess = rng.randrange(8)
    if mess == 0:
        text = wrap(text, rng.randint(60, 95))
    elif mess == 1:
        text = re.sub(r"(Số:?\s*\d+)\s*([/-])\s*", r"\1 \2 ", text, count=1)
    elif mess == 2:
        text = unicodedata.normalize("NFD", text)
    elif mess == 3:
        text = text.replace("\n", "\r\n")
    elif mess == 4:
        cut = text.find("Nơi nhận")
        text = text[:cut] if cut > 0 else text
    elif mess == 5:
        text = re.sub(r"\n\n+", "\n", text)
    return text


def build() -> list[str]:
    rng = random.Random(20260618)
    bases = sources()
    return [vary(bases[index % len(bases)], rng) for index in range(LETTERS)]


def main() -> int:
    letters = build()
    size = sum(len(text) for text in letters) / len(letters)
    print(f"parse_text: {len(letters)} letters, {size:,.0f} characters on average")
    parse_letter_text(letters[0])  # compile the patterns outside the clock
    total = 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        parsed = [parse_letter_text(text) for text in letters]
        elapsed = time.perf_counter() - start
        total += elapsed
        print(f"parse_text: {len(letters)} letters in {elapsed:.2f} s")
    read = sum(1 for letter in parsed if letter.symbol and letter.date)
    problems = sum(1 for letter in parsed if letter.problems)
    print(f"parse_text: symbol and date read in {read}/{len(parsed)}; parts that failed: "
          f"{problems}")
    # Throughput over every round, not the best one.
    report("parse_text", ROUNDS * len(letters) / total, "letters/s", ">=", 500)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
