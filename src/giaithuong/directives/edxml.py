"""edXML packages of QCVN 102:2016/BTTTT (with SĐ1:2022): the envelope in which document systems
exchange official letters (liên thông văn bản), and the status messages that answer them.

Pure core: no Django. `build_package` / `parse_package` turn a `Package` into the bytes of an
.edxml file and back; `build_status` / `parse_status` do the same for a `StatusMessage`.
Layout as in dispatch-format.md §8:

    edXML
    ├── edXMLEnvelope
    │   ├── edXMLHeader: MessageHeader (or Status), TraceHeaderList
    │   └── edXMLBody/edXMLManifest/Reference (xlink:href="cid:…")
    └── AttachmentEncoded/Attachment (base64)

Packages come from outside, so reading is defensive: `defusedxml` refuses any DTD (hence entity
expansion such as "billion laughs" and external references), the size is capped before parsing,
elements are matched by local name (senders mix prefixed and bare names), and every problem is
an `EdxmlError` that says what is wrong. What the standard cannot carry (an attachment's size
and SHA-256, a citation's relation and subject) travels in elements of our own namespace `EXT`,
which other systems ignore and which are checked when present.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET  # building only: parsing goes through defusedxml
from dataclasses import dataclass, field
from enum import IntEnum
from xml.parsers.expat import ExpatError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
EXT = "urn:giaithuong:edxml:1"
ET.register_namespace("edXML", NS)
ET.register_namespace("xlink", XLINK)
ET.register_namespace("gt", EXT)

MAX_PACKAGE_BYTES = 50 * 1024 * 1024  # base64 adds a third: about 37 MB of files
MAX_ATTACHMENTS = 100

# Length limits of the Bkav validator (dispatch-format.md §8), and our own columns' sizes.
LIMITS = {"CodeNumber": 11, "CodeNotation": 30, "Place": 50, "Subject": 500, "OrganId": 50,
          "OrganName": 300, "AttachmentName": 255, "ContentType": 100}

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")  # edXML timestamps carry no zone

STATUS_CODES = {
    "01": "Đã đến",
    "02": "Từ chối tiếp nhận",
    "03": "Đã tiếp nhận",
    "04": "Phân công",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Yêu cầu lấy lại",
    "15": "Đồng ý lấy lại / cập nhật",
    "16": "Từ chối lấy lại / cập nhật",
}


class EdxmlError(ValueError):
    """The package is not a well-formed edXML package. It says what is wrong in Vietnamese and in
    English (`vi`, `en`; `str()` gives both), so pages and the API can answer in either."""

    def __init__(self, key: str, **values) -> None:
        vi, en = MESSAGES[key]
        self.key = key
        self.vi, self.en = vi.format(**values), en.format(**values)
        super().__init__(f"{self.vi} ({self.en})")

    def in_language(self, language: str | None) -> str:
        return self.en if (language or "").startswith("en") else self.vi


# What an EdxmlError says: key -> (Vietnamese, English).
MESSAGES: dict[str, tuple[str, str]] = {
    "not_bytes": ("Gói tin phải là tệp XML.", "The package must be an XML file."),
    "empty": ("Tệp rỗng.", "The file is empty."),
    "too_large": ("Gói tin quá lớn ({size} MB, tối đa {limit} MB).",
                  "The package is too large ({size} MB, at most {limit} MB)."),
    "dtd": ("Gói tin có khai báo DTD hoặc thực thể (entity); vì an toàn, hệ thống không nhận.",
            "The package declares a DTD or entities, which are refused for safety."),
    "not_xml": ("Tệp không phải XML hợp lệ.", "The file is not well-formed XML."),
    "wrong_root": ("Phần tử gốc phải là edXML, không phải “{root}”.",
                   "The root element must be edXML, not “{root}”."),
    "missing": ("Gói tin thiếu {path}.", "The package has no {path}."),
    "required": ("Gói tin thiếu trường bắt buộc {path} (hoặc để trống).",
                 "The required field {path} is missing or empty."),
    "too_long": ("{path} dài quá {limit} ký tự.", "{path} is longer than {limit} characters."),
    "bad_date": ("Ngày không hợp lệ ở {path}: “{value}” (cần dạng yyyy/MM/dd).",
                 "Bad date in {path}: “{value}” (expected yyyy/MM/dd)."),
    "bad_time": ("Thời điểm không hợp lệ ở {path}: “{value}” (cần dạng yyyy/MM/dd HH:mm:ss).",
                 "Bad timestamp in {path}: “{value}” (expected yyyy/MM/dd HH:mm:ss)."),
    "not_number": ("{path} phải là số, không phải “{value}”.",
                   "{path} must be a number, not “{value}”."),
    "out_of_range": ("{path} không hợp lệ: {value} (chỉ nhận {low}–{high}).",
                     "{path} is out of range: {value} (allowed {low}–{high})."),
    "bad_organ_id": ("{path} không hợp lệ: “{value}” (không được có dấu cách hay dấu phẩy).",
                     "{path} is not valid: “{value}” (no spaces or commas)."),
    "no_receiver": ("Gói tin phải có ít nhất một nơi nhận (MessageHeader/To).",
                    "The package needs at least one receiver (MessageHeader/To)."),
    "is_status": ("Đây là gói tin trạng thái, không phải văn bản.",
                  "This is a status message, not a document package."),
    "is_package": ("Đây là gói tin văn bản, không phải trạng thái.",
                   "This is a document package, not a status message."),
    "unknown_status": ("Mã trạng thái “{value}” không có trong QCVN 102:2016.",
                       "Status code “{value}” is not one of QCVN 102:2016."),
    "no_href": ("Một mục trong edXMLManifest không có xlink:href.",
                "A manifest Reference has no xlink:href."),
    "listed_twice": ("Tệp “{cid}” được liệt kê hai lần trong edXMLManifest.",
                     "“{cid}” is listed twice in the manifest."),
    "duplicate_cid": ("Hai tệp đính kèm trùng ContentId “{cid}”.",
                      "Two attachments share the ContentId “{cid}”."),
    "too_many": ("Quá nhiều tệp đính kèm ({count}, tối đa {limit}).",
                 "Too many attachments ({count}, at most {limit})."),
    "not_listed": ("Tệp đính kèm “{cid}” không có trong edXMLManifest.",
                   "The attachment “{cid}” is not listed in the manifest."),
    "unnamed": ("Tệp đính kèm “{cid}” không có tên (AttachmentName).",
                "The attachment “{cid}” has no name (AttachmentName)."),
    "bad_base64": ("Nội dung tệp “{name}” không phải base64 hợp lệ.",
                   "The content of “{name}” is not valid base64."),
    "size_mismatch": ("Tệp “{name}” có {size} byte nhưng edXMLManifest ghi {listed}.",
                      "“{name}” has {size} bytes but the manifest says {listed}."),
    "hash_mismatch": ("Mã băm SHA-256 của tệp “{name}” không khớp: tệp bị hỏng hoặc bị sửa.",
                      "The SHA-256 of “{name}” does not match the manifest: the file is damaged "
                      "or altered."),
    "attachment_missing": ("Thiếu tệp đính kèm “{cid}” được liệt kê trong edXMLManifest.",
                           "The attachment “{cid}” listed in the manifest is missing."),
}


def _shown(value: str, limit: int = 60) -> str:
    """A piece of the received input, short and printable, to quote in a message."""
    value = "".join(c if c.isprintable() else "?" for c in str(value))
    return value if len(value) <= limit else value[:limit] + "…"


class DocumentCategory(IntEnum):
    LEGAL = 1  # văn bản quy phạm pháp luật
    ADMINISTRATIVE = 2  # văn bản hành chính


class Priority(IntEnum):
    NORMAL = 0  # thường
    URGENT = 1  # khẩn
    VERY_URGENT = 2  # thượng khẩn
    EXPRESS = 3  # hỏa tốc
    EXPRESS_TIMED = 4  # hỏa tốc hẹn giờ


class SteeringType(IntEnum):
    NONE = 0
    DIRECTING = 1  # chỉ đạo
    REPORTING = 2  # báo cáo chỉ đạo


class BusinessType(IntEnum):
    NEW = 0
    REVOKE = 1  # thu hồi
    UPDATE = 2  # cập nhật
    REPLACE = 3  # thay thế


# Values -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Organ:
    """An organisation sending or receiving (From, To, ResponseFor's sender)."""

    organ_id: str  # "000.00.00.G22"; may be empty for a receiver known only by name
    name: str
    in_charge: str = ""  # OrganizationInCharge: the body above it
    address: str = ""
    email: str = ""
    phone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class Signer:
    competence: str = ""  # "TM. BAN THƯỜNG TRỰC"; stacked prefixes one per line
    position: str = ""  # "CHỦ TỊCH"
    full_name: str = ""


@dataclass(frozen=True)
class Staff:
    """StaffInfo: who handled it at the sending end."""

    department: str = ""
    name: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class DocumentRef:
    """A document this one answers or cites (ResponseFor), or the one a status is about.

    `relation`, `kind`, `organ_name` and `subject` travel in the `EXT` namespace."""

    number: int | None
    notation: str
    date: dt.date | None = None
    organ_id: str = ""
    document_id: str = ""
    relation: str = ""
    kind: str = ""
    organ_name: str = ""
    subject: str = ""

    @property
    def code(self) -> str:
        if self.number is None:
            return self.notation
        return f"{self.number}/{self.notation}" if self.notation else str(self.number)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes = field(repr=False)
    description: str = ""
    content_id: str = field(default="", compare=False)  # transport detail; made up if empty

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Trace:
    organ_id: str
    timestamp: dt.datetime


@dataclass(frozen=True)
class Package:
    """One document in its envelope (MessageHeader, TraceHeaderList, manifest, attachments)."""

    sender: Organ
    receivers: tuple[Organ, ...]
    number: int
    notation: str
    place: str
    date: dt.date
    subject: str
    category: int = DocumentCategory.ADMINISTRATIVE
    type_detail: str = ""
    type_name: str = ""
    content: str = ""
    signer: Signer | None = None
    due_date: dt.date | None = None
    to_places: tuple[str, ...] = ()
    priority: int = Priority.NORMAL
    sphere: str = ""  # SphereOfPromulgation
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    steering: int = SteeringType.NONE
    references: tuple[DocumentRef, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    traces: tuple[Trace, ...] = ()
    business: int = BusinessType.NEW
    business_reason: str = ""
    staff: Staff | None = None
    paper: bool = False
    document_id: str = ""  # "OrganId,yyyy/MM/dd,NUM/NOTATION"; derived when empty

    def __post_init__(self) -> None:
        if not self.document_id:
            object.__setattr__(self, "document_id", document_id(
                self.sender.organ_id, self.date, self.number, self.notation))

    @property
    def code(self) -> str:
        return f"{self.number}/{self.notation}"


@dataclass(frozen=True)
class StatusMessage:
    """A receiving system's answer about a document (Status): arrived, refused, accepted,
    assigned, in progress, done."""

    response_for: DocumentRef
    sender: Organ
    code: str
    timestamp: dt.datetime
    description: str = ""
    staff: Staff | None = None

    @property
    def meaning(self) -> str:
        return STATUS_CODES.get(self.code, "")


def document_id(organ_id: str, date: dt.date, number: int, notation: str) -> str:
    """'000.00.00.G22,2015/09/30,7816/VPCP-TTĐT'."""
    return f"{organ_id},{_fmt_date(date)},{number}/{notation}"


def read_document_id(value: str) -> DocumentRef | None:
    """'000.00.00.G22,2015/09/30,7816/VPCP-TTĐT' → the document it names; None if it is not
    in that form."""
    parts = clean(value).split(",", 2)
    if len(parts) != 3:
        return None
    number, notation = split_code(parts[2].strip())
    try:
        date = _parse_date(parts[1].strip(), "DocumentId")
    except EdxmlError:
        return None
    if number is None:
        return None
    return DocumentRef(number=number, notation=notation, date=date, organ_id=parts[0].strip(),
                       document_id=clean(value))


def is_standard_organ_id(value: str) -> bool:
    """An identifier of the national scheme (QĐ 20/2020/QĐ-TTg), e.g. 000.00.00.G22."""
    return re.fullmatch(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}", value) is not None


# Text ---------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry; they are dropped so a package always parses.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(value: str) -> str:
    """NFC, line ends as XML reads them back, no characters XML cannot hold, no outer spaces."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", value).strip()


def _fmt_date(value: dt.date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def _fmt_time(value: dt.datetime) -> str:
    local = value.astimezone(VN_TZ) if value.tzinfo else value
    return f"{_fmt_date(local.date())} {local:%H:%M:%S}"


# ASCII digits only: `\d` would also take other scripts' digits.
_DATE = re.compile(r"([0-9]{4})[/-]([0-9]{1,2})[/-]([0-9]{1,2})")
_TIME = re.compile(r"([0-9]{4})[/-]([0-9]{1,2})[/-]([0-9]{1,2})[ T]([0-9]{1,2}):([0-9]{2})"
                   r"(?::([0-9]{2}))?(?:\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?")


def _parse_date(value: str, where: str) -> dt.date:
    match = _DATE.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise EdxmlError("bad_date", path=where, value=_shown(value)) from None


def _parse_time(value: str, where: str) -> dt.datetime:
    match = _TIME.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        year, month, day, hour, minute, second, zone = match.groups()
        tz = VN_TZ
        if zone == "Z":
            tz = dt.UTC
        elif zone:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        return dt.datetime(int(year), int(month), int(day), int(hour), int(minute),
                           int(second or 0), tzinfo=tz).astimezone(VN_TZ)
    except (ValueError, OverflowError):
        raise EdxmlError("bad_time", path=where, value=_shown(value)) from None


# Building -----------------------------------------------------------------------------------

def _q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


def _add(parent: ET.Element, tag: str, value=None, *, ns: str = NS,
         keep_empty: bool = False) -> ET.Element | None:
    """Append <tag>value</tag>; empty optional values are left out."""
    if value is None or (value == "" and not keep_empty):
        return None
    element = ET.SubElement(parent, _q(tag, ns))
    if isinstance(value, dt.datetime):
        element.text = _fmt_time(value)
    elif isinstance(value, dt.date):
        element.text = _fmt_date(value)
    elif isinstance(value, bool):
        element.text = "1" if value else "0"
    elif isinstance(value, int):
        element.text = str(int(value))
    else:
        element.text = clean(value)
    return element


def _add_organ(parent: ET.Element, tag: str, organ: Organ) -> None:
    element = ET.SubElement(parent, _q(tag))
    _add(element, "OrganId", organ.organ_id, keep_empty=True)
    _add(element, "OrganizationInCharge", organ.in_charge)
    _add(element, "OrganName", organ.name, keep_empty=True)
    _add(element, "OrganAdd", organ.address)
    _add(element, "Email", organ.email)
    _add(element, "Telephone", organ.phone)
    _add(element, "Fax", organ.fax)
    _add(element, "Website", organ.website)


def _add_staff(parent: ET.Element, staff: Staff | None) -> None:
    if staff is None:
        return
    element = ET.SubElement(parent, _q("StaffInfo"))
    _add(element, "Department", staff.department)
    _add(element, "Staff", staff.name)
    _add(element, "Mobile", staff.mobile)
    _add(element, "Email", staff.email)


def _add_ref(parent: ET.Element, ref: DocumentRef) -> None:
    element = ET.SubElement(parent, _q("ResponseFor"))
    _add(element, "OrganId", ref.organ_id, keep_empty=True)
    _add(element, "Code", ref.code, keep_empty=True)
    _add(element, "PromulgationDate", ref.date)
    _add(element, "DocumentId", ref.document_id)
    _add(element, "Relation", ref.relation, ns=EXT)
    _add(element, "Kind", ref.kind, ns=EXT)
    _add(element, "OrganName", ref.organ_name, ns=EXT)
    _add(element, "Subject", ref.subject, ns=EXT)


def _content_ids(attachments: tuple[Attachment, ...]) -> list[str]:
    ids = [_cid(a.content_id) or f"{n}.{a.sha256[:16]}@giaithuong"
           for n, a in enumerate(attachments, start=1)]
    repeated = [cid for n, cid in enumerate(ids) if cid in ids[:n]]
    if repeated:
        raise EdxmlError("duplicate_cid", cid=_shown(repeated[0]))
    return ids


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)  # readable by people; only whitespace between elements changes
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def build_package(package: Package) -> bytes:
    """The .edxml file of a package. Checked like a received one first, so what we send is
    what we would accept."""
    _check_package(package)
    root = ET.Element(_q("edXML"))
    envelope = ET.SubElement(root, _q("edXMLEnvelope"))
    header = ET.SubElement(envelope, _q("edXMLHeader"))
    message = ET.SubElement(header, _q("MessageHeader"))
    _add_organ(message, "From", package.sender)
    for receiver in package.receivers:
        _add_organ(message, "To", receiver)
    code = ET.SubElement(message, _q("Code"))
    _add(code, "CodeNumber", package.number)
    _add(code, "CodeNotation", package.notation)
    promulgation = ET.SubElement(message, _q("PromulgationInfo"))
    _add(promulgation, "Place", package.place)
    _add(promulgation, "PromulgationDate", package.date)
    kind = ET.SubElement(message, _q("DocumentType"))
    _add(kind, "Type", package.category)
    _add(kind, "TypeDetail", package.type_detail)
    _add(kind, "TypeName", package.type_name)
    _add(message, "Subject", package.subject)
    _add(message, "Content", package.content)
    if package.signer is not None:
        signer = ET.SubElement(message, _q("SignerInfo"))
        _add(signer, "Competence", package.signer.competence)
        _add(signer, "Position", package.signer.position)
        _add(signer, "FullName", package.signer.full_name)
    _add(message, "DueDate", package.due_date)
    if package.to_places:
        places = ET.SubElement(message, _q("ToPlaces"))
        for place in package.to_places:
            _add(places, "Place", place, keep_empty=True)
    other = ET.SubElement(message, _q("OtherInfo"))
    _add(other, "Priority", package.priority)
    _add(other, "SphereOfPromulgation", package.sphere)
    _add(other, "TyperNotation", package.typer_notation)
    _add(other, "PromulgationAmount", package.promulgation_amount)
    _add(other, "PageAmount", package.page_amount)
    for ref in package.references:
        _add_ref(message, ref)
    _add(message, "SteeringType", package.steering)
    _add(message, "DocumentId", package.document_id)

    traces = ET.SubElement(header, _q("TraceHeaderList"))
    business = ET.SubElement(traces, _q("Bussiness"))  # sic, as the standard spells it
    _add(business, "BussinessDocType", package.business)
    _add(business, "BussinessDocReason", package.business_reason)
    _add(business, "DocumentId", package.document_id)
    _add_staff(business, package.staff)
    _add(business, "Paper", package.paper)
    for trace in package.traces:
        element = ET.SubElement(traces, _q("TraceHeader"))
        _add(element, "OrganId", trace.organ_id, keep_empty=True)
        _add(element, "Timestamp", trace.timestamp)

    body = ET.SubElement(envelope, _q("edXMLBody"))
    manifest = ET.SubElement(body, _q("edXMLManifest"), {"version": "1.0"})
    encoded = ET.SubElement(root, _q("AttachmentEncoded"))
    for attachment, cid in zip(package.attachments, _content_ids(package.attachments),
                               strict=True):
        ref = ET.SubElement(manifest, _q("Reference"), {_q("href", XLINK): f"cid:{cid}"})
        _add(ref, "AttachmentName", attachment.name)
        _add(ref, "ContentType", attachment.content_type)
        _add(ref, "Description", attachment.description)
        _add(ref, "Size", attachment.size, ns=EXT)
        _add(ref, "Sha256", attachment.sha256, ns=EXT)
        item = ET.SubElement(encoded, _q("Attachment"))
        _add(item, "ContentId", cid)
        _add(item, "ContentType", attachment.content_type)
        _add(item, "Description", attachment.description)
        _add(item, "AttachmentName", attachment.name)
        data = ET.SubElement(item, _q("ContentTransferEncoded"))
        data.text = base64.b64encode(attachment.data).decode("ascii")
    out = _serialise(root)
    if len(out) > MAX_PACKAGE_BYTES:
        raise EdxmlError("too_large", size=len(out) // 2**20, limit=MAX_PACKAGE_BYTES // 2**20)
    return out


def build_status(message: StatusMessage) -> bytes:
    _check_status(message)
    root = ET.Element(_q("edXML"))
    envelope = ET.SubElement(root, _q("edXMLEnvelope"))
    header = ET.SubElement(envelope, _q("edXMLHeader"))
    status = ET.SubElement(header, _q("Status"))
    _add_ref(status, message.response_for)
    _add_organ(status, "From", message.sender)
    _add(status, "StatusCode", message.code)
    _add(status, "Description", message.description)
    _add(status, "Timestamp", message.timestamp)
    _add_staff(status, message.staff)
    return _serialise(root)


# Reading ------------------------------------------------------------------------------------

def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(tag) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _children(element: ET.Element, name: str, *, ext: bool = False) -> list[ET.Element]:
    """Children with that local name: in the edXML namespace or none (senders differ), or in
    ours for `ext`."""
    wanted = {EXT} if ext else {NS, ""}
    return [c for c in element if _local(c.tag) == name and _ns(c.tag) in wanted]


def _child(element: ET.Element | None, name: str, *, ext: bool = False) -> ET.Element | None:
    if element is None:
        return None
    found = _children(element, name, ext=ext)
    return found[0] if found else None


def _need(element: ET.Element, name: str, where: str) -> ET.Element:
    found = _child(element, name)
    if found is None:
        raise EdxmlError("missing", path=f"{where}/{name}")
    return found


def _text(element: ET.Element | None, name: str, *, ext: bool = False) -> str:
    found = _child(element, name, ext=ext)
    return clean(found.text or "") if found is not None else ""


def _required(element: ET.Element | None, name: str, where: str) -> str:
    value = _text(element, name)
    if not value:
        raise EdxmlError("required", path=f"{where}/{name}")
    return value


def _int(value: str, where: str, *, allowed: range | None = None) -> int:
    if not re.fullmatch(r"[0-9]{1,11}", value):
        raise EdxmlError("not_number", path=where, value=_shown(value))
    number = int(value)
    if allowed is not None and number not in allowed:
        raise EdxmlError("out_of_range", path=where, value=number, low=allowed.start,
                         high=allowed.stop - 1)
    return number


def _optional_int(element: ET.Element | None, name: str, where: str) -> int | None:
    value = _text(element, name)
    return _int(value, f"{where}/{name}") if value else None


def _load(data: bytes | str, max_bytes: int) -> ET.Element:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EdxmlError("not_bytes")
    data = bytes(data)
    if len(data) > max_bytes:
        raise EdxmlError("too_large", size=len(data) // 2**20, limit=max_bytes // 2**20)
    if not data.strip():
        raise EdxmlError("empty")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException:
        raise EdxmlError("dtd") from None
    except (ET.ParseError, ExpatError, ValueError, LookupError, UnicodeError):
        raise EdxmlError("not_xml") from None
    if _local(root.tag) != "edXML" or _ns(root.tag) not in (NS, ""):
        raise EdxmlError("wrong_root", root=_shown(_local(root.tag)))
    return root


def _header(root: ET.Element) -> ET.Element:
    envelope = _need(root, "edXMLEnvelope", "edXML")
    return _need(envelope, "edXMLHeader", "edXMLEnvelope")


def _read_organ(element: ET.Element, where: str, *, need_id: bool) -> Organ:
    organ_id = _text(element, "OrganId")
    name = _text(element, "OrganName")
    if need_id and not organ_id:
        _required(element, "OrganId", where)
    if not (organ_id or name):
        _required(element, "OrganName", where)
    if re.search(r"[\s,]", organ_id):
        raise EdxmlError("bad_organ_id", path=f"{where}/OrganId", value=_shown(organ_id))
    return Organ(organ_id=organ_id, name=name, in_charge=_text(element, "OrganizationInCharge"),
                 address=_text(element, "OrganAdd"), email=_text(element, "Email"),
                 phone=_text(element, "Telephone"), fax=_text(element, "Fax"),
                 website=_text(element, "Website"))


def _read_staff(element: ET.Element | None) -> Staff | None:
    staff = _child(element, "StaffInfo")
    if staff is None:
        return None
    return Staff(department=_text(staff, "Department"), name=_text(staff, "Staff"),
                 mobile=_text(staff, "Mobile"), email=_text(staff, "Email"))


def split_code(code: str) -> tuple[int | None, str]:
    """'7816/VPCP-TTĐT' → (7816, 'VPCP-TTĐT'); '897/CV/BTGDVTU' → (897, 'CV/BTGDVTU')."""
    match = re.fullmatch(r"([0-9]{1,11})(?:/(.*))?", code, re.DOTALL)
    if match is None:
        return None, code
    return int(match.group(1)), (match.group(2) or "").strip()


def _read_ref(element: ET.Element, where: str) -> DocumentRef:
    code = _text(element, "Code")
    doc_id = _text(element, "DocumentId")
    if not (code or doc_id):
        _required(element, "Code", where)
    number, notation = split_code(code)
    date_text = _text(element, "PromulgationDate")
    return DocumentRef(
        number=number, notation=notation,
        date=_parse_date(date_text, f"{where}/PromulgationDate") if date_text else None,
        organ_id=_text(element, "OrganId"), document_id=doc_id,
        relation=_text(element, "Relation", ext=True), kind=_text(element, "Kind", ext=True),
        organ_name=_text(element, "OrganName", ext=True),
        subject=_text(element, "Subject", ext=True))


def _cid(value: str) -> str:
    value = value.strip()
    if value.lower().startswith("cid:"):
        value = value[4:]
    return value.strip().strip("<>").strip()


def _read_attachments(root: ET.Element, envelope: ET.Element) -> tuple[Attachment, ...]:
    manifest = _child(_child(envelope, "edXMLBody"), "edXMLManifest")
    listed: dict[str, ET.Element] = {}
    for ref in _children(manifest, "Reference") if manifest is not None else []:
        href = next((v for k, v in ref.attrib.items() if _local(k) == "href"), "")
        cid = _cid(href or _text(ref, "ContentId"))
        if not cid:
            raise EdxmlError("no_href")
        if cid in listed:
            raise EdxmlError("listed_twice", cid=_shown(cid))
        listed[cid] = ref
    items = _children(_child(root, "AttachmentEncoded"), "Attachment") if _child(
        root, "AttachmentEncoded") is not None else []
    if len(items) > MAX_ATTACHMENTS:
        raise EdxmlError("too_many", count=len(items), limit=MAX_ATTACHMENTS)
    attachments, seen = [], set()
    for item in items:
        cid = _cid(_text(item, "ContentId"))
        if cid not in listed:
            raise EdxmlError("not_listed", cid=_shown(cid))
        if cid in seen:
            raise EdxmlError("listed_twice", cid=_shown(cid))
        seen.add(cid)
        ref = listed[cid]
        name = _text(item, "AttachmentName") or _text(ref, "AttachmentName")
        if not name:
            raise EdxmlError("unnamed", cid=_shown(cid))
        encoded = _text(item, "ContentTransferEncoded")
        try:
            data = base64.b64decode(re.sub(r"\s+", "", encoded), validate=True)
        except (binascii.Error, ValueError):
            raise EdxmlError("bad_base64", name=_shown(name)) from None
        attachment = Attachment(
            name=name, content_type=(_text(item, "ContentType") or _text(ref, "ContentType")
                                     or "application/octet-stream"),
            data=data, description=_text(item, "Description") or _text(ref, "Description"),
            content_id=cid)
        size, digest = _text(ref, "Size", ext=True), _text(ref, "Sha256", ext=True).lower()
        if size and size != str(attachment.size):
            raise EdxmlError("size_mismatch", name=_shown(name), size=attachment.size,
                             listed=_shown(size, 20))
        if digest and digest != attachment.sha256:
            raise EdxmlError("hash_mismatch", name=_shown(name))
        attachments.append(attachment)
    missing = [cid for cid in listed if cid not in seen]
    if missing:
        raise EdxmlError("attachment_missing", cid=_shown(missing[0]))
    return tuple(attachments)


def _check_length(value: str, name: str, where: str) -> None:
    limit = LIMITS.get(name)
    if limit is not None and len(value) > limit:
        raise EdxmlError("too_long", path=f"{where}/{name}", limit=limit)


def _check_organ(organ: Organ, where: str, *, need_id: bool) -> None:
    if need_id and not clean(organ.organ_id):
        raise EdxmlError("required", path=f"{where}/OrganId")
    if not (clean(organ.organ_id) or clean(organ.name)):
        raise EdxmlError("required", path=f"{where}/OrganName")
    if re.search(r"[\s,]", clean(organ.organ_id)):
        raise EdxmlError("bad_organ_id", path=f"{where}/OrganId", value=_shown(organ.organ_id))
    _check_length(clean(organ.organ_id), "OrganId", where)
    _check_length(clean(organ.name), "OrganName", where)


def _check_package(package: Package) -> None:
    _check_organ(package.sender, "From", need_id=True)
    if not package.receivers:
        raise EdxmlError("no_receiver")
    for receiver in package.receivers:
        _check_organ(receiver, "To", need_id=False)
    if not 0 <= package.number < 10**11:
        raise EdxmlError("out_of_range", path="Code/CodeNumber", value=package.number, low=0,
                         high=10**11 - 1)
    for name, value in (("CodeNotation", package.notation), ("Place", package.place),
                        ("Subject", package.subject)):
        if not clean(value):
            raise EdxmlError("required", path=f"MessageHeader/{name}")
        _check_length(clean(value), name, "MessageHeader")
    if package.category not in (1, 2):
        raise EdxmlError("out_of_range", path="DocumentType/Type", value=package.category, low=1,
                         high=2)
    for path, value, allowed in (("OtherInfo/Priority", package.priority, range(5)),
                                 ("SteeringType", package.steering, range(3)),
                                 ("Bussiness/BussinessDocType", package.business, range(4))):
        if value not in allowed:
            raise EdxmlError("out_of_range", path=path, value=value, low=allowed.start,
                             high=allowed.stop - 1)
    if len(package.attachments) > MAX_ATTACHMENTS:
        raise EdxmlError("too_many", count=len(package.attachments), limit=MAX_ATTACHMENTS)
    for attachment in package.attachments:
        if not clean(attachment.name):
            raise EdxmlError("required", path="Attachment/AttachmentName")
        _check_length(clean(attachment.name), "AttachmentName", "Attachment")
        _check_length(clean(attachment.content_type), "ContentType", "Attachment")


def _check_status(message: StatusMessage) -> None:
    _check_organ(message.sender, "From", need_id=True)
    if message.code not in STATUS_CODES:
        raise EdxmlError("unknown_status", value=_shown(message.code, 10))
    if not (message.response_for.code or message.response_for.document_id):
        raise EdxmlError("required", path="Status/ResponseFor/Code")


def _status_element(header: ET.Element) -> ET.Element | None:
    found = _child(header, "Status")
    return found if found is not None else _child(header, "MessageStatus")


def parse_package(data: bytes | str, *, max_bytes: int = MAX_PACKAGE_BYTES) -> Package:
    """Read a document package; raises `EdxmlError` for anything malformed."""
    return _package_from(_load(data, max_bytes))


def _package_from(root: ET.Element) -> Package:
    envelope = _need(root, "edXMLEnvelope", "edXML")
    header = _need(envelope, "edXMLHeader", "edXMLEnvelope")
    message = _child(header, "MessageHeader")
    if message is None:
        if _status_element(header) is not None:
            raise EdxmlError("is_status")
        raise EdxmlError("missing", path="edXMLHeader/MessageHeader")
    where = "MessageHeader"
    sender = _read_organ(_need(message, "From", where), "From", need_id=True)
    receivers = tuple(_read_organ(to, "To", need_id=False) for to in _children(message, "To"))
    if not receivers:
        raise EdxmlError("no_receiver")
    code = _need(message, "Code", where)
    number = _int(_required(code, "CodeNumber", "Code"), "Code/CodeNumber")
    notation = _required(code, "CodeNotation", "Code")
    promulgation = _need(message, "PromulgationInfo", where)
    place = _required(promulgation, "Place", "PromulgationInfo")
    date = _parse_date(_required(promulgation, "PromulgationDate", "PromulgationInfo"),
                       "PromulgationInfo/PromulgationDate")
    subject = _required(message, "Subject", where)
    for name, value in (("CodeNotation", notation), ("Place", place), ("Subject", subject),
                        ("OrganId", sender.organ_id), ("OrganName", sender.name)):
        _check_length(value, name, where)
    kind = _child(message, "DocumentType")
    category = _text(kind, "Type")
    signer_element = _child(message, "SignerInfo")
    signer = None
    if signer_element is not None:
        signer = Signer(competence=_text(signer_element, "Competence"),
                        position=_text(signer_element, "Position"),
                        full_name=_text(signer_element, "FullName"))
    due = _text(message, "DueDate")
    other = _child(message, "OtherInfo")
    priority = _text(other, "Priority")
    steering = _text(message, "SteeringType")
    traces_element = _child(header, "TraceHeaderList")
    business = _child(traces_element, "Bussiness") if traces_element is not None else None
    business_type = _text(business, "BussinessDocType")
    traces = tuple(
        Trace(organ_id=_text(trace, "OrganId"),
              timestamp=_parse_time(_required(trace, "Timestamp", "TraceHeader"),
                                    "TraceHeader/Timestamp"))
        for trace in (_children(traces_element, "TraceHeader")
                      if traces_element is not None else []))
    places = _child(message, "ToPlaces")
    return Package(
        sender=sender, receivers=receivers, number=number, notation=notation, place=place,
        date=date, subject=subject,
        category=_int(category, "DocumentType/Type", allowed=range(1, 3)) if category else 2,
        type_detail=_text(kind, "TypeDetail"), type_name=_text(kind, "TypeName"),
        content=_text(message, "Content"), signer=signer,
        due_date=_parse_date(due, "MessageHeader/DueDate") if due else None,
        to_places=tuple(clean(p.text or "") for p in _children(places, "Place")
                        if clean(p.text or "")) if places is not None else (),
        priority=_int(priority, "OtherInfo/Priority", allowed=range(5)) if priority else 0,
        sphere=_text(other, "SphereOfPromulgation"),
        typer_notation=_text(other, "TyperNotation"),
        promulgation_amount=_optional_int(other, "PromulgationAmount", "OtherInfo"),
        page_amount=_optional_int(other, "PageAmount", "OtherInfo"),
        steering=_int(steering, "SteeringType", allowed=range(3)) if steering else 0,
        references=tuple(_read_ref(ref, "ResponseFor")
                         for ref in _children(message, "ResponseFor")),
        attachments=_read_attachments(root, envelope), traces=traces,
        business=(_int(business_type, "Bussiness/BussinessDocType", allowed=range(4))
                  if business_type else 0),
        business_reason=_text(business, "BussinessDocReason"), staff=_read_staff(business),
        paper=_text(business, "Paper") == "1",
        document_id=_text(message, "DocumentId") or _text(business, "DocumentId"),
    )


def parse_status(data: bytes | str, *, max_bytes: int = 1024 * 1024) -> StatusMessage:
    """Read a status message (Status, or MessageStatus as some systems name it)."""
    return _status_from(_load(data, max_bytes))


def _status_from(root: ET.Element) -> StatusMessage:
    status = _status_element(_header(root))
    if status is None:
        if _child(_header(root), "MessageHeader") is not None:
            raise EdxmlError("is_package")
        raise EdxmlError("missing", path="edXMLHeader/Status")
    code = _required(status, "StatusCode", "Status")
    if code not in STATUS_CODES:
        raise EdxmlError("unknown_status", value=_shown(code, 10))
    return StatusMessage(
        response_for=_read_ref(_need(status, "ResponseFor", "Status"), "Status/ResponseFor"),
        sender=_read_organ(_need(status, "From", "Status"), "Status/From", need_id=True),
        code=code,
        timestamp=_parse_time(_required(status, "Timestamp", "Status"), "Status/Timestamp"),
        description=_text(status, "Description"), staff=_read_staff(status))


def parse_message(data: bytes | str, *,
                  max_bytes: int = MAX_PACKAGE_BYTES) -> Package | StatusMessage:
    """A received file, whichever of the two it is."""
    root = _load(data, max_bytes)
    header = _header(root)
    if _child(header, "MessageHeader") is None and _status_element(header) is not None:
        return _status_from(root)
    return _package_from(root)
