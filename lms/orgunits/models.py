from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from lms.signed_in_page_cache import LearnerStateQuerySet


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    AGENCY = "agency", _("Cơ quan, đơn vị")
    DIVISION = "division", _("Phòng, ban")
    LEGACY_DISTRICT = "legacy_district", _("Quận, huyện (trước 1/7/2025)")


class OrgUnit(MP_Node):
    """An organisational unit ("đơn vị") in a tree of any depth.

    The materialised path makes "this unit and everything under it" one
    indexed prefix query. Codes are text ("01", "00004") and may be reused by
    a successor after a merge, so a code is unique only among units valid on
    the same date: checked by the services and, on PostgreSQL, by an exclusion
    constraint (migration 0002).
    """

    code = models.CharField(_("mã"), max_length=32, db_index=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=32, choices=UnitKind.choices)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="orgunit_valid_range",
            ),
            # At most one open-ended unit per code, on every database.
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_to__isnull=True), name="orgunit_code_current_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class MembershipSource(models.TextChoices):
    SELF = "self", _("Tự khai báo")
    IMPORT = "import", _("Nhập từ danh sách")
    COORDINATOR = "coordinator", _("Điều phối viên ghi nhận")


class Membership(models.Model):
    """A learner belongs to a unit from ``start`` until ``end`` (dated history).

    A self-declared membership stays *pending* (unconfirmed) until a coordinator of that unit
    confirms it or the learner accepts an invitation; meanwhile the learner's confirmed
    membership stays current, so nobody moves a learner out of a unit by declaring it for them.
    A user has at most one open confirmed membership and one open pending one.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=16, choices=MembershipSource.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("xác nhận bởi"),
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    objects = LearnerStateQuerySet.as_manager()  # set-based writes retire learners' pages

    class Meta:
        verbose_name = _("thành viên đơn vị")
        verbose_name_plural = _("thành viên đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(end__isnull=True, confirmed_at__isnull=False),
                name="membership_one_confirmed_current",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(end__isnull=True, confirmed_at__isnull=True),
                name="membership_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class CoordinatorScope(models.Model):
    """A coordinator acts on the learners of ``unit`` and every unit below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_scopes")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="coordinator_scopes")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phạm vi điều phối")
        verbose_name_plural = _("phạm vi điều phối")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="coordinator_scope_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"


class MembershipInvitation(models.Model):
    """An invitation to join ``unit``, e-mailed to the person who owns ``user``'s address.

    A coordinator never moves or renames an account that is not already a confirmed member of
    their scope: an import or an assignment naming any other address (a new one, or one whose
    account lives elsewhere) becomes an invitation — the same outcome either way, so nothing tells
    the coordinator whether an address is registered. The membership changes only when the person
    accepts from the e-mailed link (or an administrator confirms it).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_invitations")
    email = models.EmailField(_("email"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("đơn vị"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("người mời")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the higher app that invited wants done on acceptance (e.g. {"assignment": 12}).
    context = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("lời mời vào đơn vị")
        verbose_name_plural = _("lời mời vào đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=Q(accepted_at__isnull=True, declined_at__isnull=True),
                name="invitation_one_open_per_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.declined_at is None and self.expires_at > timezone.now()
