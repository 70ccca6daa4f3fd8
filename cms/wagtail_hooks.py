"""Admin wiring for every page type: no page is created by autosave."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from wagtail import hooks


@hooks.register("before_create_page")
def refuse_autosave_on_create(request, parent_page, page_class):
    """A page is created only by the editor's own "Lưu bản nháp" or "Xuất bản".

    Wagtail's autosave posts the create form in the background (``Accept: application/json``)
    and would create the page from whatever was typed so far. ``templates/wagtailadmin/pages/
    create.html`` turns autosave off on that form; this refuses the request from a form loaded
    before, without creating anything (Wagtail shows the message as the autosave error).
    """
    if request.method == "POST" and not request.accepts("text/html"):
        message = _("Trang mới chưa được tự động lưu: trang chỉ được tạo khi bạn lưu bản nháp hoặc xuất bản.")
        return JsonResponse({"success": False, "error_code": "blocked_by_hook", "error_message": message}, status=400)
    return None
