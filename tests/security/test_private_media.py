"""Private files are never served by URL: a document of a private collection and a certificate's
seal and signature are 404/403 at every address a visitor can guess, while public renditions and
public documents still work (through Wagtail's document view, not /media/)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction

from certificates.assets import certificate_template_prepare, template_assets
from certificates.models import CertificateTemplate
from certificates.storage import certificate_storage

pytestmark = pytest.mark.django_db


def root():
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def image(title, collection=None, size=(600, 600)) -> Image:
    data = io.BytesIO()
    PILImage.effect_noise(size, 60).convert("RGB").save(data, format="PNG")
    return Image.objects.create(
        title=title, collection=collection or root(), file=ImageFile(io.BytesIO(data.getvalue()), name=f"{title}.png")
    )


def private_collection():
    collection = root().add_child(name="Nội bộ")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=CollectionViewRestriction.LOGIN)
    return collection


def document(title, collection):
    return get_document_model().objects.create(
        title=title, collection=collection, file=ContentFile(b"%PDF-1.4 noi bo", name=f"{title}.pdf")
    )


def test_documents_are_served_only_through_wagtails_view_with_collection_privacy(client, learner):
    public = document("cong-khai", root())
    private = document("noi-bo", private_collection())
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert public.url.startswith("/documents/") and private.url.startswith("/documents/")
    assert client.get(public.url).status_code == 200
    response = client.get(private.url)
    assert response.status_code == 302 and "/login/" in response["Location"]  # the login restriction
    for doc in (public, private):
        assert client.get(f"/media/{doc.file.name}").status_code == 404  # never by its file's address
    client.force_login(learner)
    assert client.get(private.url).status_code == 200  # the restriction is "signed in"


def test_the_seal_and_signature_are_never_served_to_the_public(client, admin_user):
    seal, signature, photo = image("con-dau"), image("chu-ky"), image("anh-bai-hoc")
    template = CertificateTemplate.objects.create(name="Mẫu", seal_image=seal, signature_image=signature)
    certificate_template_prepare(template=template)
    template.refresh_from_db()

    # The prepared images the PDF embeds: private storage, outside MEDIA_ROOT, no URL.
    for field in (template.prepared_seal, template.prepared_signature):
        assert field.storage is certificate_storage()
        path = Path(field.path).resolve()
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert client.get(f"/media/{field.name}").status_code == 404
    assert template_assets(template).seal  # the renderer still reads them

    # The originals, and renditions of the seal and signature: not for visitors.
    thumbnails = [seal.get_rendition("max-165x165"), signature.get_rendition("max-165x165")]
    public_thumbnail = photo.get_rendition("max-165x165")
    for original in (seal, signature, photo):
        assert client.get(f"/media/{original.file.name}").status_code == 404
    for rendition in thumbnails:
        assert rendition.url.startswith("/media/images/")
        assert client.get(rendition.url).status_code == 404
    assert client.get(public_thumbnail.url).status_code == 200  # public renditions still work
    client.force_login(admin_user)  # the admin's chooser still shows them
    assert all(client.get(rendition.url).status_code == 200 for rendition in thumbnails)


def test_a_private_collections_image_is_served_to_staff_only(client, learner, admin_user):
    rendition = image("noi-bo", private_collection()).get_rendition("max-165x165")
    assert client.get(rendition.url).status_code == 404
    client.force_login(learner)
    assert client.get(rendition.url).status_code == 404
    client.force_login(admin_user)
    assert client.get(rendition.url).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["../lms/settings/base.py", "images/../../manage.py", "certificates/", "jobs/", "original_images/", "documents/"],
)
def test_nothing_outside_renditions_is_reachable(client, path):
    assert client.get(f"/media/{path}").status_code == 404
