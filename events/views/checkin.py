from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


desk = _todo
walk_in = _todo
count = _todo
