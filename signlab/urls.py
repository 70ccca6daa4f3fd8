from django.urls import path

from . import views

app_name = "signlab"

urlpatterns = [
    path("thuc-hanh-ky-so/ca/hoc-so-ca-thuc-hanh.crt", views.root_certificate, name="root"),
    path("thuc-hanh-ky-so/ca/hoc-so-ca-thuc-hanh.crl", views.revocation_list, name="crl"),
]
