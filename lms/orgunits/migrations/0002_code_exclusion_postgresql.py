"""On PostgreSQL, make overlapping use of one code impossible in the database.

A code is unique among units valid on the same date (a merged unit may reuse
its predecessor's code afterwards). SQLite has no exclusion constraints, so
there the services' check (under SQLite's single writer) is the guard.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE orgunits_orgunit ADD CONSTRAINT orgunit_code_no_overlap
    EXCLUDE USING gist (code WITH =, daterange(valid_from, valid_to, '[]') WITH &&);
"""
DROP = "ALTER TABLE orgunits_orgunit DROP CONSTRAINT IF EXISTS orgunit_code_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("orgunits", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
