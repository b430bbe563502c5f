"""Writing the audit log. Services call `record` inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from giaithuong.common import plain_sql
from giaithuong.common.models import AuditEvent


def record(
    action: str,
    *,
    actor=None,
    target: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    ip_address: str | None = None,
) -> AuditEvent:
    actor_label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = actor.get_username()
    else:
        actor = None
        actor_label = "system"
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=actor_label,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        before=before,
        after=after,
        ip_address=ip_address,
    )
    # Written out: every state change writes one, and the ORM's INSERT cost three times
    # the database's time (decision 0014). AuditEvent.save() only refuses edits.
    plain_sql.insert(event)
    return event
