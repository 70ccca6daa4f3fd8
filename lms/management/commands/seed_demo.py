"""Load demo data: a province with agencies and communes, one account per role, courses,
quizzes, learners at every stage, coordinators with assignments, and certificates.

A declared composition point (docs/architecture.md): the only foundation module besides
``lms/urls.py`` that imports the apps above it. Each app owns its demo in ``<app>/demo.py``;
this command calls them in layer order. Idempotent: running it again changes nothing that is
already there. It only enqueues background work and never waits for a worker (``make run``
starts the worker after it). Refused by production settings unless ``HOCSO_ALLOW_DEMO_DATA=1``
(``DEMO_DATA_ALLOWED``): the demo accounts' password is published.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from certificates.demo import demo_certificates_ensure
from cms.demo import demo_site_load
from coordination.demo import demo_coordination_load
from courses.demo import demo_catalogue_load
from lms.accounts.demo import DEMO_PASSWORD, demo_accounts_load
from lms.orgunits.demo import DemoDataError, demo_units_load
from lms.tasks import worker_heartbeat
from quizzes.demo import demo_learning_progress_load, demo_quizzes_load


class Command(BaseCommand):
    help = "Load idempotent demo data and print one line per demo account."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "seed_demo refuses to run with production settings: its accounts, an administrator among "
                "them, have a published password. Set HOCSO_ALLOW_DEMO_DATA=1 only for a throwaway demo "
                "or benchmark site."
            )
        with transaction.atomic():
            home = demo_site_load()
            try:
                demo_units_load()
            except DemoDataError as error:
                raise CommandError(str(error)) from error
            admin, accounts = demo_accounts_load(password=DEMO_PASSWORD)
            demo_catalogue_load(home=home)
            demo_quizzes_load()
            demo_learning_progress_load()
            accounts += demo_coordination_load(admin=admin, password=DEMO_PASSWORD)
        # Certificates for the demo completions: the issuer key and template, then enqueue only.
        demo_certificates_ensure()
        self._enqueue_heartbeat()
        for role, email in accounts:
            self.stdout.write(f"{role}: {email} / {DEMO_PASSWORD}")

    def _enqueue_heartbeat(self) -> None:
        """Queue a heartbeat so the worker proves itself as soon as it starts."""
        try:
            worker_heartbeat.apply_async(retry=False)
        except Exception as exc:  # the broker may be down; demo data is still complete
            self.stderr.write(f"Could not enqueue background work: {exc}")
