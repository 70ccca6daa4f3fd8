from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.verify, name="certificate_verify_form"),
    path("verify/credential/", views.verify_credential, name="credential_verify"),
    path("verify/<str:code>/", views.verify_code, name="certificate_verify"),
    path("learn/certificates/", views.my_certificates, name="my_certificates"),
    path("learn/certificates/<str:code>/status/", views.certificate_status, name="certificate_status"),
    path("certificates/manage/", views.manage_list, name="certificate_manage_list"),
    path("certificates/<str:code>/download/", views.download, name="certificate_download"),
    path("certificates/<str:code>/manage/", views.manage, name="certificate_manage"),
    path(".well-known/jwks.json", views.jwks, name="credential_jwks"),
    path(".well-known/did.json", views.did_json, name="credential_did"),
    path("learn/certificates/<str:code>/open-badges.<str:fmt>", views.credential_download, name="credential_download"),
    path("credentials/<uuid:public_id>/", views.credential_public, name="credential_public"),
    path("credentials/status/<int:status_list>", views.credential_status_list, name="credential_status_list"),
]
