"""The words of file inspection and blind copies: one Vietnamese and one English message each.

Pure core: no Django. Like the eligibility engine's messages, these travel with a file (shown at
the upload field, kept with the entry, sent through the API), so both languages are written here
rather than through gettext; every Vietnamese string is NFC.
"""

from __future__ import annotations

import unicodedata

from giaithuong.entries.eligibility_messages import L

# Message key -> (Vietnamese, English). Keys are problem codes, or code.variant.
MESSAGES: dict[str, tuple[str, str]] = {
    "file_unreadable": (
        "Không đọc được tệp “{name}”; đề nghị tải lên lại.",
        "File “{name}” could not be read; please upload it again."),
    "file_empty": (
        "Tệp “{name}” rỗng (0 byte); đề nghị chọn đúng tệp và tải lên lại.",
        "File “{name}” is empty (0 bytes); please choose the right file and upload it again."),
    "type_not_accepted": (
        "Tệp “{name}” là {actual}, loại tệp này không được nhận; loại tệp được nhận: {choices}.",
        "File “{name}” is {actual}, which is not accepted; files accepted: {choices}."),
    "type_not_accepted.named": (
        "Tên tệp “{name}” có đuôi .{extension} nhưng nội dung là {actual}, loại tệp này không "
        "được nhận; loại tệp được nhận: {choices}.",
        "The name “{name}” says .{extension}, but the file is {actual}, which is not accepted; "
        "files accepted: {choices}."),
    "type_not_accepted.convert": (
        "Tệp “{name}” là {actual}; đề nghị chuyển sang {hint} rồi tải lên lại.",
        "File “{name}” is {actual}; please convert it to {hint} and upload it again."),
    "extension_mismatch": (
        "Tên tệp “{name}” có đuôi .{extension} nhưng nội dung là {actual}; tệp được lưu là "
        "{actual} (.{right}).",
        "The name “{name}” says .{extension}, but the file is {actual}; it is kept as {actual} "
        "(.{right})."),
    "pdf_malformed": (
        "Tệp PDF “{name}” bị hỏng hoặc không đúng định dạng, không mở được; đề nghị xuất lại "
        "tệp PDF và tải lên lại.",
        "PDF file “{name}” is damaged or not a valid PDF and cannot be opened; please export "
        "it again and upload it again."),
    "pdf_encrypted": (
        "Tệp PDF “{name}” được đặt mật khẩu; đề nghị gửi bản không đặt mật khẩu để Ban Giám "
        "khảo đọc được.",
        "PDF file “{name}” is password-protected; please send an unprotected copy the juries "
        "can open."),
    "pdf_no_pages": (
        "Tệp PDF “{name}” không có trang nào.",
        "PDF file “{name}” has no pages."),
    "docx_malformed": (
        "Tệp Word “{name}” bị hỏng hoặc không đúng định dạng DOCX, không mở được; đề nghị lưu "
        "lại dưới dạng .docx và tải lên lại.",
        "Word file “{name}” is damaged or not a valid DOCX and cannot be opened; please save it "
        "again as .docx and upload it again."),
    "archive_bomb": (
        "Tệp “{name}” khi giải nén sẽ vượt quá {limit} (hoặc nén bất thường {ratio} lần) nên "
        "không được mở, vì lý do an toàn.",
        "File “{name}” would unpack beyond {limit} (or is compressed an unusual {ratio} times), "
        "so it was not opened, for safety."),
    "image_malformed": (
        "Tệp ảnh “{name}” bị hỏng hoặc không đầy đủ, không mở được; đề nghị xuất lại ảnh và tải "
        "lên lại.",
        "Image file “{name}” is damaged or incomplete and cannot be opened; please export it "
        "again and upload it again."),
    "image_too_large": (
        "Ảnh “{name}” có kích thước {width} × {height} điểm ảnh, vượt quá mức tối đa {limit} "
        "triệu điểm ảnh; đề nghị giảm kích thước ảnh.",
        "Image “{name}” is {width} × {height} pixels, more than the {limit} million pixels "
        "allowed; please reduce its size."),
    "image_too_large.unknown": (
        "Ảnh “{name}” có kích thước vượt quá mức tối đa {limit} triệu điểm ảnh nên không được "
        "mở, vì lý do an toàn; đề nghị giảm kích thước ảnh.",
        "Image “{name}” is larger than the {limit} million pixels allowed, so it was not "
        "opened, for safety; please reduce its size."),
    "media_malformed": (
        "Tệp “{name}” bị hỏng hoặc không đọc được âm thanh, hình ảnh; đề nghị xuất lại tệp và tải "
        "lên lại.",
        "File “{name}” is damaged or its sound or picture cannot be read; please export it "
        "again and upload it again."),
    "media_no_streams": (
        "Tệp “{name}” không có âm thanh hay hình ảnh nào.",
        "File “{name}” holds no sound or picture."),
    "media_duration_unknown": (
        "Không đọc được thời lượng của tệp “{name}”; bộ phận tiếp nhận sẽ kiểm tra trực tiếp.",
        "The running time of file “{name}” could not be read; intake staff will check it."),
    "media_not_checked": (
        "Chưa kiểm tra được tệp âm thanh, video “{name}” lúc này; bộ phận tiếp nhận sẽ kiểm tra "
        "trực tiếp.",
        "Audio or video file “{name}” could not be checked now; intake staff will check it."),
    # Against a category's rules (the edition file).
    "kind_not_accepted": (
        "Tệp “{name}” là {kind}, hạng mục “{category}” không nhận; loại tệp được nhận: "
        "{choices}.",
        "File “{name}” is {kind}, which category “{category}” does not accept; files accepted: "
        "{choices}."),
    "too_large": (
        "Tệp “{name}” có dung lượng {size}, vượt quá mức tối đa {limit} mỗi tệp của hạng mục "
        "“{category}”.",
        "File “{name}” is {size}; category “{category}” allows at most {limit} per file."),
    "too_long": (
        "Tệp “{name}” có thời lượng {duration}, vượt quá mức tối đa {limit} của hạng mục "
        "“{category}”.",
        "File “{name}” runs {duration}, more than the {limit} allowed in category "
        "“{category}”."),
    "too_many_pages": (
        "Tệp “{name}” có {count} trang, vượt quá mức tối đa {limit} trang của hạng mục "
        "“{category}”.",
        "File “{name}” has {count} pages; category “{category}” allows at most {limit}."),
    # Blind copies.
    "blind_not_supported": (
        "Không tạo được bản ẩn danh cho {actual}.",
        "No anonymised copy can be made of {actual}."),
    "blind_unavailable": (
        "Chưa tạo được bản ẩn danh của tệp “{name}” lúc này; bộ phận tiếp nhận sẽ xử lý.",
        "The anonymised copy of file “{name}” could not be made now; intake staff will handle "
        "it."),
    "blind_failed": (
        "Không tạo được bản ẩn danh của tệp “{name}” vì tệp không đọc được; bộ phận tiếp nhận "
        "sẽ xử lý.",
        "The anonymised copy of file “{name}” could not be made because the file cannot be "
        "read; intake staff will handle it."),
}

# What each content type is called in a sentence (“the file is a PNG image”).
TYPE_NAMES: dict[str, L] = {
    "application/pdf": L("tệp PDF", "a PDF document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        L("văn bản Word (DOCX)", "a Word document (DOCX)"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        L("bảng tính Excel", "an Excel workbook"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation":
        L("bản trình chiếu PowerPoint", "a PowerPoint presentation"),
    "application/vnd.oasis.opendocument.text": L("văn bản OpenDocument", "an OpenDocument text"),
    "application/epub+zip": L("sách điện tử EPUB", "an EPUB e-book"),
    "application/zip": L("tệp nén ZIP", "a ZIP archive"),
    "application/x-ole-storage": L("văn bản Office 97–2003 (.doc)",
                                   "an Office 97–2003 document (.doc)"),
    "application/rtf": L("văn bản RTF", "an RTF document"),
    "image/jpeg": L("ảnh JPEG", "a JPEG image"),
    "image/png": L("ảnh PNG", "a PNG image"),
    "image/gif": L("ảnh GIF", "a GIF image"),
    "image/webp": L("ảnh WebP", "a WebP image"),
    "image/tiff": L("ảnh TIFF", "a TIFF image"),
    "image/heic": L("ảnh HEIC", "a HEIC image"),
    "image/avif": L("ảnh AVIF", "an AVIF image"),
    "image/svg+xml": L("ảnh SVG", "an SVG image"),
    "video/mp4": L("video MP4", "an MP4 video"),
    "video/quicktime": L("video QuickTime (MOV)", "a QuickTime video (MOV)"),
    "audio/mp4": L("âm thanh MPEG-4 (M4A)", "an MPEG-4 audio file (M4A)"),
    "video/3gpp": L("video 3GP", "a 3GP video"),
    "video/webm": L("video WebM", "a WebM video"),
    "video/x-matroska": L("video Matroska (MKV)", "a Matroska video (MKV)"),
    "video/x-msvideo": L("video AVI", "an AVI video"),
    "video/mp2t": L("luồng video MPEG-TS", "an MPEG transport stream"),
    "video/mpeg": L("video MPEG", "an MPEG video"),
    "video/x-flv": L("video Flash (FLV)", "a Flash video (FLV)"),
    "audio/mpeg": L("âm thanh MP3", "an MP3 audio file"),
    "audio/aac": L("âm thanh AAC", "an AAC audio file"),
    "audio/wav": L("âm thanh WAV", "a WAV audio file"),
    "audio/flac": L("âm thanh FLAC", "a FLAC audio file"),
    "audio/ogg": L("âm thanh Ogg", "an Ogg audio file"),
    "application/gzip": L("tệp nén gzip", "a gzip archive"),
    "application/x-7z-compressed": L("tệp nén 7-Zip", "a 7-Zip archive"),
    "application/vnd.rar": L("tệp nén RAR", "a RAR archive"),
    "text/html": L("trang HTML", "an HTML page"),
    "text/plain": L("tệp văn bản thuần", "a plain text file"),
    "application/octet-stream": L("tệp không rõ định dạng", "a file of unknown type"),
}

# What a refused type should become, when there is an obvious answer.
CONVERT_HINTS: dict[str, L] = {
    "application/x-ole-storage": L("DOCX hoặc PDF", "DOCX or PDF"),
    "application/rtf": L("DOCX hoặc PDF", "DOCX or PDF"),
    "application/vnd.oasis.opendocument.text": L("DOCX hoặc PDF", "DOCX or PDF"),
    "image/heic": L("JPEG", "JPEG"),
    "image/avif": L("JPEG", "JPEG"),
    "image/gif": L("PNG", "PNG"),
    "video/x-msvideo": L("MP4", "MP4"),
    "video/x-flv": L("MP4", "MP4"),
    "video/3gpp": L("MP4", "MP4"),
    "video/mpeg": L("MP4", "MP4"),
    "video/mp2t": L("MP4", "MP4"),
}


def type_name(mime: str) -> L:
    return TYPE_NAMES.get(mime) or L(f"tệp loại {mime}", f"a file of type {mime}")


def render(key: str, params: dict[str, object]) -> L:
    vi_template, en_template = MESSAGES[key]
    vi = {k: (v.vi if isinstance(v, L) else v) for k, v in params.items()}
    en = {k: (v.en if isinstance(v, L) else v) for k, v in params.items()}
    # File names come from entrants, sometimes decomposed: the whole message is NFC.
    return L(unicodedata.normalize("NFC", vi_template.format_map(vi)),
             unicodedata.normalize("NFC", en_template.format_map(en)))
