"""fanout_100k, coverage_root, coverage_ward: the letter cascade at national size.

The tree: a central body → the 34 provinces → their 3,321 wards (the 2025 administrative units
from `vietnam-provinces`) → 30 residential groups per ward: about 103,000 units. One letter from
the top addressed to the provinces and everything below them is issued (timed: all deliveries and
progress rows created); then 30 % of units acknowledge and 10 % report, and the coverage roll-up
is timed for the top unit and for one ward. Runs on SQLite and on PostgreSQL, each in a process
of its own (BENCH_DATABASE_URL, default the machine's local server).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _harness import report, results, setup_django  # noqa: E402

GROUPS_PER_WARD = 30
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"


def build_tree():
    import vietnam_provinces

    from giaithuong.directives.models import OrganisationUnit, UnitKind

    data = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text())
    units, next_id = [], 1

    def add(name, kind, parent_path, seat, depth):
        nonlocal next_id
        pk, next_id = next_id, next_id + 1
        path = f"{parent_path}{pk}/"
        units.append(OrganisationUnit(pk=pk, name=name, kind=kind, seat=seat, path=path,
                                      depth=depth, code="MTTQ-BTT"))
        return path

    top = add("Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam", UnitKind.FRONT, "/", "Hà Nội", 0)
    province_ids = []
    for province in data:
        province_ids.append(next_id)
        p_path = add(f"Ban Thường trực Ủy ban MTTQ {province['name']}", UnitKind.FRONT, top,
                     province["name"], 1)
        for ward in province["wards"]:
            w_path = add(f"Ban Thường trực Ủy ban MTTQ {ward['name']}", UnitKind.FRONT, p_path,
                         ward["name"], 2)
            for n in range(1, GROUPS_PER_WARD + 1):
                add(f"Ban Công tác Mặt trận Tổ dân phố số {n}, {ward['name']}",
                    UnitKind.RESIDENTIAL, w_path, ward["name"], 3)
    # Parents by path, set after creation in one pass.
    by_path = {u.path: u.pk for u in units}
    for unit in units:
        parent_path = unit.path[: unit.path[:-1].rfind("/") + 1]
        unit.parent_id = by_path.get(parent_path)
    OrganisationUnit.objects.bulk_create(units, batch_size=5000)
    return units[0], province_ids, len(units)


def run_one(label: str) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from giaithuong.accounts.roles import Role
    from giaithuong.accounts.services import create_user, grant_role
    from giaithuong.directives import letters
    from giaithuong.directives.models import CascadeProgress, Delivery, OrganisationUnit
    from giaithuong.directives.selectors import coverage

    start = time.perf_counter()
    top, province_ids, total = build_tree()
    print(f"  [{label}] tree of {total:,} units built in {time.perf_counter() - start:.1f} s")
    actor = create_user(username="bench", password="x-Very-long-1")
    grant_role(actor, Role.UNIT_OFFICER, unit=top)
    draft = letters.create_draft(
        actor=actor, issuer=top, symbol="MTTW-BTT", address_subtree=True,
        subject="thông tin, tuyên truyền, hưởng ứng, tham gia Giải thưởng toàn quốc về thông "
                "tin đối ngoại lần thứ XII",
        addressee_units=OrganisationUnit.objects.filter(pk__in=province_ids),
        due_date=dt.date(2026, 7, 15))
    start = time.perf_counter()
    issued = letters.issue_letter(draft, actor=actor, on=dt.date(2026, 6, 8))
    fanout = time.perf_counter() - start
    deliveries = Delivery.objects.filter(letter=issued).count()
    print(f"  [{label}] {deliveries:,} deliveries in {fanout:.2f} s")
    report(f"fanout_100k_{label}", fanout, "s", "<=", 10)

    # 30 % acknowledged, 10 % reported, spread over the tree.
    now = time.time()
    from django.utils import timezone

    stamp = timezone.make_aware(dt.datetime.fromtimestamp(now))
    rows = CascadeProgress.objects.filter(cascade_root=issued)
    rows.filter(unit_id__in=[pk for pk in range(1, total + 1) if pk % 10 < 3]).update(
        acknowledged_at=stamp)
    rows.filter(unit_id__in=[pk for pk in range(1, total + 1) if pk % 10 == 0]).update(
        reported_at=stamp, audience=40)

    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: fresh statistics for the planner.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def median_ms(unit, repeat):
        times = []
        for _ in range(repeat):
            begin = time.perf_counter()
            cov = coverage(unit, issued)
            times.append((time.perf_counter() - begin) * 1000)
        return statistics.median(times), cov

    root_ms, cov = median_ms(top, 7)
    totals = cov.totals
    print(f"  [{label}] root roll-up: {totals.units:,} units, {totals.received:,} received, "
          f"{totals.acknowledged:,} acknowledged, {totals.reported:,} reported, "
          f"{totals.audience:,} people")
    report(f"coverage_root_{label}", root_ms, "ms", "<=", 300)
    ward = OrganisationUnit.objects.filter(depth=2).order_by("pk")[1500]
    ward_ms, cov = median_ms(ward, 21)
    print(f"  [{label}] ward roll-up ({ward.seat}): {cov.totals.units} units")
    report(f"coverage_ward_{label}", ward_ms, "ms", "<=", 20)


def postgres_url() -> str | None:
    base = os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
    name = f"giaithuong_bench_{os.getpid()}"
    admin = base.rsplit("/", 1)[0] + "/postgres"
    try:
        import psycopg

        with psycopg.connect(admin.replace("postgres://", "postgresql://"),
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # reported as a failed figure, never skipped
        print(f"  PostgreSQL unreachable at {admin}: {exc}")
        return None
    return base.rsplit("/", 1)[0] + "/" + name


def drop_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    label = os.environ.get("BENCH_CASCADE_DB")
    if label:
        setup_django(os.environ.get("DATABASE_URL"))
        run_one(label)
        return 0 if all(results) else 1
    failed = False
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "GIAITHUONG_VAR_DIR": var, "BENCH_CASCADE_DB": "sqlite"}
        env.pop("DATABASE_URL", None)
        failed |= subprocess.run([sys.executable, __file__], env=env, check=False).returncode != 0
        url = postgres_url()
        if url is None:
            for name, unit, op, target in (("fanout_100k_postgresql", "s", "<=", 10),):
                report(name, float("inf"), unit, op, target)
            failed = True
        else:
            env = {**env, "BENCH_CASCADE_DB": "postgresql", "DATABASE_URL": url}
            try:
                failed |= subprocess.run([sys.executable, __file__], env=env,
                                         check=False).returncode != 0
            finally:
                drop_postgres(url)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
