"""An index in the order Vietnamese readers expect a list of people (given name, middle names,
family name, ICU Vietnamese collation): the coordinator's learner list of a province reads its first
page from it instead of sorting 100,000 names (``coordination.figures.people_ordered`` builds the
same expressions; ``tests/coordination/test_people_order_index.py`` checks PostgreSQL uses it).
PostgreSQL only: the embedded SQLite default sorts in Python."""

from django.db import migrations

CREATE = r"""
CREATE INDEX IF NOT EXISTS user_vi_name_order ON accounts_user (
    (regexp_replace(full_name, '^.*\s', '') COLLATE "vi-x-icu"),
    (regexp_replace(regexp_replace(full_name, '^\S+\s*', ''), '\s*\S+$', '') COLLATE "vi-x-icu"),
    (split_part(full_name, ' ', 1) COLLATE "vi-x-icu"),
    id
) WHERE is_active
"""
DROP = "DROP INDEX IF EXISTS user_vi_name_order"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_phone_validator")]

    operations = [migrations.RunPython(create, drop)]
