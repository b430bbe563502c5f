"""Entries and everything that belongs to one: authors, files, history, receipts.

Only `giaithuong.entries.services` writes these rows; pages and the API read them through
`giaithuong.entries.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EntryStatus(models.TextChoices):
    """Where an entry is in its life (tình trạng tác phẩm)."""

    DRAFT = "draft", pgettext_lazy("entry status", "Draft")
    SUBMITTED = "submitted", _("Submitted")
    VALID = "valid", _("Valid")
    RETURNED = "returned", _("Returned for fixes")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    IN_JUDGING = "in_judging", _("In judging")
    RESULT = "result", _("Result published")


# Statuses that hold a receipt number: the entry was submitted at some point and still counts.
RECEIPTED = frozenset({EntryStatus.SUBMITTED, EntryStatus.VALID, EntryStatus.RETURNED,
                       EntryStatus.REJECTED, EntryStatus.IN_JUDGING, EntryStatus.RESULT})
# Entries that count against an author's limit in the edition (rejected and withdrawn do not).
LIVE = frozenset({EntryStatus.SUBMITTED, EntryStatus.VALID, EntryStatus.RETURNED,
                  EntryStatus.IN_JUDGING, EntryStatus.RESULT})
# The participant may still change the entry (a draft until the deadline; a returned entry
# until the deadline intake set for the fixes).
EDITABLE = frozenset({EntryStatus.DRAFT, EntryStatus.RETURNED})


class EntrantKind(models.TextChoices):
    """Who enters (hình thức dự Giải): matches the eligibility engine's `entrant_form`."""

    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group of authors")
    ORGANISATION = "organisation", _("Agency or organisation")


class Channel(models.TextChoices):
    """How the entry reached the award (kênh gửi)."""

    PORTAL = "portal", _("Award portal")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")


class Residence(models.TextChoices):
    VIETNAM = "vietnam", _("In Vietnam")
    ABROAD = "abroad", _("Abroad")


class Entry(models.Model):
    """A work entered in one category of an edition (tác phẩm, sản phẩm dự Giải).

    `owner` is the participant account that prepares and submits it: the author, the group's
    contact person, or the agency sending works on behalf of its authors. Each submitted entry
    carries a receipt number (số biên nhận), gap-free within its category. `version` grows with
    every edit of the form, so two tabs (or two people) cannot overwrite each other unseen.
    """

    edition = models.ForeignKey("editions.Edition", on_delete=models.PROTECT,
                                related_name="entries", verbose_name=_("edition"))
    category = models.ForeignKey("editions.Category", on_delete=models.PROTECT,
                                 related_name="entries", verbose_name=_("category"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="entries", verbose_name=_("participant"))
    entrant_kind = models.CharField(_("entrant"), max_length=20, choices=EntrantKind.choices,
                                    default=EntrantKind.INDIVIDUAL)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    entrant_country = models.CharField(_("country (ISO code)"), max_length=2, blank=True,
                                       help_text=_("Nationality of the entrant, e.g. VN."))
    entrant_residence = models.CharField(_("residence"), max_length=10, blank=True,
                                         choices=Residence.choices)

    title = models.CharField(_("title"), max_length=500, blank=True)
    genre = models.CharField(_("genre"), max_length=200, blank=True)
    subtype = models.CharField(_("kind of work"), max_length=63, blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True,
                                help_text=_("A language tag such as vi, en or zh."))
    outlet = models.CharField(_("outlet"), max_length=300, blank=True,
                              help_text=_("The publisher, station or site that carried the work."))
    published_first = models.DateField(_("first published"), null=True, blank=True)
    published_last = models.DateField(_("last published"), null=True, blank=True)
    parts_total = models.PositiveIntegerField(_("parts in all"), default=1)
    parts_in_window = models.PositiveIntegerField(_("parts inside the window"), default=1)
    seconds_outside_window = models.PositiveIntegerField(
        _("running time outside the window (seconds)"), default=0)
    duration_seconds = models.PositiveIntegerField(_("running time (seconds)"), null=True,
                                                   blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    photo_count = models.PositiveIntegerField(_("photos"), null=True, blank=True)
    publication_urls = models.JSONField(_("publication links"), default=list, blank=True)
    summary_vi = models.TextField(_("summary in Vietnamese"), blank=True)
    translation_title = models.CharField(_("title in Vietnamese translation"), max_length=500,
                                         blank=True)
    translation_summary = models.TextField(_("translation notes"), blank=True)
    translation_present = models.BooleanField(
        _("full translation sent separately"), default=False,
        help_text=_("Ticked when the translation comes by post or e-mail rather than as a file."))
    copyright_accepted = models.BooleanField(_("copyright declaration accepted"), default=False)
    copyright_accepted_at = models.DateTimeField(_("copyright declaration accepted at"),
                                                 null=True, blank=True)
    prior_awards = models.JSONField(_("prior awards"), default=list, blank=True)
    prior_awards_none = models.BooleanField(_("the work has won no prize"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices,
                               default=Channel.PORTAL)
    postmark_date = models.DateField(_("postmark date"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices,
                              default=EntryStatus.DRAFT, db_index=True)
    receipt_number = models.CharField(_("receipt number"), max_length=100, blank=True)
    receipt_sequence = models.PositiveIntegerField(_("number in category"), null=True,
                                                   blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True,
                                        db_index=True)
    resubmitted_at = models.DateTimeField(_("resubmitted at"), null=True, blank=True)
    returned_reason = models.TextField(_("reason for return"), blank=True)
    return_deadline = models.DateTimeField(_("fixes due by"), null=True, blank=True)
    rejected_reason = models.TextField(_("reason for rejection"), blank=True)
    decided_at = models.DateTimeField(_("intake decision at"), null=True, blank=True)
    # What duplicate detection keeps of the submitted entry (`similarity.Signature.to_json`),
    # written by `duplicates.flag_duplicates` after each submit; {} until then.
    similarity_signature = models.JSONField(_("similarity signature"), default=dict,
                                            blank=True)
    # What is still to follow a submit or resubmit ("submitted", "resubmitted"): duplicate
    # detection and the receipt mail, done in batches by `follow_up`; "" once done.
    follow_up = models.CharField(_("follow-up pending"), max_length=20, blank=True,
                                 default="", editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "edition"], name="entry_owner_edition"),
            models.Index(fields=["edition", "status", "category"], name="entry_queue"),
            # Only the few entries whose follow-up is pending, found without a pass over all.
            models.Index(fields=["follow_up"], name="entry_follow_up_pending",
                         condition=Q(follow_up__gt="")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["edition", "receipt_number"],
                                    condition=~Q(receipt_number=""),
                                    name="entry_unique_receipt_number"),
            models.UniqueConstraint(fields=["category", "receipt_sequence"],
                                    name="entry_unique_receipt_sequence"),
            models.CheckConstraint(
                name="entry_receipted_has_number",
                condition=(~Q(status__in=sorted(str(s) for s in RECEIPTED))
                           | (~Q(receipt_number="") & Q(receipt_sequence__isnull=False)
                              & Q(submitted_at__isnull=False)))),
            models.CheckConstraint(
                name="entry_draft_has_no_number",
                condition=~Q(status=EntryStatus.DRAFT) | Q(receipt_number="")),
        ]

    def __str__(self) -> str:
        label = self.title or str(_("Untitled entry"))
        return f"{self.receipt_number} · {label}" if self.receipt_number else label

    @property
    def is_editable_status(self) -> bool:
        return self.status in EDITABLE

    @property
    def parts_outside_window(self) -> int:
        return max(self.parts_total - self.parts_in_window, 0)


class AuthorRole(models.TextChoices):
    AUTHOR = "author", _("Author")
    CO_AUTHOR = "co_author", _("Co-author")


class EntryAuthor(models.Model):
    """One author of an entry (tác giả, đồng tác giả), in the order the entry lists them.

    A co-author needs no account: `user` is set only when the person has one. `share_percent`
    is their part of the work (tỷ lệ đóng góp); a group's shares total 100. `consent_given`
    records that the person agreed to be entered (the owner attests it for co-authors).
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="authors",
                              verbose_name=_("entry"))
    position = models.PositiveSmallIntegerField(_("position"))
    full_name = models.CharField(_("full name"), max_length=200)
    pen_name = models.CharField(_("pen name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=AuthorRole.choices,
                            default=AuthorRole.AUTHOR)
    job_title = models.CharField(_("position held"), max_length=200, blank=True)
    workplace = models.CharField(_("workplace"), max_length=300, blank=True)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2,
                                        default=100)
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="authorships", verbose_name=_("account"))
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["entry_id", "position"]
        # A submit counts the person's other entries by e-mail or by account (the account's
        # foreign key has its index): an index probe, not a pass over every author.
        indexes = [models.Index(fields=["email"], name="entryauthor_email")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="entryauthor_position"),
            models.CheckConstraint(name="entryauthor_share_range",
                                   condition=Q(share_percent__gte=0) & Q(share_percent__lte=100)),
        ]

    def __str__(self) -> str:
        return self.full_name


class FileRole(models.TextChoices):
    """What a file is to its entry (loại tệp)."""

    MAIN = "main", _("The work")
    TRANSLATION = "translation", _("Translation")
    EVIDENCE = "evidence", _("Evidence of publication")
    COVER = "cover", _("Cover image")


def entry_file_path(instance: EntryFile, filename: str) -> str:
    # Never the entrant's file name: it may name the author, and judging is blind.
    return f"entries/{instance.entry_id}/{filename}"


class EntryFile(models.Model):
    """A file of an entry (tệp tác phẩm): the work itself, its translation, evidence of
    publication, or a cover image.

    The bytes are copied from the finished `uploads.Upload` into storage (`file`) and checked
    against the upload's SHA-256 on the way; the upload is then released. `original_name` is
    the sender's name for it, cleaned. `blind_file`, `duration_seconds`, `page_count` and
    `inspection` are filled later by the inspection step (see `signals.file_attached`).
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files",
                              verbose_name=_("entry"))
    role = models.CharField(_("role"), max_length=20, choices=FileRole.choices,
                            default=FileRole.MAIN)
    upload = models.ForeignKey("uploads.Upload", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("upload"))
    upload_key = models.UUIDField(_("upload key"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=entry_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content_type = models.CharField(_("content type"), max_length=100,
                                    help_text=_("Read from the file's content."))
    size = models.BigIntegerField(_("size (bytes)"))
    duration_seconds = models.PositiveIntegerField(_("running time (seconds)"), null=True,
                                                   blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    blind_file = models.FileField(_("copy for blind judging"), upload_to=entry_file_path,
                                  max_length=300, null=True, blank=True)
    inspection = models.JSONField(_("inspection findings"), default=dict, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    # Taken by the one process inspecting the file now (`pipeline`), so two never do it twice.
    inspection_claimed_at = models.DateTimeField(_("inspection started at"), null=True,
                                                 blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry file")
        verbose_name_plural = _("entry files")
        ordering = ["entry_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "upload_key"], name="entryfile_one_upload",
                                    condition=Q(upload_key__isnull=False)),
            models.CheckConstraint(name="entryfile_size_positive", condition=Q(size__gt=0)),
        ]

    def __str__(self) -> str:
        return self.original_name


class EntryEvent(models.Model):
    """One step in an entry's history (lịch sử xử lý), shown to the participant: created,
    submitted, returned with a reason, marked valid, and so on."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="events",
                              verbose_name=_("entry"))
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, choices=EntryStatus.choices,
                                   blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=EntryStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("entry event")
        verbose_name_plural = _("entry history")
        ordering = ["entry_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class ReceiptSequence(models.Model):
    """The last receipt number given in one category (sổ biên nhận). Locked and advanced in
    the submitting transaction, so numbers are gap-free: a rolled-back submit gives its number
    back with everything else."""

    edition = models.ForeignKey("editions.Edition", on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("edition"))
    category = models.ForeignKey("editions.Category", on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("category"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("receipt sequence")
        verbose_name_plural = _("receipt sequences")
        constraints = [
            models.UniqueConstraint(fields=["edition", "category"], name="receiptsequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.last_number}"


class SubmitKey(models.Model):
    """An idempotency key of one submit (khóa chống gửi trùng): the same key from the same
    person always gets the first answer back, so a double click or a retried request never
    submits twice."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("participant"))
    key = models.CharField(_("key"), max_length=200)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="submit_keys",
                              verbose_name=_("entry"))
    response = models.JSONField(_("answer given"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submit key")
        verbose_name_plural = _("submit keys")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="submitkey_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class DuplicateReason(models.TextChoices):
    """Why two entries were put side by side (see `similarity`)."""

    SAME_FILE = "same_file", _("The same file")
    SAME_TEXT = "same_text", _("The same title and summary")
    SIMILAR_TEXT = "similar_text", _("A similar title and summary")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To be checked")
    DISMISSED = "dismissed", _("Not a duplicate")
    CONFIRMED = "confirmed", _("Duplicate confirmed")


class DuplicateFlag(models.Model):
    """Two submitted entries that may be the same work (tác phẩm có dấu hiệu trùng lặp), put
    before intake side by side. `entry_a` is the one with the lower id (usually the earlier);
    one flag per pair, whoever's submit found it. Intake dismisses or confirms it."""

    edition = models.ForeignKey("editions.Edition", on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("edition"))
    entry_a = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("first entry"))
    entry_b = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("second entry"))
    score = models.FloatField(_("resemblance"), help_text=_("1.0 for the same file or text."))
    reason = models.CharField(_("reason"), max_length=20, choices=DuplicateReason.choices)
    files = models.JSONField(_("shared files (SHA-256)"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DuplicateStatus.choices,
                              default=DuplicateStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["edition", "status"], name="duplicateflag_queue")]
        constraints = [
            models.UniqueConstraint(fields=["entry_a", "entry_b"], name="duplicateflag_pair"),
            models.CheckConstraint(name="duplicateflag_ordered",
                                   condition=Q(entry_a__lt=F("entry_b"))),
        ]

    def __str__(self) -> str:
        return f"{self.entry_a_id} ~ {self.entry_b_id} ({self.reason})"


class SimilarityKey(models.Model):
    """One lookup key of a submitted entry's signature: an LSH band, a file's SHA-256 or the
    digest of its text. Entries sharing a key are the only ones compared, so a submit looks at
    a handful of candidates, not the whole edition."""

    # No index of its own: an edition holds most keys, so the lookup goes through the key.
    edition = models.ForeignKey("editions.Edition", on_delete=models.CASCADE, db_index=False,
                                related_name="+", verbose_name=_("edition"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="similarity_keys",
                              verbose_name=_("entry"))
    key = models.CharField(_("key"), max_length=80)

    class Meta:
        verbose_name = _("similarity key")
        verbose_name_plural = _("similarity keys")
        # The key leads: it is the selective column, so the lookup stays an index probe even
        # when the statistics still think the table is empty (the first burst of an edition).
        indexes = [models.Index(fields=["key", "edition"], name="similaritykey_by_key")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "key"], name="similaritykey_unique"),
        ]

    def __str__(self) -> str:
        return self.key
