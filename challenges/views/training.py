from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


training_list = training_respond = training_attendance = kit_index = kit_detail = _todo
