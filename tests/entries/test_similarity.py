"""Duplicate works: the same file, the same text, or a lightly edited copy is paired for intake;
unrelated works are not; signatures are stable, storable and cheap to compare."""

import json
import os
import random
import subprocess
import sys
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giaithuong.entries.similarity import (
    BANDS,
    BINS,
    SAME_FILE,
    SAME_TEXT,
    SIMILAR_TEXT,
    THRESHOLD,
    Index,
    Item,
    Pair,
    Signature,
    candidates_for,
    compare,
    find_pairs,
    fold,
    normalise,
    shingles,
    signature,
    similarity,
)

H1 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
H2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
H3 = "fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13"

# Summaries (tóm tắt) of unrelated works, as entrants write them. Two are about the same islands
# and two about the same food: a shared subject is not a copy.
WORKS = {
    "truong-sa-1": (
        "Những người lính giữ đảo Trường Sa",
        "Loạt phóng sự ghi lại một ngày của những người lính trên đảo Sinh Tồn: tập thể dục lúc "
        "bình minh, trồng rau trong thùng xốp, đón tàu tiếp tế và viết thư về đất liền. Tác phẩm "
        "được đăng trên báo Quân đội nhân dân, bản tiếng Anh giới thiệu với bạn đọc quốc tế và "
        "nhận được nhiều phản hồi từ kiều bào ở Úc và Canada."),
    "truong-sa-2": (
        "Trường Sa trong mắt một nhà báo trẻ",
        "Nhật ký bằng ảnh và chữ của một phóng viên lần đầu ra quần đảo cùng đoàn công tác. Bài "
        "viết kể về ngôi chùa trên đảo Song Tử Tây, về các thầy giáo dạy học cho con em ngư dân "
        "và về những chuyến tàu cá bám biển. Phiên bản tiếng Pháp được một tạp chí ở Paris đăng "
        "lại vào tháng Mười."),
    "pho": (
        "Phở – hồn cốt ẩm thực Hà Nội",
        "Phim tài liệu dài ba mươi phút theo chân ba thế hệ một gia đình bán phở ở phố Bát Đàn. "
        "Người xem được nghe cách ninh nước dùng từ xương bò, cách thái bánh và chọn hành. Phim "
        "phát sóng trên kênh VTV4 và được khán giả nước ngoài chia sẻ rộng rãi trên mạng xã hội."),
    "banh-mi": (
        "Bánh mì Sài Gòn đi khắp thế giới",
        "Bài viết tìm hiểu vì sao ổ bánh mì vỏ giòn, nhân pa-tê và rau thơm trở thành món ăn "
        "đường phố nổi tiếng ở New York, Berlin và Tokyo. Tác giả phỏng vấn các chủ tiệm người "
        "Việt ở nước ngoài, những người đã mang hương vị quê nhà đến với thực khách quốc tế."),
    "cong-chieng": (
        "Không gian văn hóa cồng chiêng Tây Nguyên",
        "Chương trình phát thanh giới thiệu di sản văn hóa phi vật thể được UNESCO công nhận, "
        "với tiếng cồng chiêng trong lễ mừng lúa mới của người Ê Đê và M'nông. Các nghệ nhân "
        "kể về việc truyền dạy cho lớp trẻ trong buôn làng."),
    "mekong": (
        "Đồng bằng sông Cửu Long mùa nước nổi",
        "Bộ ảnh ghi lại cuộc sống của người dân An Giang và Đồng Tháp khi nước lũ về: đánh bắt "
        "cá linh, hái bông điên điển, chèo xuồng đi chợ nổi. Bộ ảnh được triển lãm tại Seoul "
        "trong Tuần văn hóa Việt Nam."),
    "ao-dai": (
        "Áo dài – di sản và đối ngoại",
        "Chuyên luận về chiếc áo dài trong các sự kiện ngoại giao, từ quà tặng nguyên thủ đến "
        "trang phục của nữ đại sứ. Sách gồm hai trăm trang, nhiều tư liệu ảnh hiếm, xuất bản "
        "song ngữ Việt – Anh."),
    "ca-phe": (
        "Hạt cà phê Buôn Ma Thuột vươn ra thế giới",
        "Phóng sự truyền hình về những nông dân trồng cà phê đặc sản theo hướng hữu cơ, hợp tác "
        "với doanh nghiệp xuất khẩu sang châu Âu. Phóng sự được phát trên kênh truyền hình đối "
        "ngoại và giới thiệu tại hội chợ thương mại ở Milan."),
}


def strip_marks(text: str) -> str:
    """What a copy retyped without Vietnamese marks looks like."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


def item(key, title, summary="", files=(), owner=None) -> Item:
    return Item(key, signature(title, summary, files), owner)


def works(**extra) -> list[Item]:
    items = [item(key, title, summary, owner=key) for key, (title, summary) in WORKS.items()]
    return items + [item(key, *value) for key, value in extra.items()]


# ---- Normalisation -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kept, folded", [
    ("Hà Nội", "hà nội", "ha noi"),
    ("  ĐÀ NẴNG,  Đắk Lắk!! ", "đà nẵng đắk lắk", "da nang dak lak"),
    ("“Phở” – hồn cốt (ẩm thực) Hà Nội…", "phở hồn cốt ẩm thực hà nội",
     "pho hon cot am thuc ha noi"),
    (unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung"), "nguyễn thị hồng nhung",
     "nguyen thi hong nhung"),
    ("Trường\u200bSa", "trườngsa", "truongsa"),  # a zero-width space does not split a word
    ("VTV4_2026/phóng-sự", "vtv4 2026 phóng sự", "vtv4 2026 phong su"),
    ("", "", ""),
])
def test_normalise_and_fold(text, kept, folded):
    assert normalise(text) == kept
    assert fold(text) == folded
    assert unicodedata.is_normalized("NFC", normalise(text))


def test_diacritics_are_folded_for_matching_but_kept_for_exact_copies():
    assert shingles("Hà Nội mùa thu", "Lá vàng rơi") == shingles("Ha Noi mua thu", "La vang roi")
    assert signature("Hà Nội mùa thu").text != signature("Ha Noi mua thu").text
    assert signature("Hà Nội mùa thu").text == signature("HÀ NỘI — mùa thu!").text


# ---- What is flagged -----------------------------------------------------------------------------

def test_identical_works_from_two_participants_are_paired():
    title, summary = WORKS["pho"]
    pairs = find_pairs(works(copy=(title, summary)))
    assert pairs == [Pair("pho", "copy", 1.0, SAME_TEXT)]


def test_the_same_file_is_paired_whatever_the_titles():
    items = [item(1, "Bộ ảnh mùa lúa chín", "Ảnh Mù Cang Chải", [H1, H2], owner="a"),
             item(2, "Ruộng bậc thang", "Một bộ ảnh khác", [H3, H2.upper()], owner="b"),
             item(3, "Ruộng bậc thang", "Một bộ ảnh khác", [H3], owner="c")]
    pairs = find_pairs(items)
    assert Pair(1, 2, 1.0, SAME_FILE, (H2,)) in pairs
    assert Pair(2, 3, 1.0, SAME_FILE, (H3,)) in pairs
    assert len(pairs) == 2


def test_a_lightly_edited_copy_without_diacritics_is_found():
    title, summary = WORKS["truong-sa-1"]
    edited = (summary.replace("tập thể dục", "chạy bộ").replace("thùng xốp", "chậu nhựa")
              .replace("Canada", "Mỹ").replace("nhiều phản hồi", "rất nhiều lời khen"))
    copy = (strip_marks(title).upper(), strip_marks(edited))
    pairs = find_pairs(works(copy=copy))
    assert [(p.a, p.b, p.reason) for p in pairs] == [("truong-sa-1", "copy", SIMILAR_TEXT)]
    assert THRESHOLD <= pairs[0].score < 1.0


def test_a_copy_with_a_new_title_is_found_by_its_summary():
    _, summary = WORKS["cong-chieng"]
    pairs = find_pairs(works(copy=("Tiếng cồng đại ngàn", summary)))
    assert [(p.a, p.b) for p in pairs] == [("cong-chieng", "copy")]


def test_unrelated_works_are_not_paired_even_on_one_subject():
    assert find_pairs(works()) == []
    same_title = works(other=(WORKS["pho"][0], "Một bài hát về Hà Nội mùa thu, lời Việt và Anh."))
    assert find_pairs(same_title) == []


def test_pairs_from_one_owner_can_be_left_out():
    title, summary = WORKS["mekong"]
    items = [item(1, title, summary, owner="u"), item(2, title, summary, owner="u"),
             item(3, title, summary, owner="v")]
    assert [(p.a, p.b) for p in find_pairs(items)] == [(1, 2), (1, 3), (2, 3)]
    assert [(p.a, p.b) for p in find_pairs(items, skip_same_owner=True)] == [(1, 3), (2, 3)]


def test_strongest_pairs_come_first():
    title, summary = WORKS["ca-phe"]
    near = summary.replace("hữu cơ", "sạch").replace("Milan", "Paris").replace("châu Âu", "Nhật")
    items = works(near=(title, near), same=(title, summary))
    pairs = find_pairs(items)
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    assert pairs[0].reason == SAME_TEXT and {pairs[0].a, pairs[0].b} == {"ca-phe", "same"}


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="key"):
        find_pairs([item(1, "A"), item(1, "B")])


def test_no_text_and_no_files_pairs_with_nothing():
    assert signature("", "") == Signature()
    assert find_pairs([item(1, ""), item(2, "  ...  "), item(3, "")]) == []


# ---- An entry against those already submitted ----------------------------------------------------

def test_candidates_for_a_new_entry():
    index = Index(works())
    title, summary = WORKS["ao-dai"]
    new = item("new", strip_marks(title), strip_marks(summary), [H1])
    pairs = candidates_for(new, index)
    assert [(p.a, p.b) for p in pairs] == [("ao-dai", "new")]
    assert pairs[0].score > 0.9
    assert "new" not in index and len(index) == len(WORKS)


def test_a_resubmitted_entry_is_not_its_own_duplicate_and_replaces_itself():
    index = Index(works())
    title, summary = WORKS["banh-mi"]
    assert candidates_for(item("banh-mi", title, summary), index) == []
    index.add(item("banh-mi", "Một tác phẩm khác hẳn", "Nội dung mới về du lịch Hạ Long."))
    assert candidates_for(item("x", title, summary), index) == []
    index.remove("banh-mi")
    index.remove("banh-mi")  # forgetting twice is harmless
    assert len(index) == len(WORKS) - 1


def test_shared_files_are_found_through_the_index():
    index = Index([item(1, "Một", "", [H1]), item(2, "Hai", "", [H2])])
    pairs = candidates_for(item(3, "Ba", "", [H2, H3]), index)
    assert pairs == [Pair(2, 3, 1.0, SAME_FILE, (H2,))]


# ---- Signatures: storable, stable ----------------------------------------------------------------

def test_signature_round_trips_through_json():
    title, summary = WORKS["mekong"]
    sig = signature(title, summary, [H2, H1])
    data = json.loads(json.dumps(sig.to_json()))
    assert data["v"] == 1 and len(data["minhash"]) == BINS and data["files"] == sorted([H1, H2])
    assert all(isinstance(v, int) and 0 <= v < 2**32 for v in data["minhash"])
    assert Signature.from_json(data) == sig


@pytest.mark.parametrize("data", [
    None, [], {}, {"v": 2, "minhash": [], "text": "", "files": []},
    {"v": 1, "minhash": [1, 2, 3], "text": "", "files": []},
    {"v": 1, "minhash": [-1] * BINS, "text": "", "files": []},
    {"v": 1, "minhash": ["1"] * BINS, "text": "", "files": []},
    {"v": 1, "minhash": [], "text": 5, "files": []},
    {"v": 1, "minhash": [], "text": "", "files": ["not-a-hash"]},
])
def test_malformed_or_outdated_signatures_are_refused(data):
    with pytest.raises(ValueError):
        Signature.from_json(data)


def test_file_hashes_must_be_sha256():
    with pytest.raises(ValueError, match="SHA-256"):
        signature("Tên", "", ["abc"])


def test_band_keys_for_a_database_index():
    title, summary = WORKS["pho"]
    keys = signature(title, summary).band_keys()
    assert len(keys) == BANDS and all(0 <= k < 2**63 for k in keys)
    assert len(set(keys)) == BANDS
    assert keys == signature(strip_marks(title), strip_marks(summary)).band_keys()
    other = signature(*WORKS["ao-dai"]).band_keys()
    assert not set(keys) & set(other)
    assert Signature().band_keys() == []


# Stored signatures must not change under them: a change to these values needs a new VERSION.
GOLDEN_TEXT = ("Những người lính giữ đảo Trường Sa", "Một ngày trên đảo Sinh Tồn.")


def test_signature_is_the_same_in_every_process():
    script = ("import json; from giaithuong.entries.similarity import signature; "
              f"print(json.dumps(signature(*{GOLDEN_TEXT!r}, ['{H1}']).to_json()))")
    here = signature(*GOLDEN_TEXT, [H1]).to_json()
    for seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, check=True, timeout=60).stdout
        assert json.loads(out) == here


def test_signature_values_are_pinned():
    sig = signature(*GOLDEN_TEXT)
    assert sig.minhash[:4] == PINNED_MINHASH
    assert sig.text == PINNED_TEXT


PINNED_MINHASH = (4062274673, 1407838912, 3048370447, 393934686)
PINNED_TEXT = "addb93bcea00b7f0b4f5ad2937e92258"


# ---- Properties ----------------------------------------------------------------------------------

vietnamese = st.text(alphabet=st.sampled_from(
    list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợ"
         "ùủũúụừửữứựỳỷỹýỵ ĐÂƯƠ.,;:!?-–“”'0123456789\n\u0301\u200b")), max_size=300)
any_text = st.one_of(vietnamese, st.text(max_size=200))


@settings(max_examples=200, deadline=None)
@given(any_text, any_text, any_text, any_text)
def test_never_crashes_and_scores_are_symmetric_in_unit_range(t1, s1, t2, s2):
    a, b = signature(t1, s1), signature(t2, s2)
    score = similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == similarity(b, a)
    assert Signature.from_json(json.loads(json.dumps(a.to_json()))) == a
    if a.minhash:
        assert similarity(a, a) == 1.0
    one, two = compare(Item(1, a), Item(2, b)), compare(Item(2, b), Item(1, a))
    assert (one is None) == (two is None)
    if one is not None:
        assert 0.0 <= one.score <= 1.0 and one.score == two.score and one.reason == two.reason


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(vietnamese, vietnamese), max_size=12))
def test_find_pairs_is_complete_and_agrees_with_compare(texts):
    items = [Item(i, signature(t, s)) for i, (t, s) in enumerate(texts)]
    pairs = find_pairs(items)
    assert len({(p.a, p.b) for p in pairs}) == len(pairs)
    assert all(p.a < p.b and 0.0 <= p.score <= 1.0 for p in pairs)
    # Every pair that LSH found is one compare() flags; exact copies are never missed.
    for p in pairs:
        assert compare(items[p.a], items[p.b]) == p
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a.signature.text and a.signature.text == b.signature.text:
                assert Pair(a.key, b.key, 1.0, SAME_TEXT) in pairs


# ---- At the size of an edition -------------------------------------------------------------------

PROSE = (
    "và của là có những được trong cho với người một các không này đã về để khi từ việt nam "
    "nước phát triển kinh tế văn hóa xã hội đối ngoại thông tin quốc tế bạn bè hợp tác hữu nghị "
    "biển đảo chủ quyền trường sa hà nội thành phố hồ chí minh nhân dân đồng bào kiều bào ngoài "
    "du lịch di sản thiên nhiên lễ hội truyền thống phóng sự bài viết tác giả phẩm báo chí hình "
    "phát thanh ảnh câu chuyện cuộc sống làng quê miền núi bằng sông cửu long mùa lúa chín tây "
    "bắc nguyên cồng chiêng bản sắc tộc giữ gìn quảng bá giới thiệu thế hội nhập hòa bình ổn "
    "định an ninh phòng giao chính sách chủ trương đường lối thanh niên sinh viên học trường "
    "giáo dục y bệnh viện bác sĩ nông ngư tàu cá ra khơi bám công doanh nghiệp đầu tư xuất khẩu "
    "cà phê gạo hạt điều tiêu thủy sản nghề thủ gốm sứ lụa tơ tằm ẩm thực phở bánh mì áo dài"
)
SYLLABLES = PROSE.split()


def edition_texts(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Titles of 6-14 and summaries of 80-300 syllables, words drawn as often as in prose."""
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(SYLLABLES))]

    def words(n):
        return " ".join(rng.choices(SYLLABLES, weights=weights, k=n))

    return [(words(rng.randint(6, 14)), words(rng.randint(80, 300))) for _ in range(count)]


def lightly_edited(rng: random.Random, text: str, changes: int) -> str:
    words = text.split()
    for _ in range(changes):
        words[rng.randrange(len(words))] = rng.choice(["mới", "khác", "thêm", "sửa", "đổi"])
    return strip_marks(" ".join(words))


def test_5000_entries_with_planted_copies(capsys):
    rng = random.Random(2026)
    texts = edition_texts(rng, 5000)
    planted = {}
    # The last 50 entries copy 50 earlier ones, lightly edited.
    for copy, source in zip(range(4950, 5000), rng.sample(range(4950), 50), strict=True):
        title, summary = texts[source]
        texts[copy] = (lightly_edited(rng, title, 1), lightly_edited(rng, summary, 4))
        planted[copy] = source
    started = time.perf_counter()
    items = [Item(i, signature(t, s), owner=i) for i, (t, s) in enumerate(texts)]
    signed = time.perf_counter()
    pairs = find_pairs(items)
    done = time.perf_counter()
    with capsys.disabled():
        print(f"\nsimilarity: 5,000 signatures in {signed - started:.2f} s, "
              f"find_pairs in {done - signed:.2f} s, {len(pairs)} pairs")
    found = {(p.a, p.b) for p in pairs}
    assert all((source, copy) in found for copy, source in planted.items())
    assert len(pairs) == len(planted)
