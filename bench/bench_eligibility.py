"""eligibility: check 20,000 entries against edition XII's rules with the pure engine.

Target (issue 4): eligibility >= 10,000 entries/s. The entries are spread over the eight
categories of the shipped edition file as XI's 2,412 entries were, eight times over: series and
single works, broadcasts with running times, photo sets, files of every kind, groups of authors,
entries by post. About a third break at least one rule (late, outside the window, a straddling
series short of two-thirds, too long, too large, a juror among the authors, an author over the
limit, a missing summary), as a real intake queue does. No Django: the engine is a pure core.
"""

import datetime as dt
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ROOT, report, results

sys.path.insert(0, str(ROOT / "src"))

from giaithuong.editions.rules import parse_edition
from giaithuong.entries.eligibility import (
    Author,
    EligibilityContext,
    EntryFacts,
    EntryFile,
    check,
    is_eligible,
)
from giaithuong.entries.eligibility_rules import rules_by_category

ENTRIES = 20_000
ROUNDS = 3
EDITION = ROOT / "src" / "giaithuong" / "editions" / "data" / "ttdn-xii-2026.toml"
ICT = dt.timezone(dt.timedelta(hours=7))
PEOPLE = 30_000  # entrants and co-authors
PROLIFIC = 200
LANGUAGES = ["vi"] * 6 + ["en", "fr", "zh", "ru", "es", "lo", "km", "ja", "ko", "de"]
SUMMARY = ("Loạt bài phản ánh hoạt động giao lưu nhân dân, quảng bá hình ảnh đất nước và con người "
           "Việt Nam tới bạn bè quốc tế, được độc giả trong và ngoài nước đón nhận.")
TITLES = ["Sợi dây gắn kết hai dân tộc", "Trường Sa – những câu chuyện chưa kể",
          "Hương vị Tết Việt nơi xứ người", "Di sản giữa lòng phố cổ", "Vietnam's green transition"]
GENRES = ["Phóng sự", "Bình luận", "Phim tài liệu", "Ký sự", "Tọa đàm", "Ảnh báo chí"]


def person(rng: random.Random) -> int:
    # One author in twenty-five is one of a few hundred prolific ones, some past the entry limit.
    return rng.randrange(PROLIFIC) if rng.random() < 0.04 else rng.randrange(PEOPLE)


def make_entry(rng: random.Random, rules, code: str) -> EntryFacts:
    window = (rules.window_end - rules.window_start).days
    first = rules.window_start + dt.timedelta(days=rng.randrange(window + 1))
    parts_in, parts_out = 1, 0
    if rules.max_series_parts and rng.random() < 0.3:
        parts_in = rng.randint(2, rules.max_series_parts + (1 if rng.random() < 0.1 else 0))
    last = first + dt.timedelta(days=7 * (parts_in - 1))
    roll = rng.random()
    if roll < 0.06:  # a series that began before the window
        parts_out = rng.randint(1, 2)
        first = rules.window_start - dt.timedelta(days=rng.randint(3, 20))
    elif roll < 0.09:  # published too early altogether
        first = last = rules.window_start - dt.timedelta(days=rng.randint(1, 400))
    kind = rng.choice(sorted(rules.file_kinds))
    if rng.random() < 0.03:
        kind = "docx" if kind != "docx" else "video"
    size = rng.randint(100_000, rules.max_file_bytes + (rules.max_file_bytes // 20))
    files = tuple(EntryFile(f"tac-pham-{n}.{kind}", kind, size // (n + 1))
                  for n in range(rng.randint(1, 3)))
    language = "vi" if rules.languages == "vietnamese" else rng.choice(LANGUAGES)
    if rules.languages == "foreign" and language == "vi":
        language = "en"
    duration = None
    if code in ("truyen-hinh", "phat-thanh", "san-pham-so-da-phuong-tien"):
        duration = rng.randint(120, 7400)
    size_of_team = 1 if rng.random() < 0.6 else rng.randint(2, 6)
    authors = tuple(Author(person(rng), "Nguyễn Văn An", "co_author" if n else "author")
                    for n in range(size_of_team))
    submitted = rules.deadline - dt.timedelta(seconds=rng.randint(-86_400, 60 * 86_400))
    return EntryFacts(
        category_code=code, title=rng.choice(TITLES), genre=rng.choice(GENRES),
        subtype=rules.subtypes[rng.randrange(len(rules.subtypes))].code if rules.subtypes
        else None,
        language=language, published_first=first, published_last=last,
        parts_in_window=parts_in, parts_outside_window=parts_out, duration_seconds=duration,
        photo_count=rng.randint(1, 12) if code == "anh" else None,
        files=files, link_count=rng.randint(0, 2), summary_vi="" if rng.random() < 0.03
        else SUMMARY, translation_present=rng.random() < 0.5, authors=authors,
        entrant_form="individual" if size_of_team == 1 else "group",
        channel=rng.choice(["portal"] * 8 + ["email", "post"]), submitted_at=submitted,
        postmark_date=submitted.date() if rng.random() < 0.5 else None,
        copyright_attested=rng.random() > 0.02, prior_awards_declared=rng.random() > 0.02,
    )


def build():
    rules = rules_by_category(parse_edition(EDITION.read_text(encoding="utf-8")))
    rng = random.Random(20260704)
    codes = list(rules)
    weights = [22, 10, 12, 14, 6, 18, 12, 6]  # a share of entries per category, as in XI
    entries = []
    for _ in range(ENTRIES):
        code = rng.choices(codes, weights)[0]
        entries.append((make_entry(rng, rules[code], code), rules[code]))
    per_author = Counter(a.person_id for facts, _ in entries for a in facts.authors)
    context = EligibilityContext(
        entries_by_author={person: count - 1 for person, count in per_author.items()},
        juror_ids=frozenset(rng.sample(range(PEOPLE), 60)),
        organiser_ids=frozenset(rng.sample(range(PEOPLE), 30)),
    )
    return entries, context


def main() -> int:
    entries, context = build()
    print(f"eligibility: {len(entries):,} entries over {len({r.category_code for _, r in entries})}"
          " categories")
    total = 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        found = [check(facts, rules, context) for facts, rules in entries]
        elapsed = time.perf_counter() - start
        total += elapsed
        print(f"eligibility: {len(entries):,} entries in {elapsed:.3f} s")
    eligible = sum(1 for violations in found if is_eligible(violations))
    codes = Counter(v.code for violations in found for v in violations)
    print(f"eligibility: {eligible:,} eligible, {len(found) - eligible:,} with a blocking "
          f"violation; most frequent: {', '.join(f'{c} {n}' for c, n in codes.most_common(6))}")
    # Throughput over every round, not the best one.
    report("eligibility", ROUNDS * len(entries) / total, "entries/s", ">=", 10_000)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
