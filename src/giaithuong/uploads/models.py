import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Upload(models.Model):
    """A file received in pieces over the tus protocol (tệp tải lên, tải tiếp được).

    `offset` counts the bytes durably on disk; the upload is finished when it reaches `length`
    and the content has been hashed and its type read (`status` complete). The bytes live in
    the upload directory under `key` (see store.py), never at a public URL.
    """

    class Status(models.TextChoices):
        RECEIVING = "receiving", _("Receiving")
        COMPLETE = "complete", _("Complete")

    key = models.UUIDField(_("key"), unique=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="uploads", verbose_name=_("owner"))
    purpose = models.CharField(_("purpose"), max_length=40)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    declared_type = models.CharField(_("declared type"), max_length=255, blank=True,
                                     help_text=_("What the sender said; not trusted."))
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    length = models.BigIntegerField(_("length"))
    offset = models.BigIntegerField(_("bytes received"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.RECEIVING)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True,
                                    help_text=_("Read from the file's content."))
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        indexes = [models.Index(fields=["owner", "status"], name="upload_owner_status")]
        constraints = [
            models.CheckConstraint(name="upload_offset_in_range",
                                   condition=Q(offset__gte=0) & Q(offset__lte=F("length"))),
            models.CheckConstraint(name="upload_complete_has_hash",
                                   condition=~Q(status="complete") | ~Q(sha256="")),
        ]

    def __str__(self) -> str:
        return f"{self.filename or self.key} ({self.offset}/{self.length})"

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE

    @property
    def storage_key(self) -> str:
        return self.key.hex
