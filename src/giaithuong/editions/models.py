"""An award and its editions, as loaded from an edition file (see rules.py for the schema).

Bilingual text is stored as `<field>_vi` / `<field>_en`; `localized(obj, field)` picks the active
language. The whole validated file is kept in `Edition.spec` so every setting, including the
uncertain ones, reaches the code that needs it without a column per item.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giaithuong.common.memo import remembered
from giaithuong.editions.rules import EditionSpec, roman

# Parsed specs by the SHA-256 of the file they came from: a spec is read into objects once per
# process, not on every request that loads its edition (a submit, a rules page).
_PARSED_SPECS: dict[str, EditionSpec] = {}


def parsed_spec(edition: "Edition") -> EditionSpec:
    """The edition's spec as objects; its JSON is read (and fetched, when the query left it
    out) only the first time this process meets the file."""
    if not edition.source_sha256:
        return EditionSpec.model_validate(edition.spec)
    return remembered(_PARSED_SPECS, edition.source_sha256,
                      lambda: EditionSpec.model_validate(edition.spec))


def localized(obj, field: str) -> str:
    language = (get_language() or "vi")[:2]
    value = getattr(obj, f"{field}_{language}", "") if language == "en" else ""
    return value or getattr(obj, f"{field}_vi")


class Award(models.Model):
    """An award run every year (giải thưởng)."""

    slug = models.SlugField(_("code"), unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    short_name_vi = models.CharField(_("short name (Vietnamese)"), max_length=100)
    short_name_en = models.CharField(_("short name (English)"), max_length=100)
    website = models.URLField(_("website"))
    first_year = models.PositiveSmallIntegerField(_("first year"))

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return self.name_vi


class Edition(models.Model):
    """One year's edition of an award (lần thứ …)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="editions",
                              verbose_name=_("award"))
    ordinal = models.PositiveSmallIntegerField(_("ordinal"))
    year = models.PositiveSmallIntegerField(_("year"))
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    trailer_url = models.URLField(_("trailer URL"))
    window_start = models.DateField(_("publication window opens"))
    window_end = models.DateField(_("publication window closes"))
    launch_date = models.DateField(_("launch date"))
    deadline = models.DateTimeField(_("entry deadline"))
    deadline_extended = models.DateTimeField(_("extended deadline"), null=True, blank=True)
    is_current = models.BooleanField(_("shown on the public site"), default=False)
    spec = models.JSONField(_("rules as loaded"))
    source_name = models.CharField(_("loaded from"), max_length=300)
    source_sha256 = models.CharField(_("file checksum"), max_length=64)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    loaded_at = models.DateTimeField(_("last loaded"), auto_now=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year", "-ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["award", "ordinal"], name="edition_unique_ordinal"),
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True),
                                    name="edition_one_current"),
        ]

    def __str__(self) -> str:
        return self.title_vi

    @property
    def roman(self) -> str:
        return roman(self.ordinal)

    @property
    def effective_deadline(self):
        return self.deadline_extended or self.deadline

    @property
    def rules(self) -> EditionSpec:
        cached = getattr(self, "_rules", None)
        if cached is None:
            cached = self._rules = parsed_spec(self)
        return cached


class Category(models.Model):
    """A category entries compete in (hạng mục). Its constraints live in the edition's spec."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories",
                                verbose_name=_("edition"))
    code = models.SlugField(_("code"), max_length=63)
    number = models.PositiveSmallIntegerField(_("number"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    summary_vi = models.TextField(_("rules in brief (Vietnamese)"))
    summary_en = models.TextField(_("rules in brief (English)"))
    is_active = models.BooleanField(_("open for entries"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="category_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name_vi}"

    @property
    def rules(self):
        return next(c for c in self.edition.rules.categories if c.code == self.code)


class Criterion(models.Model):
    """A scoring criterion with its weight (tiêu chí chấm)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria",
                                verbose_name=_("edition"))
    code = models.SlugField(_("code"), max_length=63)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    description_vi = models.TextField(_("description (Vietnamese)"))
    description_en = models.TextField(_("description (English)"))
    weight = models.PositiveSmallIntegerField(_("weight"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="criterion_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name_vi


class PrizeTier(models.Model):
    """A prize level and its quota per category (mức giải); `per_category` is None for the
    Special Prize, which is awarded across all categories."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="prize_tiers",
                                verbose_name=_("edition"))
    code = models.SlugField(_("code"), max_length=63)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    per_category = models.PositiveSmallIntegerField(_("per category"), null=True, blank=True)
    overall = models.PositiveSmallIntegerField(_("across all categories"), default=0)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("prize tier")
        verbose_name_plural = _("prize tiers")
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="prizetier_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name_vi


class Milestone(models.Model):
    """A date on the edition's timeline (mốc thời gian)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="milestones",
                                verbose_name=_("edition"))
    code = models.SlugField(_("code"), max_length=63)
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300)
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    tentative = models.BooleanField(_("tentative"), default=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["edition", "date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="milestone_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label_vi
