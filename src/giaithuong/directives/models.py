from django.db import models
from django.utils.translation import gettext_lazy as _


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
    seat = models.CharField(_("seat"), max_length=100,
                            help_text=_("The place name written on the date line, e.g. Hà Nội."))
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name
