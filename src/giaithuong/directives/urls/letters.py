"""Routes of the letters pages (see views/letters.py)."""

from django.urls import path

from giaithuong.directives.views import letters as views

urlpatterns: list = [
    path("letters/", views.inbox, name="inbox"),
    path("letters/sent/", views.outbox, name="outbox"),
    path("letters/new/", views.letter_new, name="letter_new"),
    path("letters/<int:letter_id>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:letter_id>/edit/", views.letter_edit, name="letter_edit"),
    path("letters/<int:letter_id>/issue/", views.letter_issue, name="letter_issue"),
    path("letters/<int:letter_id>/discard/", views.letter_discard, name="letter_discard"),
    path("letters/<int:letter_id>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("letters/<int:letter_id>/docx/", views.letter_docx, name="letter_docx"),
    path("deliveries/<int:delivery_id>/acknowledge/", views.delivery_acknowledge,
         name="delivery_acknowledge"),
    path("deliveries/<int:delivery_id>/implement/", views.delivery_implement,
         name="delivery_implement"),
    path("deliveries/<int:delivery_id>/refuse/", views.delivery_refuse, name="delivery_refuse"),
    path("deliveries/<int:delivery_id>/report/", views.delivery_report, name="delivery_report"),
    path("reports/<int:report_id>/evidence/", views.report_evidence, name="report_evidence"),
]
