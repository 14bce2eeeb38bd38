from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


challenge_list = challenge_detail = contribution_create = signup = signup_thanks = _todo
signup_confirm = _todo
