"""On PostgreSQL the server binds the values and a query a connection runs again and again
becomes a prepared statement, planned once (decision 0015); `GIAITHUONG_PG_PREPARE_AFTER=off`
turns both off."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from giaithuong.entries import services
from giaithuong.settings import postgres_options
from tests.entries.conftest import NOW, complete_draft, new_participant

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="prepared statements are PostgreSQL's")


def test_a_query_is_prepared_after_the_given_number_of_runs():
    assert postgres_options("5") == {"server_side_binding": True, "prepare_threshold": 5}
    assert postgres_options(" 0 ") == {"server_side_binding": True, "prepare_threshold": 0}


@pytest.mark.parametrize("word", ["off", "OFF", " no ", "false", ""])
def test_off_leaves_binding_to_the_client_and_prepares_nothing(word):
    assert postgres_options(word) == {}


@pytest.mark.parametrize("value", ["soon", "-1", "2.5"])
def test_anything_else_stops_the_start_with_the_value_named(value):
    with pytest.raises(ImproperlyConfigured, match=rf"GIAITHUONG_PG_PREPARE_AFTER.*'{value}'"):
        postgres_options(value)


def database_options(**env: str) -> dict:
    """The database options the settings build in a fresh process with this environment."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "GIAITHUONG_PG_PREPARE_AFTER")}
    code = ("import json, giaithuong.settings as s; "
            "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {}), default=str))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**base, **env}, timeout=60, check=True)
    return json.loads(done.stdout)


def test_postgres_prepares_by_default_and_keeps_the_urls_own_options():
    url = "postgres://giaithuong@db.example.vn:5432/giaithuong?sslmode=require"
    assert database_options(DATABASE_URL=url) == {
        "sslmode": "require", "server_side_binding": True, "prepare_threshold": 1}
    assert database_options(DATABASE_URL=url, GIAITHUONG_PG_PREPARE_AFTER="off") == {
        "sslmode": "require"}


def test_sqlite_gets_none_of_it():
    options = database_options(GIAITHUONG_PG_PREPARE_AFTER="5")
    assert "prepare_threshold" not in options and options["transaction_mode"] == "IMMEDIATE"


@on_postgres
@pytest.mark.django_db
def test_the_submits_reads_run_as_prepared_statements(edition):
    """Participants submit a few more times than the threshold: from then on PostgreSQL plans
    none of the submit's reads again. A ROLLBACK anywhere on the path would throw every
    prepared statement away (psycopg does, since objects may have changed), so this also
    guards the path's shape."""
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    if threshold is None:
        pytest.skip("GIAITHUONG_PG_PREPARE_AFTER=off in this run")
    runs = threshold + 3
    for _ in range(runs):
        owner = new_participant(edition)
        entry = complete_draft(owner, edition)
        services.submit_entry(entry, owner, str(uuid.uuid4()), now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans "
                       "FROM pg_prepared_statements")
        prepared = cursor.fetchall()
    for read in ('FROM "entries_entry" e JOIN "editions_edition" ed',  # the locked entry
                 'FROM "entries_entryauthor" a LEFT JOIN',  # its authors
                 'FROM "entries_submitkey" k',  # an earlier answer to the key
                 'FROM "accounts_rolegrant" g JOIN'):  # the edition's jurors and organisers
        executions = [count for statement, count in prepared if read in statement]
        assert executions and executions[0] >= runs - threshold, (read, prepared)
