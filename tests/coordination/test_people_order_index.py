"""On PostgreSQL the learner list's first page is read from the name-order index, not sorted."""

import pytest
from django.db import connection

from coordination.figures import people_ordered
from lms.orgunits.models import Membership
from tests.coordination.conftest import member
from tests.factories import make_province_tree

pytestmark = pytest.mark.django_db


def test_the_first_page_of_learners_uses_the_name_order_index():
    if connection.vendor != "postgresql":
        pytest.skip("the index exists on PostgreSQL only (SQLite sorts in Python)")
    units = make_province_tree()
    for n in range(30):
        member(units["commune_a"], name=f"Nguyễn Văn Học {n}")
    query = people_ordered(Membership.objects.filter(end__isnull=True, user__is_active=True))[:10]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # Statistics of these rows (a reused test database holds another run's): the plan then never
        # depends on what the tables held before.
        cursor.execute(f"ANALYZE {Membership._meta.db_table}, {Membership.user.field.related_model._meta.db_table}")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index CAN serve
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "user_vi_name_order" in plan, plan
