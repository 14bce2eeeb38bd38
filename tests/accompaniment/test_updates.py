import datetime

import pytest

from accompaniment.domain.errors import Refused
from accompaniment.domain.updates import post_update, send_public_news
from accompaniment.models import ProjectUpdate
from tests.accompaniment.conftest import TODAY, space_url
from tests.accompaniment.factories import ProjectUpdateFactory
from tests.projects.factories import ProjectFollowerFactory


def test_one_update_per_month(cast):
    post_update(
        project=cast.project,
        month=datetime.date(2026, 10, 17),
        text="Octobre",
        is_public=False,
        by=cast.team_member,
        today=TODAY,
    )

    with pytest.raises(Refused, match="déjà été publié"):
        post_update(
            project=cast.project,
            month=datetime.date(2026, 10, 1),
            text="Encore",
            is_public=False,
            by=cast.team_member,
            today=TODAY,
        )
    with pytest.raises(Refused, match="pas encore commencé"):
        post_update(
            project=cast.project,
            month=datetime.date(2027, 1, 1),
            text="Futur",
            is_public=False,
            by=cast.team_member,
            today=TODAY,
        )
    assert list(ProjectUpdate.objects.values_list("month", flat=True)) == [
        datetime.date(2026, 10, 1)
    ]


def test_public_news_go_once_to_confirmed_followers(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    ProjectFollowerFactory(project=cast.project, email="suit@example.org")
    ProjectFollowerFactory(
        project=cast.project, email="pas-confirme@example.org", confirmed_at=None
    )
    update = ProjectUpdateFactory(project=cast.project, is_public=True, text="Le bus roule !")

    with django_capture_on_commit_callbacks(execute=True):
        assert send_public_news(update=update) == 1
        assert send_public_news(update=update) == 0

    assert [m.to for m in mailoutbox] == [["suit@example.org"]]
    assert "Le bus roule !" in mailoutbox[0].body
    update.refresh_from_db()
    assert update.news_sent_at is not None


def test_private_update_sends_nothing(cast, mailoutbox):
    ProjectFollowerFactory(project=cast.project)
    update = ProjectUpdateFactory(project=cast.project, is_public=False)

    assert send_public_news(update=update) == 0
    assert mailoutbox == []


def test_update_page_posts_the_month_and_refuses_a_second(client, cast):
    client.force_login(cast.team_member)
    url = space_url(cast.project, "update_list")
    form = {"month": "2026-10", "text": "Première tournée", "is_public": "on"}

    first = client.post(url, form)
    second = client.post(url, form | {"text": "Deuxième essai"})

    assert first.status_code == 302
    assert second.status_code == 200
    assert "déjà été publié" in second.text
    assert "Deuxième essai" in second.text
    assert ProjectUpdate.objects.get().is_public is True


def test_officials_read_updates_but_cannot_post(client, cast):
    ProjectUpdateFactory(project=cast.project, text="Nouvelles d'octobre")
    client.force_login(cast.official)
    url = space_url(cast.project, "update_list")

    assert "Nouvelles d&#x27;octobre" in client.get(url).text
    assert client.post(url, {"month": "2026-09", "text": "x"}).status_code == 403
    assert ProjectUpdate.objects.count() == 1


def test_script_in_an_update_is_shown_as_text(client, cast):
    ProjectUpdateFactory(project=cast.project, text="<script>alert('x')</script>Bonjour")
    client.force_login(cast.team_member)

    response = client.get(space_url(cast.project, "update_list"))

    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;Bonjour" in response.text
