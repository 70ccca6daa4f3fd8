"""List accounts whose stored name cannot be printed on a certificate (to correct before they finish)."""

from django.core.management.base import BaseCommand
from django.urls import reverse

from lms.accounts.selectors import users_with_unprintable_names
from lms.public_urls import public_url


class Command(BaseCommand):
    help = "List accounts whose name cannot be printed on a certificate, with the reason and the correction screen."

    def handle(self, *args, **options):
        count = 0
        for user, problem in users_with_unprintable_names():
            count += 1
            link = public_url(reverse("lms_name_correct", args=[user.pk]))
            self.stdout.write(f"{user.pk}\t{user.email}\t{user.full_name!r}\t{problem}\t{link}")
        self.stderr.write(f"{count}")
        return None
