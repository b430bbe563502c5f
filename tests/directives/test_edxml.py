"""The edXML core (QCVN 102:2016): packages and status messages built and read back field by
field, and every way a received file can be wrong refused with an EdxmlError."""

import base64
import contextlib
import datetime as dt
import hashlib
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giaithuong.directives import edxml
from giaithuong.directives.edxml import (
    MESSAGES,
    NS,
    VN_TZ,
    Attachment,
    DocumentRef,
    EdxmlError,
    Organ,
    Package,
    Signer,
    Staff,
    StatusMessage,
    Trace,
    build_package,
    build_status,
    parse_message,
    parse_package,
    parse_status,
)

PROFILE = settings(max_examples=120, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
DOCX = b"PK\x03\x04" + "Kế hoạch chi tiết".encode() * 100


def seed_004() -> Package:
    """Seed 004 (the Nam Đồng ward Front's letter 31/MTTQ-BTT) in its envelope."""
    return Package(
        sender=Organ("000.00.31.H26", "Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam Đồng",
                     in_charge="ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG",
                     address="Phường Nam Đồng, thành phố Hải Phòng", email="mttq@namdong.vn",
                     phone="0225 3 123 456", fax="0225 3 123 457",
                     website="https://namdong.haiphong.gov.vn"),
        receivers=(Organ("giaithuong.17", "Ban Công tác Mặt trận Tổ dân phố số 1"),
                   Organ("", "Các tổ chức thành viên của Mặt trận")),
        number=31, notation="MTTQ-BTT", place="Nam Đồng", date=dt.date(2026, 6, 18),
        subject="V/v tuyên truyền, triển khai, hưởng ứng Giải thưởng toàn quốc về thông tin đối "
                "ngoại lần thứ XII",
        type_detail="18", type_name="Công văn",
        content="1. Đẩy mạnh công tác tuyên truyền:\n- Tăng cường thông tin, tuyên truyền sâu "
                "rộng về Giải thưởng.\n2. Tạo điều kiện thuận lợi cho các tập thể, cá nhân.",
        signer=Signer("TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH", "Đoàn Trung Thu"),
        due_date=dt.date(2026, 7, 15),
        to_places=("Ban Công tác Mặt trận các Tổ dân phố", "Các chi hội, đoàn thể trên địa bàn"),
        priority=edxml.Priority.URGENT, sphere="Toàn phường", typer_notation="VP",
        promulgation_amount=12, page_amount=2, steering=edxml.SteeringType.DIRECTING,
        references=(
            DocumentRef(783, "", dt.date(2026, 6, 10), relation="implements", kind="Công văn",
                        organ_name="Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
                        subject="tuyên truyền, triển khai, hưởng ứng Giải thưởng"),
            DocumentRef(379, "MTTW-BTT", dt.date(2026, 6, 8), organ_id="000.00.00.G99",
                        document_id="000.00.00.G99,2026/06/08,379/MTTW-BTT",
                        relation="based_on", kind="Công văn",
                        organ_name="Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam"),
            DocumentRef(897, "CV/BTGDVTU", dt.date(2026, 6, 4), relation="based_on"),
        ),
        attachments=(
            Attachment("31-MTTQ-BTT-2026-06-18.pdf", "application/pdf", PDF,
                       description="Văn bản"),
            Attachment("Kế hoạch tuyên truyền.docx",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       DOCX, description="Phụ lục kèm theo"),
        ),
        traces=(Trace("000.00.31.H26", dt.datetime(2026, 6, 18, 9, 30, 5, tzinfo=VN_TZ)),),
        business_reason="Gửi mới", staff=Staff("Văn phòng", "Nguyễn Thị Hà", "0912 345 678",
                                               "ha@namdong.vn"),
        paper=True,
    )


def test_a_package_reads_back_field_by_field():
    sent = seed_004()
    data = build_package(sent)
    got = parse_package(data)
    assert got.sender == sent.sender
    assert got.receivers == sent.receivers
    assert (got.number, got.notation, got.code) == (31, "MTTQ-BTT", "31/MTTQ-BTT")
    assert (got.place, got.date) == ("Nam Đồng", dt.date(2026, 6, 18))
    assert got.subject == sent.subject and unicodedata.is_normalized("NFC", got.subject)
    assert (got.category, got.type_detail, got.type_name) == (2, "18", "Công văn")
    assert got.content == sent.content  # line breaks kept
    assert got.signer == Signer("TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH", "Đoàn Trung Thu")
    assert got.due_date == dt.date(2026, 7, 15)
    assert got.to_places == sent.to_places
    assert (got.priority, got.sphere, got.typer_notation) == (1, "Toàn phường", "VP")
    assert (got.promulgation_amount, got.page_amount, got.steering) == (12, 2, 1)
    assert got.references == sent.references
    assert got.references[0].code == "783" and got.references[2].code == "897/CV/BTGDVTU"
    assert got.traces == sent.traces
    assert (got.business, got.business_reason, got.staff, got.paper) == (
        0, "Gửi mới", sent.staff, True)
    assert got.document_id == "000.00.31.H26,2026/06/18,31/MTTQ-BTT"
    assert got == sent


def test_attachments_come_back_byte_for_byte():
    got = parse_package(build_package(seed_004()))
    pdf, docx = got.attachments
    assert pdf.data == PDF and docx.data == DOCX
    assert docx.name == "Kế hoạch tuyên truyền.docx" and docx.description == "Phụ lục kèm theo"
    assert docx.content_type.endswith("wordprocessingml.document")
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest() and pdf.size == len(PDF)
    assert pdf.content_id and pdf.content_id != docx.content_id


def test_the_layout_is_the_standard_one():
    text = build_package(seed_004()).decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert f'xmlns:edXML="{NS}"' in text
    for path in ("<edXML:edXMLEnvelope>", "<edXML:edXMLHeader>", "<edXML:MessageHeader>",
                 "<edXML:TraceHeaderList>", "<edXML:Bussiness>", "<edXML:edXMLBody>",
                 "<edXML:edXMLManifest", "<edXML:AttachmentEncoded>",
                 "<edXML:PromulgationDate>2026/06/18</edXML:PromulgationDate>",
                 "<edXML:Timestamp>2026/06/18 09:30:05</edXML:Timestamp>"):
        assert path in text, path
    assert re.search(r'<edXML:Reference xlink:href="cid:[^"]+">', text)
    # The attachments sit beside the envelope, not inside it.
    assert text.index("</edXML:edXMLEnvelope>") < text.index("<edXML:AttachmentEncoded>")


def test_a_foreign_package_without_prefixes_or_our_extensions_is_read():
    """As some gateways write it: a default namespace, bare names, ContentId with 'cid:'."""
    payload = base64.b64encode("Nội dung".encode()).decode()
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="{NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>
  <From><OrganId>000.00.00.G22</OrganId><OrganName>Văn phòng Chính phủ</OrganName></From>
  <To><OrganId>000.00.00.H41</OrganId><OrganName>UBND tỉnh Nghệ An</OrganName></To>
  <Code><CodeNumber>7816</CodeNumber><CodeNotation>VPCP-TTĐT</CodeNotation></Code>
  <PromulgationInfo><Place>Hà Nội</Place><PromulgationDate>2015/09/30</PromulgationDate>
  </PromulgationInfo>
  <DocumentType><Type>2</Type><TypeDetail>18</TypeDetail><TypeName>Công văn</TypeName>
  </DocumentType>
  <Subject>V/v thử nghiệm</Subject>
  <ResponseFor><OrganId>000.00.00.H41</OrganId><Code>12/UBND-VX</Code>
    <PromulgationDate>2015/09/01</PromulgationDate></ResponseFor>
</MessageHeader></edXMLHeader>
<edXMLBody><edXMLManifest version="1.0">
  <Reference xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="cid:abc-1">
    <AttachmentName>a.txt</AttachmentName><ContentType>text/plain</ContentType></Reference>
</edXMLManifest></edXMLBody></edXMLEnvelope>
<AttachmentEncoded><Attachment><ContentId>cid:abc-1</ContentId>
  <ContentTransferEncoded>{payload[:8]}
  {payload[8:]}</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>"""
    got = parse_package(data.encode())
    assert got.sender.organ_id == "000.00.00.G22" and got.sender.name == "Văn phòng Chính phủ"
    assert got.code == "7816/VPCP-TTĐT" and got.date == dt.date(2015, 9, 30)
    assert got.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert got.references == (DocumentRef(12, "UBND-VX", dt.date(2015, 9, 1),
                                          organ_id="000.00.00.H41"),)
    (attachment,) = got.attachments
    assert attachment.name == "a.txt" and attachment.data == "Nội dung".encode()


def test_a_status_message_reads_back():
    sent = StatusMessage(
        response_for=DocumentRef(31, "MTTQ-BTT", dt.date(2026, 6, 18), organ_id="giaithuong.3",
                                 document_id="giaithuong.3,2026/06/18,31/MTTQ-BTT"),
        sender=Organ("giaithuong.17", "Ban Công tác Mặt trận Tổ dân phố số 1"),
        code="02", timestamp=dt.datetime(2026, 6, 19, 7, 5, tzinfo=VN_TZ),
        description="Không thuộc phạm vi của tổ dân phố",
        staff=Staff(name="Trần Văn Bình", email="binh@example.vn"))
    data = build_status(sent)
    got = parse_status(data)
    assert got == sent and got.meaning == "Từ chối tiếp nhận"
    assert isinstance(parse_message(data), StatusMessage)
    assert isinstance(parse_message(build_package(seed_004())), Package)


def test_status_timestamps_in_other_zones_are_the_same_instant():
    data = build_status(StatusMessage(DocumentRef(1, "A-B"), Organ("x", "X"), "06",
                                      dt.datetime(2026, 6, 19, 0, 30, tzinfo=dt.UTC)))
    assert b"2026/06/19 07:30:00" in data
    assert parse_status(data).timestamp == dt.datetime(2026, 6, 19, 0, 30, tzinfo=dt.UTC)


def test_every_message_has_both_languages():
    for key, (vi, en) in MESSAGES.items():
        assert vi and en and vi != en, key
        assert unicodedata.is_normalized("NFC", vi), key
    error = EdxmlError("missing", path="MessageHeader/Subject")
    assert error.in_language("en") == "The package has no MessageHeader/Subject."
    assert error.in_language("vi") == "Gói tin thiếu MessageHeader/Subject."
    assert error.vi in str(error) and error.en in str(error)


# Malformed packages -------------------------------------------------------------------------

def good() -> str:
    return build_package(seed_004()).decode("utf-8")


def refused(data, key: str, *, contains: str = "") -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse_package(data if isinstance(data, bytes) else data.encode("utf-8"))
    assert caught.value.key == key, caught.value
    assert contains in caught.value.en
    return caught.value


def drop(text: str, element: str) -> str:
    """The package without the first <edXML:element>…</edXML:element> (or empty element)."""
    pattern = rf"<edXML:{element}(?: [^>]*)?(?:/>|>.*?</edXML:{element}>)"
    changed, count = re.subn(pattern, "", text, count=1, flags=re.DOTALL)
    assert count == 1, element
    return changed


def test_not_xml_empty_and_wrong_root_are_refused():
    refused(b"%PDF-1.7 this is not xml", "not_xml")
    refused(b"", "empty")
    refused(b"  \n ", "empty")
    refused(good()[:-40], "not_xml")  # cut off in transit
    refused('<?xml version="1.0"?><html><body>Xin chào</body></html>', "wrong_root",
            contains="html")
    refused(b'<edXML xmlns="urn:other"><edXMLEnvelope/></edXML>', "wrong_root")
    refused(b"<edXML/>", "missing", contains="edXMLEnvelope")
    refused(b'<?xml version="1.0" encoding="x-made-up"?><edXML/>', "not_xml")
    with pytest.raises(EdxmlError) as caught:
        parse_package(12345)
    assert caught.value.key == "not_bytes"


@pytest.mark.parametrize(("element", "path"), [
    ("Subject", "MessageHeader/Subject"),
    ("CodeNumber", "Code/CodeNumber"),
    ("CodeNotation", "Code/CodeNotation"),
    ("Place", "PromulgationInfo/Place"),
    ("PromulgationDate", "PromulgationInfo/PromulgationDate"),
])
def test_a_missing_required_field_is_named(element, path):
    error = refused(drop(good(), element), "required", contains=path)
    assert path in error.vi


def test_missing_blocks_are_named():
    refused(drop(good(), "From"), "missing", contains="MessageHeader/From")
    refused(drop(good(), "Code"), "missing", contains="MessageHeader/Code")
    refused(drop(good(), "MessageHeader"), "missing", contains="MessageHeader")
    no_receivers = re.sub(r"<edXML:To>.*?</edXML:To>", "", good(), flags=re.DOTALL)
    refused(no_receivers, "no_receiver")
    no_sender_id = good().replace("<edXML:OrganId>000.00.31.H26</edXML:OrganId>", "", 1)
    refused(no_sender_id, "required", contains="From/OrganId")
    blank_subject = re.sub(r"<edXML:Subject>.*?</edXML:Subject>",
                           "<edXML:Subject>   </edXML:Subject>", good(), flags=re.DOTALL)
    refused(blank_subject, "required", contains="Subject")


@pytest.mark.parametrize("value", ["18/06/2026", "2026/13/01", "2026/02/30", "hôm nay", "2026"])
def test_a_bad_date_is_refused(value):
    text = good().replace("<edXML:PromulgationDate>2026/06/18",
                          f"<edXML:PromulgationDate>{value}", 1)
    refused(text, "bad_date", contains="PromulgationInfo/PromulgationDate")


def test_other_bad_values_are_refused():
    refused(good().replace("<edXML:DueDate>2026/07/15", "<edXML:DueDate>15/7", 1), "bad_date",
            contains="DueDate")
    refused(good().replace("2026/06/18 09:30:05", "sáng nay", 1), "bad_time")
    refused(good().replace("<edXML:CodeNumber>31", "<edXML:CodeNumber>ba mốt", 1), "not_number")
    refused(good().replace("<edXML:Priority>1", "<edXML:Priority>7", 1), "out_of_range",
            contains="Priority")
    refused(good().replace("<edXML:OrganId>000.00.31.H26", "<edXML:OrganId>000 31", 1),
            "bad_organ_id")
    refused(good().replace("<edXML:CodeNotation>MTTQ-BTT",
                           "<edXML:CodeNotation>" + "X" * 31, 1), "too_long", contains="30")


def test_attachments_that_do_not_match_are_refused():
    text = good()
    payload = base64.b64encode(PDF).decode()
    tampered = base64.b64encode(PDF[:-1] + b"X").decode()
    refused(text.replace(payload, tampered, 1), "hash_mismatch", contains="damaged or altered")
    shorter = base64.b64encode(PDF[:-3]).decode()
    refused(text.replace(payload, shorter, 1), "size_mismatch")
    refused(text.replace(payload, "!!! not base64 !!!", 1), "bad_base64")
    # An attachment the manifest does not list, and a listed one that is missing.
    unlisted = re.sub(r'xlink:href="cid:[^"]+"', 'xlink:href="cid:other"', text, count=1)
    refused(unlisted, "not_listed")
    missing = re.sub(r"<edXML:Attachment>.*?</edXML:Attachment>", "", text, count=1,
                     flags=re.DOTALL)
    refused(missing, "attachment_missing")


def test_a_package_over_the_limit_is_refused_before_it_is_parsed():
    with pytest.raises(EdxmlError) as caught:
        parse_package(build_package(seed_004()), max_bytes=1000)
    assert caught.value.key == "too_large"


def test_entities_and_dtds_are_refused():
    billion_laughs = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<edXML><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&lol3;</Subject>
</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""
    refused(billion_laughs, "dtd")
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<edXML><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&secret;</Subject>
</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""
    refused(xxe, "dtd")
    external_dtd = b"""<?xml version="1.0"?>
<!DOCTYPE edXML SYSTEM "http://example.invalid/edxml.dtd"><edXML/>"""
    refused(external_dtd, "dtd")
    parameter = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY % remote SYSTEM "http://example.invalid/x.dtd"> %remote;]><edXML/>"""
    refused(parameter, "dtd")


def test_a_status_message_is_not_a_package_and_back():
    status = build_status(StatusMessage(DocumentRef(1, "A-B"), Organ("x", "X"), "03",
                                        dt.datetime(2026, 6, 19, 8, tzinfo=VN_TZ)))
    refused(status, "is_status")
    with pytest.raises(EdxmlError) as caught:
        parse_status(build_package(seed_004()))
    assert caught.value.key == "is_package"


def test_bad_status_messages_are_refused():
    text = build_status(StatusMessage(DocumentRef(1, "A-B"), Organ("x", "X"), "03",
                                      dt.datetime(2026, 6, 19, 8, tzinfo=VN_TZ))).decode()
    for changed, key in ((text.replace(">03<", ">99<"), "unknown_status"),
                         (drop(text, "StatusCode"), "required"),
                         (drop(text, "ResponseFor"), "missing"),
                         (text.replace("2026/06/19 08:00:00", "2026/06/19"), "bad_time")):
        with pytest.raises(EdxmlError) as caught:
            parse_status(changed.encode())
        assert caught.value.key == key
    with pytest.raises(EdxmlError):
        build_status(StatusMessage(DocumentRef(1, "A-B"), Organ("x", "X"), "42",
                                   dt.datetime(2026, 6, 19, 8, tzinfo=VN_TZ)))


def test_what_we_would_refuse_we_do_not_build():
    base = seed_004()
    for change, key in (({"receivers": ()}, "no_receiver"),
                        ({"subject": "  "}, "required"),
                        ({"place": "x" * 51}, "too_long"),
                        ({"priority": 9}, "out_of_range"),
                        ({"sender": Organ("", "Không có mã")}, "required"),
                        ({"attachments": (Attachment("", "text/plain", b"x"),)}, "required"),
                        ({"attachments": (Attachment("a", "text/plain", b"1", content_id="c"),
                                          Attachment("b", "text/plain", b"2", content_id="c"))},
                         "duplicate_cid")):
        fields = {**base.__dict__, **change, "document_id": ""}
        with pytest.raises(EdxmlError) as caught:
            build_package(Package(**fields))
        assert caught.value.key == key, change


def test_text_is_normalised_and_characters_xml_cannot_carry_are_dropped():
    decomposed = unicodedata.normalize("NFD", "V/v tuyên truyền Giải thưởng")
    package = Package(**{**seed_004().__dict__, "subject": f"{decomposed}\x00\x0b",
                         "content": "dòng 1\r\ndòng 2\rdòng 3", "document_id": ""})
    got = parse_package(build_package(package))
    assert got.subject == "V/v tuyên truyền Giải thưởng"
    assert got.content == "dòng 1\ndòng 2\ndòng 3"


# Properties ----------------------------------------------------------------------------------

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợ" \
             "ùủũúụừửữứựỳỷỹýỵĐƯƠ "
text = st.text(alphabet=st.sampled_from(VIETNAMESE + "ABC-/.,;:()0123456789\n"), max_size=80)
name = text.map(edxml.clean).filter(bool)
organ_id = st.from_regex(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}", fullmatch=True)
day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
moment = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 1, 1)).map(
    lambda value: value.replace(microsecond=0, tzinfo=VN_TZ))
notation = st.from_regex(r"[A-ZĐ]{2,6}(-[A-ZĐ]{2,6}){0,2}", fullmatch=True)


@st.composite
def packages(draw) -> Package:
    attachments = draw(st.lists(
        st.builds(Attachment, name=name.map(lambda n: n[:200]),
                  content_type=st.sampled_from(["application/pdf", "text/plain"]),
                  data=st.binary(max_size=300), description=text.map(edxml.clean)),
        max_size=3))
    return Package(
        sender=Organ(draw(organ_id), draw(name)),
        receivers=tuple(draw(st.lists(st.builds(Organ, organ_id, name), min_size=1,
                                      max_size=3))),
        number=draw(st.integers(0, 10**6)), notation=draw(notation),
        place=draw(name.map(lambda n: n[:50].strip()).filter(bool)), date=draw(day),
        subject=draw(name), content=draw(text.map(edxml.clean)),
        signer=draw(st.none() | st.builds(Signer, name, name, name)),
        due_date=draw(st.none() | day),
        to_places=tuple(draw(st.lists(name, max_size=3))),
        priority=draw(st.integers(0, 4)), steering=draw(st.integers(0, 2)),
        references=tuple(draw(st.lists(st.builds(
            DocumentRef, st.none() | st.integers(1, 9999), notation, st.none() | day,
            organ_id=organ_id, relation=st.sampled_from(["", "implements", "based_on"]),
            organ_name=text.map(edxml.clean)), max_size=3))),
        attachments=tuple(attachments),
        traces=tuple(draw(st.lists(st.builds(Trace, organ_id, moment), max_size=2))))


@PROFILE
@given(packages())
def test_any_package_reads_back_equal(package):
    assert parse_package(build_package(package)) == package


def _mutations(data: bytes, cuts: list[int], byte: int) -> list[bytes]:
    out = []
    for cut in cuts:
        at = cut % max(len(data), 1)
        out += [data[:at], data[:at] + bytes([byte]) + data[at + 1:], data[:at] + data[at + 20:]]
    return out


@PROFILE
@given(st.binary(max_size=2000))
def test_parsing_arbitrary_bytes_only_ever_raises_edxml_error(data):
    for parse in (parse_package, parse_status, parse_message):
        with contextlib.suppress(EdxmlError):
            parse(data)


@PROFILE
@given(st.lists(st.integers(min_value=0), min_size=1, max_size=4), st.integers(0, 255))
def test_damaged_packages_only_ever_raise_edxml_error(cuts, byte):
    data = build_package(seed_004())
    for damaged in _mutations(data, cuts, byte):
        with contextlib.suppress(EdxmlError):
            parse_message(damaged)


XML_PIECES = ["<edXML>", "</edXML>", f'<edXML xmlns="{NS}">', "<edXMLEnvelope>",
              "</edXMLEnvelope>", "<edXMLHeader>", "</edXMLHeader>", "<MessageHeader>",
              "</MessageHeader>", "<Status>", "</Status>", "<From>", "</From>", "<To>", "</To>",
              "<OrganId>", "</OrganId>", "<Code>", "</Code>", "<CodeNumber>", "</CodeNumber>",
              "<StatusCode>", "</StatusCode>", "<ResponseFor>", "</ResponseFor>", "<Timestamp>",
              "</Timestamp>", "<AttachmentEncoded>", "<Attachment>", "</Attachment>",
              "<ContentId>", "</ContentId>", "<ContentTransferEncoded>", "</edXMLManifest>",
              "<edXMLBody>", "<edXMLManifest>", '<Reference href="cid:a">', "</Reference>",
              "2026/06/18", "01", "99999999999999", "Nam Đồng", "&amp;", "&#0;", "&lol;", "x",
              "<!DOCTYPE edXML>", "<![CDATA[ ]]>", "]]>", "<?pi?>", "<!-- c -->"]


@PROFILE
@given(st.lists(st.sampled_from(XML_PIECES), max_size=40))
def test_xml_shaped_noise_only_ever_raises_edxml_error(pieces):
    with contextlib.suppress(EdxmlError):
        parse_message("".join(pieces).encode())
