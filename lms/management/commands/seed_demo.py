"""Load demo data: a province with agencies and communes, one account per role.

Idempotent: running it again changes nothing that is already there. It only
enqueues background work and returns; it never waits for a worker (``make
run`` starts the worker after it).
"""

from pathlib import Path

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from certificates.demo import demo_certificates_ensure
from cms.models import SiteSettings
from cms.services import site_home_ensure
from courses.demo import demo_catalogue_load, demo_course_files
from courses.models import CoursePage
from courses.selectors import course_outline
from courses.services import enrollment_create, lesson_complete
from lms.accounts.models import LearnerGroup, Position, User
from lms.accounts.services import editor_role_grant
from lms.coordination.demo import demo_coordination_load
from lms.orgunits.importing import org_units_import_csv
from lms.orgunits.models import Membership, MembershipSource, OrgUnit
from lms.orgunits.selectors import org_unit_by_code
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from quizzes.demo import demo_attempt_pass, demo_quizzes_load
from quizzes.models import Attempt, QuizPage

DEMO_UNITS = Path(__file__).resolve().parents[2] / "demo" / "demo_units.csv"
DEMO_PASSWORD = "HocSo@2026"

# role, email, full name, unit code, learner group, position, coordinator scope code
DEMO_ACCOUNTS = [
    (
        "administrator",
        "admin@hocso.local",
        "Quản Trị Viên",
        "24.SKHCN.TTCNTT",
        LearnerGroup.VIEN_CHUC,
        Position.CHUYEN_VIEN,
        None,
    ),
    (
        "editor",
        "bientap@hocso.local",
        "Nguyễn Thị Biên Tập",
        "24.SKHCN.CDS",
        LearnerGroup.CONG_CHUC,
        Position.CHUYEN_VIEN,
        None,
    ),
    (
        "coordinator (province)",
        "dieuphoi.tinh@hocso.local",
        "Trần Văn Điều Phối",
        "24.SNV.CCVC",
        LearnerGroup.CONG_CHUC,
        Position.CHUYEN_VIEN,
        "24",
    ),
    (
        "coordinator (commune)",
        "dieuphoi.xa@hocso.local",
        "Lê Thị Hoà",
        "09325",
        LearnerGroup.CONG_CHUC,
        Position.MOT_CUA,
        "09325",
    ),
    (
        "learner (civil servant)",
        "hocvien@hocso.local",
        "Phạm Minh Đức",
        "24.STP.HCTP",
        LearnerGroup.CONG_CHUC,
        Position.VAN_THU,
        None,
    ),
    ("learner (citizen)", "nguoidan@hocso.local", "Đỗ Thị Thuỷ", "09367", LearnerGroup.NGUOI_DAN, "", None),
]


# learner e-mail, demo course id, lessons done ("all" completes the course)
DEMO_PROGRESS = [
    ("hocvien@hocso.local", 1, 2),
    ("hocvien@hocso.local", 3, "all"),
    ("nguoidan@hocso.local", 5, 1),
    ("nguoidan@hocso.local", 4, 3),
    ("dieuphoi.xa@hocso.local", 6, "all"),
]


def demo_slug(course_id: int) -> str | None:
    for data in demo_course_files():
        if data["id"] == course_id:
            return data["slug"]
    return None


class Command(BaseCommand):
    help = "Load idempotent demo data and print one line per demo account."

    def handle(self, *args, **options):
        with transaction.atomic():
            home = self._site()
            self._units()
            accounts = self._accounts()
            demo_catalogue_load(home=home)
            demo_quizzes_load()
            self._learning_progress()
            accounts += demo_coordination_load(
                admin=User.objects.get(email="admin@hocso.local"), password=DEMO_PASSWORD
            )
        # Certificates for the demo completions: the issuer key and template, then enqueue only.
        demo_certificates_ensure()
        self._enqueue_background_work()
        for role, email in accounts:
            self.stdout.write(f"{role}: {email} / {DEMO_PASSWORD}")

    def _site(self) -> None:
        home = site_home_ensure()
        site = Site.objects.get(is_default_site=True)
        site_settings = SiteSettings.for_site(site)
        if not site_settings.contact_organisation:
            site_settings.contact_organisation = "Sở Khoa học và Công nghệ tỉnh Bắc Ninh (dữ liệu minh hoạ)"
            site_settings.contact_address = "Số 1 đường Lý Thái Tổ, phường Kinh Bắc"
            site_settings.contact_phone = "0222 3 800 000"
            site_settings.contact_email = "hotro@hocso.local"
            site_settings.save()
        if not home.hero_text:
            home.hero_text = (
                "<p>Khoá học ngắn, miễn phí về <b>dịch vụ công trực tuyến</b>, <b>chữ ký số</b>, "
                "<b>văn phòng điện tử</b> và <b>an toàn thông tin</b> — học trên điện thoại, "
                "mọi lúc, có chứng chỉ khi hoàn thành.</p>"
            )
            home.save_revision().publish()
        return home

    def _units(self) -> None:
        result = org_units_import_csv(data=DEMO_UNITS.read_bytes(), source_name="seed_demo")
        if not result.ok:
            raise CommandError("\n".join(str(error) for error in result.errors))
        legacy = OrgUnit.objects.filter(code="262").first()
        successor = org_unit_by_code(code="09325")
        if legacy and successor and legacy.successor_id != successor.pk:
            legacy.successor = successor
            legacy.save(update_fields=["successor"])

    def _accounts(self) -> list[tuple[str, str]]:
        admin = None
        printed = []
        for role, email, full_name, unit_code, group, position, scope_code in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    full_name=full_name,
                    learner_group=group,
                    position=position,
                    consent_at=timezone.now(),
                    is_staff=role == "administrator",
                    is_superuser=role == "administrator",
                )
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            unit = org_unit_by_code(code=unit_code)
            if not Membership.objects.filter(user=user, end__isnull=True).exists():
                membership = membership_declare(user=user, unit=unit, source=MembershipSource.IMPORT)
                membership.confirmed_at = timezone.now()
                membership.save(update_fields=["confirmed_at"])
            if role == "administrator":
                admin = user
            if role == "editor":
                editor_role_grant(actor=admin, user=user, reason="seed_demo")
            if scope_code:
                coordinator_scope_grant(
                    actor=admin, user=user, unit=org_unit_by_code(code=scope_code), reason="seed_demo"
                )
            printed.append((role, email))
        return printed

    def _learning_progress(self) -> None:
        """Demo learners at different stages (idempotent: services ignore repeats)."""
        for email, course_number, lessons_done in DEMO_PROGRESS:
            user = User.objects.get(email=email)
            course = CoursePage.objects.filter(slug=demo_slug(course_number)).first()
            if course is None:
                continue
            enrollment_create(user=user, course=course)
            outline = course_outline(course)
            count = len(outline.lessons) if lessons_done == "all" else lessons_done
            for lesson in outline.lessons[:count]:
                if lesson.specific_class is QuizPage:
                    quiz = QuizPage.objects.get(pk=lesson.pk)
                    if not Attempt.objects.filter(user=user, quiz=quiz, passed=True).exists():
                        demo_attempt_pass(user=user, quiz=quiz)
                    continue
                lesson_complete(user=user, lesson=lesson)

    def _enqueue_background_work(self) -> None:
        """Queue a heartbeat so the worker proves itself as soon as it starts."""
        from lms.tasks import worker_heartbeat

        try:
            worker_heartbeat.apply_async(retry=False)
        except Exception as exc:  # the broker may be down; demo data is still complete
            self.stderr.write(f"Could not enqueue background work: {exc}")
