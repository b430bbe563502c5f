"""On PostgreSQL the audit log refuses UPDATE and DELETE in the database itself."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION common_auditevent_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'The audit log cannot be edited.';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER common_auditevent_append_only
  BEFORE UPDATE OR DELETE ON common_auditevent
  FOR EACH ROW EXECUTE FUNCTION common_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS common_auditevent_append_only ON common_auditevent;
DROP FUNCTION IF EXISTS common_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
