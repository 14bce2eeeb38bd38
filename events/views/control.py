from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


plenary = _todo
plenary_live = _todo
control_room = _todo
control_live = _todo
control_phase = _todo
control_redirect = _todo
