"""The words of the eligibility engine: one Vietnamese and one English message per finding.

Pure core: no Django. Messages are data that travels with an entry (shown to entrants, kept in
intake reviews, sent through the API), so they are written here in both languages rather than
through gettext, and every Vietnamese string is NFC with its diacritics.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata
from typing import NamedTuple


class L(NamedTuple):
    """A value spelled differently in each language (a name, a date, a size)."""

    vi: str
    en: str


# Message key -> (Vietnamese, English). Keys are violation codes, or code.variant when one code
# has several wordings. Placeholders are filled per language.
MESSAGES: dict[str, tuple[str, str]] = {
    "category_mismatch": (
        "Tác phẩm được đăng ký vào hạng mục “{entry_category}”, không phải hạng mục “{category}”.",
        "The entry is filed under category “{entry_category}”, not “{category}”."),
    "title_missing": (
        "Chưa nhập tên tác phẩm.",
        "The title of the work is missing."),
    "genre_missing": (
        "Chưa nêu thể loại tác phẩm (ví dụ: phóng sự, bình luận, phim tài liệu).",
        "The genre of the work is missing (for example: report, commentary, documentary)."),
    "subtype_missing": (
        "Hạng mục “{category}” yêu cầu chọn loại tác phẩm: {choices}.",
        "Category “{category}” needs the kind of work: {choices}."),
    "subtype_not_accepted": (
        "Loại “{value}” không thuộc hạng mục “{category}”; chọn một trong các loại: {choices}.",
        "“{value}” is not a kind of work in category “{category}”; choose one of: {choices}."),
    "language_missing": (
        "Chưa nêu ngôn ngữ của tác phẩm.",
        "The language of the work is missing."),
    "language_not_accepted.vietnamese_only": (
        "Hạng mục “{category}” chỉ nhận tác phẩm bằng tiếng Việt; tác phẩm bằng {language} "
        "cần đăng ký vào hạng mục dành cho tiếng nước ngoài.",
        "Category “{category}” accepts works in Vietnamese only; a work in {language} belongs "
        "in a foreign-language category."),
    "language_not_accepted.foreign_only": (
        "Hạng mục “{category}” chỉ nhận tác phẩm bằng tiếng nước ngoài; tác phẩm bằng tiếng "
        "Việt cần đăng ký vào hạng mục dành cho tiếng Việt.",
        "Category “{category}” accepts works in foreign languages only; a work in Vietnamese "
        "belongs in a Vietnamese-language category."),
    "language_not_accepted.not_listed": (
        "Hạng mục “{category}” không nhận tác phẩm bằng {language}; ngôn ngữ được nhận: "
        "{choices}.",
        "Category “{category}” does not accept works in {language}; languages accepted: "
        "{choices}."),
    "summary_missing": (
        "Chưa có bản tóm tắt tiếng Việt (nêu hạng mục, thể loại, nội dung chính, bối cảnh ra "
        "đời và phản hồi của công chúng).",
        "The summary in Vietnamese is missing (category, genre, main content, context and "
        "audience response)."),
    "summary_not_vietnamese": (
        "Bản tóm tắt dường như không được viết bằng tiếng Việt có dấu; đề nghị kiểm tra lại.",
        "The summary does not appear to be written in Vietnamese with diacritics; please "
        "check it."),
    "translation_missing": (
        "Tác phẩm bằng {language} cần kèm bản dịch toàn văn sang tiếng Việt.",
        "A work in {language} needs a full translation into Vietnamese."),
    "publication_date_missing": (
        "Chưa nêu ngày tác phẩm được công bố, phát sóng, xuất bản hoặc áp dụng.",
        "The date the work was published, broadcast, released or applied is missing."),
    "publication_dates_reversed": (
        "Ngày công bố lần cuối ({last}) trước ngày công bố lần đầu ({first}).",
        "The last publication date ({last}) is before the first ({first})."),
    "published_outside_window": (
        "Tác phẩm được công bố ngoài thời gian quy định của Giải (từ {start} đến {end}).",
        "The work was published outside the award's eligibility window ({start} to {end})."),
    "straddle_share_missing": (
        "Tác phẩm được công bố một phần ngoài thời gian quy định (từ {start} đến {end}): cần "
        "nêu số kỳ hoặc thời lượng công bố ngoài thời gian đó.",
        "Part of the work was published outside the window ({start} to {end}): state how many "
        "parts or how much running time fall outside it."),
    "straddle_share_too_small": (
        "Tác phẩm được công bố một phần ngoài thời gian quy định (từ {start} đến {end}) và chỉ "
        "có {detail} nằm trong thời gian đó; cần ít nhất {required}.",
        "The work was published partly outside the window ({start} to {end}) and only {detail} "
        "fall inside it; at least {required} must."),
    "publication_dates_inconsistent": (
        "Tác phẩm được khai có phần công bố ngoài thời gian quy định nhưng ngày công bố lần đầu "
        "và lần cuối đều nằm trong thời gian đó; đề nghị kiểm tra lại.",
        "Part of the work is declared as published outside the window, yet its first and last "
        "publication dates both fall inside it; please check."),
    "previous_edition_window": (
        "Tác phẩm có phần được công bố trong thời gian xét Giải của kỳ trước (từ {start} đến "
        "{end}); đề nghị xác nhận tác phẩm chưa dự Giải kỳ trước.",
        "Part of the work was published within the previous edition's window ({start} to "
        "{end}); please confirm it was not entered in that edition."),
    "series_too_many_parts": (
        "Loạt bài có {parts} kỳ, vượt quá mức tối đa {limit} kỳ của hạng mục “{category}”.",
        "The series has {parts} parts; category “{category}” allows at most {limit}."),
    "duration_missing": (
        "Hạng mục “{category}” giới hạn thời lượng tác phẩm: cần nêu thời lượng.",
        "Category “{category}” limits running time: state the running time of the work."),
    "duration_too_long": (
        "Thời lượng {duration} vượt quá mức tối đa {limit} của hạng mục “{category}”.",
        "The running time of {duration} exceeds the {limit} allowed in category “{category}”."),
    "pages_missing": (
        "Hạng mục “{category}” giới hạn số trang: cần nêu số trang của tác phẩm.",
        "Category “{category}” limits the number of pages: state the page count of the work."),
    "pages_too_many": (
        "Tác phẩm có {count} trang, vượt quá mức tối đa {limit} trang của hạng mục "
        "“{category}”.",
        "The work has {count} pages; category “{category}” allows at most {limit}."),
    "photos_missing": (
        "Hạng mục “{category}” giới hạn số ảnh: cần nêu số ảnh của tác phẩm.",
        "Category “{category}” limits the number of photos: state how many photos the work has."),
    "photos_too_many": (
        "Tác phẩm có {count} ảnh, vượt quá mức tối đa {limit} ảnh của hạng mục “{category}”.",
        "The work has {count} photos; category “{category}” allows at most {limit}."),
    "material_missing": (
        "Chưa có tệp hoặc đường dẫn nào của tác phẩm.",
        "No file or link of the work has been added."),
    "file_too_large": (
        "Tệp “{name}” có dung lượng {size}, vượt quá mức tối đa {limit} mỗi tệp của hạng mục "
        "“{category}”.",
        "File “{name}” is {size}; category “{category}” allows at most {limit} per file."),
    "file_kind_not_accepted": (
        "Tệp “{name}” thuộc loại {kind}, hạng mục “{category}” không nhận; loại tệp được nhận: "
        "{choices}.",
        "File “{name}” is {kind}, which category “{category}” does not accept; files accepted: "
        "{choices}."),
    "authors_missing": (
        "Chưa nêu tác giả của tác phẩm.",
        "No author of the work has been named."),
    "author_listed_twice": (
        "{who} được nêu hai lần trong danh sách tác giả.",
        "{who} is listed twice among the authors."),
    "team_too_large": (
        "Nhóm tác giả có {count} người, vượt quá mức tối đa {limit} người.",
        "The group has {count} authors; at most {limit} are allowed."),
    "author_entry_limit": (
        "{who} đã có {count} tác phẩm dự Giải kỳ này; mỗi tác giả được gửi tối đa {limit} tác "
        "phẩm.",
        "{who} already has {count} entries in this edition; each author may send at most "
        "{limit}."),
    "group_entry_limit": (
        "Nhóm tác giả này đã có {count} tác phẩm dự Giải kỳ này; mỗi tác giả hoặc nhóm tác giả "
        "được gửi tối đa {limit} tác phẩm.",
        "This group of authors already has {count} entries in this edition; each author or "
        "group may send at most {limit}."),
    "author_is_juror": (
        "{who} là thành viên Hội đồng hoặc Ban Giám khảo của kỳ Giải này nên không được dự "
        "Giải.",
        "{who} sits on a jury or the council of this edition and may not enter."),
    "author_is_organiser": (
        "{who} là thành viên Ban Tổ chức kỳ Giải này nên không được dự Giải.",
        "{who} is an organiser of this edition and may not enter."),
    "entrant_form_not_accepted": (
        "Kỳ Giải này không nhận tác phẩm dự Giải với tư cách {form}.",
        "This edition does not accept entries from {form}."),
    "channel_not_accepted": (
        "Kỳ Giải này không nhận tác phẩm gửi qua {channel}.",
        "This edition does not accept entries sent by {channel}."),
    "submitted_late": (
        "Tác phẩm được gửi lúc {at}, sau hạn cuối {deadline}{extended}.",
        "The entry was sent at {at}, after the deadline of {deadline}{extended}."),
    "submitted_late.postmark": (
        "Dấu bưu điện ngày {postmark}, sau hạn cuối ngày {deadline}{extended}.",
        "The postmark is dated {postmark}, after the deadline of {deadline}{extended}."),
    "copyright_attestation_missing": (
        "Chưa cam kết tác phẩm không có tranh chấp về tác giả và bản quyền kể từ khi công bố.",
        "The statement that the work has had no authorship or copyright dispute since "
        "publication is missing."),
    "prior_award_declaration_missing": (
        "Chưa khai báo các giải thưởng tác phẩm đã đạt (tên cuộc thi, đơn vị tổ chức, mức giải, "
        "thời gian), hoặc xác nhận tác phẩm chưa đạt giải nào.",
        "The declaration of prizes the work has won (contest, organiser, level, date), or that "
        "it has won none, is missing."),
    "value_invalid.negative": (
        "Giá trị {value} không hợp lệ: số liệu không được âm.",
        "The value {value} is not valid: it cannot be negative."),
    "value_invalid.no_parts": (
        "Tác phẩm phải có ít nhất một bài, kỳ hoặc số.",
        "A work has at least one part."),
    "value_invalid.outside_exceeds_total": (
        "Thời lượng công bố ngoài thời gian quy định ({outside}) không thể lớn hơn tổng thời "
        "lượng ({total}).",
        "The running time published outside the window ({outside}) cannot exceed the total "
        "running time ({total})."),
    "facts_unreadable": (
        "Không kiểm tra được mục này vì dữ liệu không hợp lệ.",
        "This item could not be checked because its data is not valid."),
}

EXTENDED = L(" (đã gia hạn)", " (extended)")

LANGUAGE_NAMES: dict[str, L] = {
    "vi": L("tiếng Việt", "Vietnamese"), "en": L("tiếng Anh", "English"),
    "fr": L("tiếng Pháp", "French"), "zh": L("tiếng Trung", "Chinese"),
    "ru": L("tiếng Nga", "Russian"), "es": L("tiếng Tây Ban Nha", "Spanish"),
    "de": L("tiếng Đức", "German"), "ja": L("tiếng Nhật", "Japanese"),
    "ko": L("tiếng Hàn", "Korean"), "lo": L("tiếng Lào", "Lao"), "km": L("tiếng Khmer", "Khmer"),
    "th": L("tiếng Thái", "Thai"), "ar": L("tiếng Ả Rập", "Arabic"),
    "pt": L("tiếng Bồ Đào Nha", "Portuguese"), "it": L("tiếng Ý", "Italian"),
    "id": L("tiếng Indonesia", "Indonesian"), "ms": L("tiếng Mã Lai", "Malay"),
    "hi": L("tiếng Hindi", "Hindi"),
}
FILE_KINDS: dict[str, L] = {
    "pdf": L("PDF", "PDF"), "docx": L("văn bản Word (DOCX)", "Word documents (DOCX)"),
    "image": L("ảnh", "images"), "audio": L("âm thanh", "audio"), "video": L("video", "video"),
}
ENTRANT_FORMS: dict[str, L] = {
    "individual": L("cá nhân", "individuals"), "group": L("nhóm tác giả", "groups of authors"),
    "organisation": L("cơ quan, tổ chức", "agencies and organisations"),
}
CHANNELS: dict[str, L] = {
    "portal": L("Cổng thông tin Giải thưởng", "the award portal"),
    "email": L("thư điện tử", "email"), "post": L("đường bưu chính", "post"),
}


def named(table: dict[str, L], code: str) -> L:
    return table.get(code) or L(f"“{code}”", f"“{code}”")


def language_name(code: str) -> L:
    return LANGUAGE_NAMES.get(code) or L(f"ngôn ngữ “{code}”", f"language “{code}”")


def choices(values: list[L]) -> L:
    return L(", ".join(v.vi for v in values), ", ".join(v.en for v in values))


def thousands(value: int, language: str) -> str:
    text = f"{value:,}"
    return text.replace(",", ".") if language == "vi" else text


def date(value: dt.date) -> str:
    """Dates read the same in both languages on this award's documents: 31/07/2026."""
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def moment(at: dt.datetime, zone: dt.tzinfo) -> L:
    # At the ends of the calendar the conversion overflows: the time keeps its own offset.
    with contextlib.suppress(OverflowError, ValueError):
        at = at.astimezone(zone)
    offset = at.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    utc = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    clock = f"{at.hour:02d}:{at.minute:02d}:{at.second:02d}"
    return L(f"{clock} ngày {date(at)} ({utc})", f"{clock} on {date(at)} ({utc})")


def duration(seconds: int) -> L:
    minutes, rest = divmod(seconds, 60)
    vi = f"{thousands(minutes, 'vi')} phút" + (f" {rest} giây" if rest else "")
    en = f"{thousands(minutes, 'en')} min" + (f" {rest} s" if rest else "")
    return L(vi, en)


MIB = 1024 * 1024


def size(size_bytes: int, limit_bytes: int | None = None) -> L:
    """A size in MB; in bytes as well when one decimal would hide that it is over the limit."""
    tenths = (size_bytes * 10 + MIB // 2) // MIB  # integers: exact for any size
    whole, tenth = divmod(tenths, 10)
    vi = thousands(whole, "vi") + (f",{tenth}" if tenth else "") + " MB"
    en = thousands(whole, "en") + (f".{tenth}" if tenth else "") + " MB"
    if limit_bytes is not None and tenths * MIB <= limit_bytes * 10:
        vi += f" ({thousands(size_bytes, 'vi')} byte)"
        en += f" ({thousands(size_bytes, 'en')} bytes)"
    return L(vi, en)


def render(key: str, params: dict[str, object]) -> L:
    vi_template, en_template = MESSAGES[key]
    vi = {k: (v.vi if isinstance(v, L) else v) for k, v in params.items()}
    en = {k: (v.en if isinstance(v, L) else v) for k, v in params.items()}
    # Names and file names come from entrants, sometimes decomposed: the whole message is NFC.
    return L(unicodedata.normalize("NFC", vi_template.format_map(vi)),
             unicodedata.normalize("NFC", en_template.format_map(en)))
