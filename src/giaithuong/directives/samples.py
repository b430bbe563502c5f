"""The two seed letters of the award's cascade, written out by hand as LetterDoc values.

Product data: the demo imports them and `giaithuong render_letter seed-000|seed-004` renders them.
Copied word for word from the letters (typos included: "về được đăng tải", "Phân đấu"); where a
letter does not say something (the ministry of seed 000, the day of a draft), it is left out.
Pure core: no Django.
"""

from __future__ import annotations

import datetime as dt

from giaithuong.directives.letter import (
    LetterDoc,
    Paragraph,
    Reference,
    Relation,
    Signature,
    Style,
)

_AWARD = "Giải thưởng toàn quốc về thông tin đối ngoại lần thứ XII"
_CONCLUSION_57 = Reference(
    Relation.CITES, "Kết luận", 57, "KL/TW", dt.date(2023, 6, 15), "Bộ Chính trị",
    "tiếp tục nâng cao chất lượng, hiệu quả công tác thông tin đối ngoại trong tình hình mới",
)
_RESOLUTION_59 = Reference(
    Relation.CITES, "Nghị quyết", 59, "NQ/TW", dt.date(2025, 1, 24), "Bộ Chính trị",
    "hội nhập quốc tế trong tình hình mới",
)

# Seed 000: the Party committee of a ministry (the letter names it only as "Đảng ủy Bộ": "Ban
# Tuyên giáo và Dân vận Đảng ủy Bộ đề nghị …", "Lưu Ban Tuyên giáo và Dân vận ĐUB"), a draft:
# no number and no day.
SEED_000 = LetterDoc(
    style=Style.PARTY,
    kind="công văn",
    issuer="BAN TUYÊN GIÁO VÀ DÂN VẬN",
    issuer_parent="ĐẢNG ỦY BỘ",
    number=None,
    symbol="CV/BTGDV",
    place="Hà Nội",
    date=None,
    month=6,
    year=2026,
    subject="tuyên truyền, hưởng ứng, tham gia Giải thưởng toàn quốc về thông tin đối ngoại",
    addressees=("Các tổ chức đảng trực thuộc Đảng ủy Bộ",),
    references=(
        Reference(
            Relation.IMPLEMENTS, "Công văn", 1390, "CV/BTGDVTW", dt.date(2026, 6, 2),
            "Ban Tuyên giáo và Dân vận Trung ương",
            "đề nghị thông tin, tuyên truyền hưởng ứng, tham gia giải thưởng toàn quốc về thông"
            " tin đối ngoại lần thứ XII",
        ),
        _CONCLUSION_57,
        _RESOLUTION_59,
    ),
    body=(
        Paragraph(
            "Thực hiện Công văn số 1390-CV/BTGDVTW ngày 02/6/2026 của Ban Tuyên giáo và Dân vận"
            " Trung ương về việc đề nghị thông tin, tuyên truyền hưởng ứng, tham gia giải thưởng"
            " toàn quốc về thông tin đối ngoại lần thứ XII;"
        ),
        Paragraph(
            "Ban Tuyên giáo và Dân vận Đảng ủy Bộ đề nghị các đảng ủy trực thuộc quan tâm lãnh"
            " đạo, chỉ đạo tuyên truyền, hưởng ứng tham gia Giải thưởng toàn quốc về thông tin"
            " đối ngoại lần thứ XII do Ban Chỉ đạo Trung ương về công tác thông tin đối ngoại,"
            " Ban Tuyên giáo và Dân vận chủ trì tổ chức. Nội dung cụ thể như sau:"
        ),
        Paragraph(
            "Tuyên truyền về mục đích, ý nghĩa, nội dung, thể lệ Giải thưởng toàn quốc về thông"
            " tin đối ngoại lần thứ XII trong cán bộ, đảng viên, công chức, viên chức, người lao"
            " động thuộc phạm vi quản lý bằng hình thức phù hợp; lồng ghép tuyên truyền tại các"
            " hội nghị, sinh hoạt chi bộ, sinh hoạt chuyên đề và trên các kênh thông tin, truyền"
            " thông của cơ quan, đơn vị.",
            number="1",
        ),
        Paragraph(
            "Khuyến khích đội ngũ cán bộ, đảng viên, công chức, viên chức, người lao động, văn"
            " nghệ sĩ, nhà báo, tác giả, nhóm tác giả thuộc các cơ quan, đơn vị tích cực sáng"
            " tạo, lựa chọn và gửi các tác phẩm, sản phẩm phù hợp tham gia Giải thưởng theo quy"
            " định.",
            number="2",
        ),
        Paragraph(
            "Chủ động phát hiện, giới thiệu và khuyến khích các tập thể, cá nhân có mô hình,"
            " sáng kiến, sản phẩm văn hóa, nghệ thuật; các chương trình giao lưu nhân dân; hoạt"
            " động quảng bá di sản văn hóa, hình ảnh địa phương; các sản phẩm sáng tạo mang bản"
            " sắc Việt Nam có giá trị lan tỏa quốc tế; các tập thể, cá nhân, cộng đồng người"
            " Việt Nam ở nước ngoài, bạn bè quốc tế có đóng góp tích cực trong thúc đẩy giao lưu"
            " văn hóa, hợp tác quốc tế tham gia Giải thưởng.",
            number="3",
        ),
        Paragraph(
            "Tiếp tục quan tâm lãnh đạo, chỉ đạo công tác thông tin đối ngoại theo tinh thần Kết"
            " luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị về tiếp tục nâng cao chất lượng,"
            " hiệu quả công tác thông tin đối ngoại trong tình hình mới; Nghị quyết số 59-NQ/TW"
            " ngày 24/01/2025 của Bộ Chính trị về hội nhập quốc tế trong tình hình mới; góp phần"
            " thực hiện hiệu quả đường lối đối ngoại của Đại hội đại biểu toàn quốc lần thứ XIV"
            " của Đảng.",
            number="4",
        ),
        Paragraph(
            "Đối với các cơ quan báo chí, xuất bản và các đơn vị hoạt động trong lĩnh vực văn"
            " hóa, nghệ thuật, du lịch, thể thao, đối ngoại và hợp tác quốc tế, tăng cường thông"
            " tin, tuyên truyền về Giải thưởng trên các phương tiện thông tin, truyền thông thuộc"
            " phạm vi quản lý; tích cực giới thiệu, quảng bá hình ảnh đất nước, con người Việt"
            " Nam, các giá trị văn hóa dân tộc, thành tựu phát triển kinh tế - xã hội, các hoạt"
            " động đối ngoại, hội nhập quốc tế và các sự kiện giao lưu, xúc tiến, quảng bá văn"
            " hóa, du lịch quốc tế của đất nước.",
            number="5",
        ),
        Paragraph(
            "Đề nghị các đảng ủy trực thuộc quan tâm lãnh đạo, chỉ đạo triển khai thực hiện và"
            " tích cực hưởng ứng Giải thưởng hằng năm như một hoạt động thiết thực nhằm góp phần"
            " nâng cao hiệu quả công tác thông tin đối ngoại; quảng bá hình ảnh đất nước, con"
            " người, văn hóa Việt Nam và nâng cao vị thế, uy tín của Việt Nam trên trường quốc"
            " tế."
        ),
        Paragraph(
            "Thông tin chi tiết về được đăng tải trên website: https://giaithuong.ttdn.vn"
        ),
        Paragraph("(Gửi kèm Mã QR Trailer giới thiệu Giải thưởng năm 2026)¹."),
    ),
    recipients=(
        "Đảng ủy Chính phủ",
        "Thường trực Đảng ủy Bộ",
        "Các Ban tham mưu của Đảng ủy Bộ",
        "Các tổ chức đảng trực thuộc",
        "Đoàn Thanh niên Bộ",
        "Hội Cựu chiến binh cơ quan Bộ",
        "Lưu Ban Tuyên giáo và Dân vận ĐUB",
    ),
    signature=Signature(authority=("K/T TRƯỞNG BAN",), title="PHÓ TRƯỞNG BAN",
                        name="Lê Doãn Hoàn"),
    footnotes=(
        "Thông tin liên hệ: Đ/c Nguyễn Thị Thảo, Chuyên viên Vụ Thông tin - Đối ngoại, Ban"
        " Tuyên giáo và Dân vận Trung ương, số điện thoại: 0913.680.438",
    ),
    attachments=("Mã QR Trailer giới thiệu Giải thưởng năm 2026",),
)

# Seed 004: the Fatherland Front of Nam Đồng ward (Hải Phòng), issued.
SEED_004 = LetterDoc(
    style=Style.STATE,
    kind="công văn",
    issuer="BAN THƯỜNG TRỰC",
    issuer_parent="ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG",
    number=31,
    symbol="MTTQ-BTT",
    place="Nam Đồng",
    date=dt.date(2026, 6, 18),
    subject=f"tuyên truyền, triển khai, hưởng ứng {_AWARD}",
    addressees=(
        "Ban Công tác Mặt trận các Tổ dân phố",
        "Các tổ chức thành viên của Mặt trận",
        "Các chi hội, đoàn thể trên địa bàn phường",
    ),
    references=(
        Reference(
            Relation.IMPLEMENTS, "Công văn", 783, None, dt.date(2026, 6, 10),
            "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Hải Phòng",
            f"tuyên truyền, triển khai, hưởng ứng {_AWARD}",
        ),
        Reference(
            Relation.BASED_ON, "Công văn", 379, "MTTW-BTT", dt.date(2026, 6, 8),
            "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam",
            f"thông tin, tuyên truyền, hưởng ứng, tham gia {_AWARD}",
        ),
        Reference(
            Relation.BASED_ON, "Công văn", 897, "CV/BTGDVTU", dt.date(2026, 6, 4),
            "Ban Tuyên giáo và Dân vận Thành ủy Hải Phòng",
            f"triển khai, hưởng ứng {_AWARD}",
        ),
        _CONCLUSION_57,
        _RESOLUTION_59,
    ),
    body=(
        Paragraph(
            "Thực hiện Công văn số 783 ngày 10/6/2026 của Ban Thường trực Ủy ban MTTQ Việt Nam"
            f" thành phố Hải Phòng về việc tuyên truyền, triển khai, hưởng ứng {_AWARD};"
        ),
        Paragraph(
            "Căn cứ Công văn số 379/MTTW-BTT ngày 08/6/2026 của Ban Thường trực Ủy ban Trung ương"
            " MTTQ Việt Nam về việc thông tin, tuyên truyền, hưởng ứng, tham gia"
            f" {_AWARD};"
        ),
        Paragraph(
            "Căn cứ Công văn số 897-CV/BTGDVTU ngày 04/6/2026 của Ban Tuyên giáo và Dân vận Thành"
            f" ủy Hải Phòng về việc triển khai, hưởng ứng {_AWARD};"
        ),
        Paragraph(
            "Nhằm góp phần thực hiện hiệu quả Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính"
            " trị về tiếp tục nâng cao chất lượng, hiệu quả công tác thông tin đối ngoại trong"
            " tình hình mới và Nghị quyết số 59-NQ/TW ngày 24/01/2025 của Bộ Chính trị về hội"
            " nhập quốc tế trong tình hình mới, Ban Thường trực Ủy ban MTTQ Việt Nam phường Nam"
            " Đồng đề nghị các đơn vị triển khai thực hiện một số nội dung sau:"
        ),
        Paragraph("Đẩy mạnh công tác tuyên truyền:", number="1"),
        Paragraph(
            "Tăng cường thông tin, tuyên truyền sâu rộng về mục đích, ý nghĩa, nội dung và giá"
            f" trị của {_AWARD} tới cán bộ, đoàn viên, hội viên và các tầng lớp Nhân dân trên địa"
            " bàn.",
            bullet=True,
        ),
        Paragraph(
            "Khuyến khích, vận động các tổ chức, cá nhân tích cực hưởng ứng và tham gia Giải"
            " thưởng.",
            bullet=True,
        ),
        Paragraph(
            "Tuyên truyền thông qua các hình thức phù hợp như: hội nghị, sinh hoạt chi hội, sinh"
            " hoạt cộng đồng, hệ thống truyền thanh cơ sở, các nền tảng mạng xã hội và các kênh"
            " thông tin của địa phương.",
            bullet=True,
        ),
        Paragraph(
            "Thông tin chi tiết về Giải thưởng được đăng tải tại website:"
            " https://giaithuong.ttdn.vn.",
            bullet=True,
        ),
        Paragraph("Tạo điều kiện thuận lợi cho các tập thể, cá nhân tham gia Giải thưởng",
                  number="2"),
        Paragraph(
            "Hướng dẫn, hỗ trợ các tập thể, đoàn viên, hội viên và Nhân dân xây dựng, hoàn thiện"
            " các tác phẩm, sản phẩm dự thi theo đúng thể lệ.",
            bullet=True,
        ),
        Paragraph(
            "Khuyến khích các tác phẩm phản ánh sinh động những thành tựu nổi bật của đất nước,"
            " thành phố Hải Phòng và phường Nam Đồng trong phát triển kinh tế - xã hội, quốc"
            " phòng, an ninh, đối ngoại, xây dựng đời sống văn hóa và phát huy khối đại đoàn kết"
            " toàn dân tộc.",
            bullet=True,
        ),
        Paragraph(
            "Thực hiện gửi tác phẩm tham dự theo đúng thời gian và quy định của Ban Tổ chức Giải"
            " thưởng.",
            bullet=True,
        ),
        Paragraph("Phân đấu có tác phẩm chất lượng tham gia Giải thưởng", number="3"),
        Paragraph(
            "Mỗi tổ dân phố, tổ chức thành viên, đoàn thể chủ động phát hiện, giới thiệu các cá"
            " nhân, tập thể có khả năng xây dựng tác phẩm dự thi.",
            bullet=True,
        ),
        Paragraph(
            f"Thông qua {_AWARD}, góp phần quảng bá hình ảnh đất nước, con người Việt Nam; lan"
            " tỏa những giá trị tốt đẹp, thành tựu nổi bật của địa phương; đồng thời giới thiệu"
            " hình ảnh thành phố Hải Phòng năng động, phát triển, hội nhập và phường Nam Đồng tới"
            " bạn bè trong nước và quốc tế."
        ),
        Paragraph(
            "Đề nghị Ban Công tác Mặt trận các tổ dân phố, các tổ chức thành viên và các đơn vị"
            " liên quan nghiêm túc triển khai thực hiện."
        ),
    ),
    recipients=(
        "Thường trực Đảng ủy phường",
        "Lãnh đạo UBND phường",
        "BTT Ủy ban MTTQ Việt Nam phường",
        "Các tổ chức thành viên",
        "Ban CTMT các tổ dân phố",
        "Lưu: VT",
    ),
    signature=Signature(authority=("TM. BAN THƯỜNG TRỰC",), title="CHỦ TỊCH",
                        name="Đoàn Trung Thu"),
)

SEEDS: dict[str, LetterDoc] = {"seed-000": SEED_000, "seed-004": SEED_004}
