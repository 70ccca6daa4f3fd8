"""The owner's page of a background job: progress, cancel, download. 404 for anyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .models import JobStatus
from .registry import job_kind
from .selectors import job_of_owner
from .services import JobError, job_cancel
from .storage import job_storage


@login_required
def job_detail(request, job_id: int):
    job = job_of_owner(owner=request.user, job_id=job_id)
    kind = job_kind(job.kind)
    result_url = kind.result_url(job) if kind and kind.result_url and job.status == JobStatus.DONE else None
    return render(request, "jobs/job.html", {"job": job, "result_url": result_url})


@login_required
def job_download(request, job_id: int):
    job = job_of_owner(owner=request.user, job_id=job_id)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    handle = job_storage().open(job.file, "rb")
    return FileResponse(handle, as_attachment=True, filename=job.file_name, content_type=job.content_type or None)


@require_POST
@login_required
def job_cancel_view(request, job_id: int):
    job = job_of_owner(owner=request.user, job_id=job_id)
    try:
        job_cancel(actor=request.user, job=job)
    except JobError as error:
        messages.error(request, str(error))
    return redirect("job_detail", job_id=job.pk)
