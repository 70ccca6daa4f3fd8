from django.urls import path

from . import checker_views, views

app_name = "signlab"

urlpatterns = [
    path("thuc-hanh-ky-so/ca/hoc-so-ca-thuc-hanh.crt", views.root_certificate, name="root"),
    path("thuc-hanh-ky-so/ca/hoc-so-ca-thuc-hanh.crl", views.revocation_list, name="crl"),
    path("thuc-hanh-ky-so/chung-thu/thu-hoi/", views.certificate_revoke, name="certificate_revoke"),
    path("thuc-hanh-ky-so/<int:lesson_id>/<str:block_id>/", views.activity, name="activity"),
    path("thuc-hanh-ky-so/<int:lesson_id>/<str:block_id>/gui-ma/", views.code_request, name="code_request"),
    path("thuc-hanh-ky-so/<int:lesson_id>/<str:block_id>/ky/", views.sign, name="sign"),
    path("thuc-hanh-ky-so/<int:lesson_id>/<str:block_id>/nop-bai/", views.check_submit, name="check_submit"),
    path("thuc-hanh-ky-so/<int:lesson_id>/<str:block_id>/bo-moi/", views.check_renew, name="check_renew"),
    path("thuc-hanh-ky-so/<int:lesson_id>/<str:block_id>/tep/<str:which>/", views.document, name="document"),
    path("kiem-tra-chu-ky-so/", checker_views.checker, name="checker"),
    path("kiem-tra-chu-ky-so/<str:token>/", checker_views.checker_report, name="checker_report"),
]
