"""A stored report as a download: the file response both the reports page's and the public
pages' downloads answer."""

from django.http import FileResponse, Http404

from territoire.enums import ReportStatus
from territoire.reports.kinds import get_report_kind
from territoire.reports.models import Report


def report_file_response(report: Report, *, cache_control: str) -> FileResponse:
    """The stored PDF of a ready report as a download named after its kind (404 otherwise)."""
    if report.status != ReportStatus.READY or not report.file:
        raise Http404
    try:
        kind_stem = get_report_kind(report.kind).file_stem
    except KeyError:
        kind_stem = report.kind
    assert report.finished_at is not None  # a ready report has finished
    filename = "{}-{}-{}.pdf".format(
        kind_stem, report.territory.slug, report.finished_at.strftime("%Y%m%d-%H%M")
    )
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Content-Type"] = "application/pdf"
    response["Cache-Control"] = cache_control
    return response
