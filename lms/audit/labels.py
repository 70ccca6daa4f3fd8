"""How the audit-log screen names actions and changed fields, in the reader's language."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "account.anonymise": _("Xoá (ẩn danh hoá) tài khoản"),
    "account.name_correct": _("Sửa họ tên"),
    "account.update": _("Cập nhật người học"),
    "assignment.cancel": _("Huỷ đợt giao khoá học"),
    "assignment.create": _("Tạo đợt giao khoá học"),
    "assignment.enrol": _("Ghi danh theo đợt giao"),
    "assignment.extend": _("Gia hạn cả đợt giao"),
    "assignment.extension": _("Gia hạn"),
    "assignment.exemption": _("Miễn"),
    "assignment.remind": _("Gửi nhắc nhở ngay"),
    "assignment.remind_sent": _("Đã gửi nhắc nhở"),
    "assignment.update": _("Sửa đợt giao khoá học"),
    "certificate.regenerate": _("Tạo lại chứng chỉ"),
    "certificate.reissue": _("Cấp lại chứng chỉ"),
    "certificate.retry": _("Thử tạo lại chứng chỉ bị lỗi"),
    "certificate.revoke": _("Thu hồi chứng chỉ"),
    "coordinator_scope.grant": _("Giao phạm vi điều phối"),
    "coordinator_scope.move": _("Chuyển phạm vi điều phối sang đơn vị kế thừa"),
    "coordinator_scope.withdraw": _("Thu hồi phạm vi điều phối"),
    "editor_role.grant": _("Giao vai trò biên tập viên"),
    "editor_role.withdraw": _("Thu hồi vai trò biên tập viên"),
    "enrollment.manual_completion": _("Ghi nhận hoàn thành (học trực tiếp)"),
    "issuer_key.compromised": _("Khoá ký bị lộ"),
    "learners.import": _("Nhập danh sách người học"),
    "membership.confirm": _("Xác nhận đơn vị"),
    "membership.decline": _("Từ chối khai báo đơn vị"),
    "membership.invitation_accept": _("Nhận lời mời vào đơn vị"),
    "membership.invitation_confirm": _("Xác nhận lời mời thay người học"),
    "membership.invitation_decline": _("Từ chối lời mời vào đơn vị"),
    "membership.invite": _("Mời vào đơn vị"),
    "membership.transfer": _("Chuyển đơn vị"),
    "orgunit.create": _("Thêm đơn vị"),
    "orgunit.merge": _("Sáp nhập đơn vị"),
    "orgunit.rename": _("Đổi tên đơn vị"),
    "orgunits.import": _("Nhập danh mục đơn vị"),
    "quiz.override": _("Ngoại lệ bài kiểm tra"),
    "quiz.regrade": _("Chấm lại câu hỏi"),
    "unit_target.set": _("Đặt chỉ tiêu hoàn thành của đơn vị"),
}

FIELD_LABELS = {
    "full_name": _("họ và tên"),
    "email": _("email"),
    "phone": _("điện thoại"),
    "learner_group": _("nhóm người học"),
    "position": _("chức vụ"),
    "unit": _("đơn vị"),
    "status": _("trạng thái"),
    "code": _("mã chứng chỉ"),
    "course": _("khoá học"),
    "due_date": _("hạn hoàn thành"),
    "exception": _("ngoại lệ"),
    "name": _("tên"),
    "valid_to": _("hiệu lực đến"),
    "successor": _("đơn vị kế thừa"),
    "title": _("tên đợt giao"),
    "plan_reference": _("căn cứ"),
    "cancelled": _("đã huỷ"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))
