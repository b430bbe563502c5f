from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from giaithuong.directives.letter import Style


class UnitKind(models.TextChoices):
    PARTY = "party", _("Party committee or organisation")
    FRONT = "front", _("Fatherland Front committee")
    STATE = "state", _("State body or People's Committee")
    MASS_ORGANISATION = "mass", _("Mass organisation")
    PRESS = "press", _("Press agency or publisher")
    RESIDENTIAL = "residential", _("Residential group or village")
    OVERSEAS = "overseas", _("Overseas mission")


class OrganisationUnit(models.Model):
    """A unit in the cascade (đơn vị): it receives letters and issues its own to its children.

    `path` is the materialised path of primary keys ("/1/17/230/"), so a whole subtree is one
    indexed prefix query.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    code = models.CharField(
        _("symbol code"), max_length=40, blank=True,
        help_text=_("The code used in letter symbols, e.g. BTGDVTW or MTTQ-BTT."))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("parent unit"))
    header_name = models.CharField(
        _("name in the letter header"), max_length=200, blank=True,
        help_text=_("The issuer line of the letter header, e.g. BAN THƯỜNG TRỰC; the unit's name "
                    "when empty."))
    header_parent = models.CharField(
        _("parent body in the letter header"), max_length=200, blank=True,
        help_text=_("The line above the issuer (cơ quan chủ quản), e.g. ỦY BAN MTTQ VIỆT NAM "
                    "PHƯỜNG NAM ĐỒNG; empty when the issuer stands alone."))
    seat = models.CharField(_("seat"), max_length=100,
                            help_text=_("The place name written on the date line, e.g. Hà Nội."))
    admin_code = models.CharField(
        _("administrative code"), max_length=20, blank=True, db_index=True,
        help_text=_("The province or ward code of the 2025 administrative units, for State and "
                    "Front lines."))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    party_term = models.CharField(
        _("Party term"), max_length=20, blank=True, default="2025-2030",
        help_text=_("Party bodies number each document type from 01 over a whole term."))
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class LetterKind(models.TextChoices):
    OFFICIAL_LETTER = "cong_van", _("Official letter (công văn)")
    PLAN = "ke_hoach", _("Plan (kế hoạch)")
    NOTICE = "thong_bao", _("Notice (thông báo)")
    GUIDANCE = "huong_dan", _("Guidance (hướng dẫn)")
    DIRECTIVE_NOTE = "thong_tri", _("Directive note (thông tri)")
    DECISION = "quyet_dinh", _("Decision (quyết định)")
    REPORT = "bao_cao", _("Report (báo cáo)")


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    EXTERNAL = "external", _("Read in from outside")


class LetterSource(models.TextChoices):
    WRITTEN = "written", _("Written here")
    PARSED = "parsed", _("Read from a file")
    EDXML = "edxml", _("Received as an edXML package")
    CITED = "cited", _("Known only from a citation")


class Letter(models.Model):
    """An official letter (công văn) or typed document in the cascade.

    `cascade_root` is the top letter of the chain it implements (itself for a top letter), so the
    progress of a whole cascade is one indexed filter. Body, addressee texts, distribution list and
    signature are stored in the shape of `directives.letter.LetterDoc`.
    """

    edition = models.ForeignKey("editions.Edition", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="letters",
                                verbose_name=_("edition"))
    issuer = models.ForeignKey(OrganisationUnit, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="issued_letters", verbose_name=_("issuing unit"))
    issuer_name = models.CharField(_("issuer"), max_length=300,
                                   help_text=_("The issuer's full name, as cited by others."))
    header_name = models.CharField(_("issuer line of the header"), max_length=300, blank=True)
    header_parent = models.CharField(_("parent line of the header"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices,
                            default=LetterKind.OFFICIAL_LETTER)
    style = models.CharField(_("layout"), max_length=10, choices=[
        (Style.STATE, _("State and Front (Decree 30/2020)")),
        (Style.PARTY, _("Party (Guidance 36-HD/VPTW)"))], default=Style.STATE)
    status = models.CharField(_("status"), max_length=10, choices=LetterStatus.choices,
                              default=LetterStatus.DRAFT, db_index=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=60, blank=True)
    series = models.CharField(_("numbering series"), max_length=40, blank=True,
                              help_text=_("The year for State and Front letters; the type and "
                                          "term for Party letters."))
    place = models.CharField(_("place"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    subject = models.CharField(_("subject (V/v)"), max_length=500)
    addressee_texts = models.JSONField(_("addressees as written"), default=list, blank=True)
    addressee_units = models.ManyToManyField(OrganisationUnit, blank=True, related_name="+",
                                             verbose_name=_("addressed units"))
    address_subtree = models.BooleanField(
        _("deliver to every unit below the addressees"), default=False)
    body = models.JSONField(_("body"), default=list, blank=True)
    recipients = models.JSONField(_("distribution list (Nơi nhận)"), default=list, blank=True)
    signature = models.JSONField(_("signature"), default=dict, blank=True)
    footnotes = models.JSONField(_("footnotes"), default=list, blank=True)
    attach_trailer_qr = models.BooleanField(_("attach the trailer QR code"), default=False)
    due_date = models.DateField(_("report due by"), null=True, blank=True)
    cascade_root = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="cascade_letters",
                                     verbose_name=_("top letter of the cascade"))
    implements = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="implementations",
                                   verbose_name=_("implements"))
    source = models.CharField(_("source"), max_length=10, choices=LetterSource.choices,
                              default=LetterSource.WRITTEN)
    confidence = models.JSONField(_("reading confidence"), default=dict, blank=True)
    read_problems = models.JSONField(_("parts that could not be read"), default=list,
                                     blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-date", "-id"]
        constraints = [
            # A number is never reused within its issuer's series (NĐ 30 per year, HD 36 per
            # type and term).
            models.UniqueConstraint(fields=["issuer", "series", "symbol", "number"],
                                    condition=models.Q(number__isnull=False, issuer__isnull=False),
                                    name="letter_number_unique"),
        ]
        indexes = [models.Index(fields=["cascade_root", "status"])]

    def __str__(self) -> str:
        number = f"{self.number:02d}" if self.number is not None else "…"
        code = f"{number}{'-' if self.style == Style.PARTY else '/'}{self.symbol}"
        return f"{code} · {self.subject[:80]}"


class AttachmentRole(models.TextChoices):
    SOURCE = "source", _("File the letter was read from")
    ATTACHMENT = "attachment", _("Attachment")
    SIGNED = "signed", _("Signed copy")


class LetterAttachment(models.Model):
    """A file that belongs to a letter: the scan or text it was read from, an attachment it was
    sent with, or the signed copy. Kept byte for byte; `sha256` proves it."""

    letter = models.ForeignKey("Letter", on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("letter"))
    role = models.CharField(_("role"), max_length=12, choices=AttachmentRole.choices,
                            default=AttachmentRole.ATTACHMENT)
    file = models.FileField(_("file"), upload_to="letters/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("letter attachment")
        verbose_name_plural = _("letter attachments")
        ordering = ["letter", "id"]

    def __str__(self) -> str:
        return self.name


class NumberSeries(models.Model):
    """The last number an issuer used in a series (sổ đăng ký văn bản đi)."""

    issuer = models.ForeignKey(OrganisationUnit, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=40)
    symbol = models.CharField(max_length=60)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "series", "symbol"],
                                               name="numberseries_unique")]

    def __str__(self) -> str:
        return f"{self.issuer_id} {self.series} {self.symbol}: {self.last_number}"


class Relation(models.TextChoices):
    IMPLEMENTS = "implements", _("Implements (Thực hiện)")
    BASED_ON = "based_on", _("Based on (Căn cứ)")
    ACCORDING_TO = "according_to", _("According to (Theo)")


class LetterReference(models.Model):
    """A letter this one implements or is based on: one in the system, or one known only by its
    number, symbol, date and issuer (a placeholder until it is read in)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="references",
                               verbose_name=_("letter"))
    position = models.PositiveSmallIntegerField(default=0)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    target = models.ForeignKey(Letter, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="cited_by", verbose_name=_("letter in the system"))
    kind = models.CharField(_("kind"), max_length=60, default="Công văn")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=60, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    issuer_name = models.CharField(_("issuer"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["letter", "position"]

    def __str__(self) -> str:
        number = self.number if self.number is not None else ""
        return f"{self.get_relation_display()} {self.kind} số {number} {self.symbol}".strip()


class DeliveryState(models.TextChoices):
    """A delivery's progress, mapped to edXML status codes (QCVN 102:2016)."""

    RECEIVED = "received", _("Received")  # 01 Đã đến
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")  # 03 Đã tiếp nhận
    ASSIGNED = "assigned", _("Assigned")  # 04 Phân công
    IN_PROGRESS = "in_progress", _("In progress")  # 05 Đang xử lý
    DONE = "done", _("Done")  # 06 Hoàn thành
    REFUSED = "refused", _("Refused")  # 02 Từ chối tiếp nhận


EDXML_STATUS = {
    DeliveryState.RECEIVED: "01", DeliveryState.REFUSED: "02",
    DeliveryState.ACKNOWLEDGED: "03", DeliveryState.ASSIGNED: "04",
    DeliveryState.IN_PROGRESS: "05", DeliveryState.DONE: "06",
}


class Delivery(models.Model):
    """A letter in one addressee unit's inbox (văn bản đến), and how far the unit has got."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="deliveries",
                               verbose_name=_("letter"))
    unit = models.ForeignKey(OrganisationUnit, on_delete=models.CASCADE,
                             related_name="deliveries", verbose_name=_("unit"))
    state = models.CharField(_("state"), max_length=20, choices=DeliveryState.choices,
                             default=DeliveryState.RECEIVED)
    received_at = models.DateTimeField(_("received at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("handled by"))
    due_date = models.DateField(_("due by"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["letter", "unit"],
                                               name="delivery_unique")]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.letter} → {self.unit}"


class CascadeProgress(models.Model):
    """One unit's progress in one cascade, kept by the services so that the roll-up of a subtree
    of 100,000 units is one grouped query over an indexed path prefix."""

    cascade_root = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrganisationUnit, on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    received_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    audience = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cascade_root", "unit"],
                                               name="cascadeprogress_unique")]
        indexes = [models.Index(fields=["cascade_root", "unit_path"])]

    def __str__(self) -> str:
        return f"{self.cascade_root_id} · {self.unit_id}"


class ActivityKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    PARTY_CELL_MEETING = "party_cell", _("Party-cell meeting")
    THEMATIC_MEETING = "thematic", _("Thematic meeting")
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker broadcast")
    SOCIAL_MEDIA = "social_media", _("Social-media post")
    NEWS_ARTICLE = "news", _("News article")
    OTHER = "other", _("Other")


class ActivityReport(models.Model):
    """What a unit did for a letter (báo cáo kết quả triển khai)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="reports",
                                 verbose_name=_("delivery"))
    kind = models.CharField(_("activity"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    audience = models.PositiveIntegerField(_("people reached"), default=0)
    channel = models.CharField(_("channel"), max_length=200, blank=True)
    description = models.TextField(_("what was done"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="evidence/%Y/%m/", blank=True)
    candidates_introduced = models.PositiveIntegerField(_("candidates introduced"), default=0)
    entries_submitted = models.PositiveIntegerField(_("entries submitted"), default=0)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} ({self.audience})"
