from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse(status=501)


code_entry = _todo
table_join = _todo
table_board = _todo
idea_post = _todo
vote_cast = _todo
vote_withdraw = _todo
team_join = _todo
