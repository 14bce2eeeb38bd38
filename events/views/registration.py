from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


event_detail = _todo
event_ics = _todo
event_register = _todo
event_register_done = _todo
ticket = _todo
ticket_qr = _todo
ticket_cancel = _todo
