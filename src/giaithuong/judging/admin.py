from django.contrib import admin

from giaithuong.common.admin_site import OrganiserAdmin
from giaithuong.judging.models import Council


@admin.register(Council)
class CouncilAdmin(OrganiserAdmin):
    list_display = ["name", "edition", "round_code"]
    filter_horizontal = ["categories"]
