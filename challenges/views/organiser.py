from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


mobilisation_board = signups_csv = volunteers_invite = contribution_hide = _todo
