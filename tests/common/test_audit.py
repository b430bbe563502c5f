"""The audit log: written by services, never edited through the application."""

import pytest
from django.db import connection, transaction

from giaithuong.accounts.roles import Role
from giaithuong.accounts.services import create_user, grant_role
from giaithuong.common.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_services_write_who_what_and_before_after(edition):
    organiser = create_user(username="bto", password="x-Very-long-1", full_name="Ban Tổ chức")
    user = create_user(username="new", password="x-Very-long-2", actor=organiser)
    grant_role(user, Role.PARTICIPANT, edition=edition, actor=organiser)
    event = AuditEvent.objects.filter(action="role.granted").get()
    assert event.actor == organiser and event.actor_label == "bto"
    assert event.after["role"] == "participant" and event.after["user"] == user.pk
    assert event.target_type == "accounts.RoleGrant"
    grant_role(user, Role.PARTICIPANT, edition=edition, actor=organiser)
    assert AuditEvent.objects.filter(action="role.granted").count() == 1  # idempotent


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(edition):
    event = AuditEvent.objects.first()
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "edition.loaded"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger: PostgreSQL lane")
def test_postgresql_refuses_edits_even_in_raw_sql(edition):
    event = AuditEvent.objects.first()
    with pytest.raises(Exception, match="cannot be edited"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE common_auditevent SET action = 'forged' WHERE id = %s", [event.pk])


def test_admin_shows_the_log_read_only(client, edition):
    organiser = create_user(username="bto", password="x-Very-long-1")
    grant_role(organiser, Role.ORGANISER, edition=edition)
    client.force_login(organiser)
    event = AuditEvent.objects.first()
    assert client.get("/admin/common/auditevent/").status_code == 200
    page = client.get(f"/admin/common/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    response = client.post(f"/admin/common/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
