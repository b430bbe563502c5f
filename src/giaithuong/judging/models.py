from django.db import models
from django.utils.translation import gettext_lazy as _


class Council(models.Model):
    """A jury panel or the award council (hội đồng, tiểu ban) for one round of an edition.
    Jurors and chairs hold their role through `accounts.RoleGrant` scoped to a council."""

    edition = models.ForeignKey("editions.Edition", on_delete=models.CASCADE,
                                related_name="councils", verbose_name=_("edition"))
    name = models.CharField(_("name"), max_length=200)
    round_code = models.SlugField(_("round"), max_length=63)
    categories = models.ManyToManyField("editions.Category", blank=True,
                                        verbose_name=_("categories"))

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="council_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
