"""With a real worker process: an upload is checked end to end through the broker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from signlab import cases
from signlab.models import SignatureCheck, SignatureCheckStatus
from signlab.validation import VERDICT_LABELS, Verdict
from tests.fixtures.worker import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.mark.embedded
def test_an_upload_is_checked_by_the_worker_and_its_bytes_are_dropped(celery_worker_process, client):
    document = next(d for d in cases.check_set_generate(drafter="Phan Thị Thu") if d.case == Verdict.REVOKED)
    upload = SimpleUploadedFile(document.file_name, document.pdf, content_type="application/pdf")
    response = client.post("/kiem-tra-chu-ky-so/", {"document": upload})
    assert response.status_code == 302
    check = SignatureCheck.objects.get()
    assert check.enqueued_at is not None  # published on commit
    done = wait_for(
        lambda: SignatureCheck.objects.filter(pk=check.pk, status=SignatureCheckStatus.DONE).first(), timeout=120
    )
    assert done is not None, celery_worker_process.log_text()[-3000:]
    assert done.upload is None and done.report["verdict"] == Verdict.REVOKED
    body = client.get(response["Location"]).content.decode()
    assert str(VERDICT_LABELS[Verdict.REVOKED]) in body and "Đang kiểm tra" not in body
