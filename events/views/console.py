from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


console = _todo
console_live = _todo
merge = _todo
theme = _todo
phase = _todo
project = _todo
synthesis = _todo
