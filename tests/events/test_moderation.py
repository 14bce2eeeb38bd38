"""Facilitators hide an offensive or off-topic idea at once, and may show it again: off the
phones' board, the votes (its dots given back), the console's lists and counts, the synthesis;
the organisers see who hid what in the admin."""

import html
import uuid

import pytest
from django.urls import reverse

from events.domain.facilitation import FacilitationRefused, merge_ideas
from events.domain.moderation import hide_idea, unhide_idea
from events.domain.participation import ParticipationRefused, cast_vote, join_table, post_idea
from events.enums import Phase
from events.models import Idea, Participant, Table, Vote
from events.queries_live import without_hidden
from events.reports import gather_synthesis
from territoire.enums import Role
from territoire.reports.kinds import Scope
from tests.conftest import member
from tests.events.factories import EventFactory, TableFactory

HTMX = {"HX-Request": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def seat(table: Table, name: str) -> Participant:
    return join_table(table=table, key=uuid.uuid4().hex, display_name=name)


def idea(table: Table, words: str, by: Participant | None = None) -> Idea:
    return post_idea(participant=by or seat(table, "Auteur"), text=words, client_key=uuid.uuid4())


def vote(participant: Participant, target: Idea) -> Vote:
    return cast_vote(participant=participant, idea=target, client_key=uuid.uuid4())


@pytest.fixture
def table_facilitator(cast):
    return member(cast.territory, Role.FACILITATOR, email="anim-moderation@example.org")


@pytest.fixture
def table(cast, table_facilitator):
    return TableFactory(
        event=EventFactory(territory=cast.territory),
        name="Mobilités 2",
        code="MOB2",
        facilitators=[table_facilitator],
    )


def fresh(table: Table) -> Table:
    return Table.objects.get(pk=table.pk)


# The domain -----------------------------------------------------------------------------------


def test_hiding_an_idea_gives_its_dots_back_and_lowers_every_count(table, table_facilitator):
    offensive, kept = idea(table, "Injure"), idea(table, "Un bus de nuit")
    Table.objects.filter(pk=table.pk).update(phase=Phase.VOTE)
    awa, ben = seat(table, "Awa"), seat(table, "Ben")
    vote(awa, offensive)
    vote(awa, offensive)
    vote(ben, offensive)
    vote(ben, kept)
    version = fresh(table).version

    returned = hide_idea(table=table, idea=offensive, by=table_facilitator)

    offensive.refresh_from_db()
    awa.refresh_from_db()
    ben.refresh_from_db()
    after = fresh(table)
    assert returned == 3
    assert offensive.hidden_at is not None
    assert offensive.hidden_by == table_facilitator
    assert offensive.vote_count == 0
    assert list(Vote.objects.values_list("idea_id", flat=True)) == [kept.pk]
    assert (awa.dots_left, ben.dots_left) == (3, 2)
    assert (after.idea_count, after.vote_count) == (1, 1)
    assert after.version == version + 1


def test_hiding_twice_keeps_who_hid_it_first(table, table_facilitator, cast):
    target = idea(table, "Hors sujet")
    hide_idea(table=table, idea=target, by=table_facilitator)

    returned = hide_idea(table=table, idea=Idea.objects.get(pk=target.pk), by=cast.organiser)

    target.refresh_from_db()
    assert returned == 0
    assert target.hidden_by == table_facilitator
    assert fresh(table).idea_count == 0


def test_hiding_an_idea_hides_the_duplicates_merged_into_it(table, table_facilitator):
    target, duplicate, other = idea(table, "A"), idea(table, "A bis"), idea(table, "B")
    merge_ideas(table=table, idea=duplicate, into=target, by=None)

    hide_idea(table=table, idea=target, by=table_facilitator)

    assert list(without_hidden(Idea.objects.filter(table=table))) == [other]
    assert fresh(table).idea_count == 1


def test_showing_it_again_brings_the_idea_back_without_its_former_votes(table, table_facilitator):
    target = idea(table, "Malentendu")
    Table.objects.filter(pk=table.pk).update(phase=Phase.VOTE)
    vote(seat(table, "Awa"), target)
    hide_idea(table=table, idea=target, by=table_facilitator)

    unhide_idea(table=table, idea=target, by=table_facilitator)

    target.refresh_from_db()
    assert target.hidden_at is None
    assert target.hidden_by is None
    assert target.vote_count == 0
    assert (fresh(table).idea_count, fresh(table).vote_count) == (1, 0)


def test_a_dot_on_a_hidden_idea_is_refused(table, table_facilitator):
    target = idea(table, "Retirée")
    hide_idea(table=table, idea=target, by=table_facilitator)
    Table.objects.filter(pk=table.pk).update(phase=Phase.VOTE)
    voter = seat(table, "Awa")

    with pytest.raises(ParticipationRefused) as refusal:
        vote(voter, target)

    voter.refresh_from_db()
    assert str(refusal.value) == "Cette idée a été retirée du tableau par l'animation."
    assert voter.dots_left == 3
    assert not Vote.objects.exists()


def test_hidden_ideas_cannot_be_merged(table, table_facilitator):
    hidden, visible = idea(table, "Masquée"), idea(table, "Visible")
    hide_idea(table=table, idea=hidden, by=table_facilitator)

    with pytest.raises(FacilitationRefused):
        merge_ideas(table=table, idea=visible, into=hidden, by=None)


def test_an_idea_of_another_table_cannot_be_hidden_here(table, table_facilitator):
    elsewhere = idea(TableFactory(), "Ailleurs")

    with pytest.raises(FacilitationRefused):
        hide_idea(table=table, idea=elsewhere, by=table_facilitator)

    elsewhere.refresh_from_db()
    assert elsewhere.hidden_at is None


def test_the_synthesis_counts_only_the_visible_ideas(table, table_facilitator):
    idea(table, "Gardée")
    hide_idea(table=table, idea=idea(table, "Masquée"), by=table_facilitator)

    data = gather_synthesis(Scope(territory=table.event.territory, event=table.event))

    assert data["idea_count"] == 1


# The phone ------------------------------------------------------------------------------------


def test_a_hidden_idea_leaves_the_phones_board_at_the_next_poll(
    client, table, table_facilitator, django_capture_on_commit_callbacks
):
    target = idea(table, "Propos injurieux")
    idea(table, "Une navette solidaire")
    client.post(reverse("table_join", kwargs={"code": table.code}), {"display_name": "Awa"})
    board = reverse("table_board", kwargs={"code": table.code})
    before = client.get(board, headers=HTMX)

    with django_capture_on_commit_callbacks(execute=True):
        hide_idea(table=table, idea=target, by=table_facilitator)
    after = client.get(board, headers={**HTMX, "If-None-Match": before["ETag"]})

    assert "Propos injurieux" in text(before)
    assert after.status_code == 200
    assert "Propos injurieux" not in text(after)
    assert "Une navette solidaire" in text(after)


# The console ----------------------------------------------------------------------------------


def test_the_facilitator_hides_an_idea_from_the_console(client, table, table_facilitator):
    target = idea(table, "Hors sujet total")
    client.force_login(table_facilitator)

    response = client.post(
        reverse("console_hide", kwargs={"code": table.code, "idea_id": target.pk})
    )

    target.refresh_from_db()
    assert response.status_code == 303
    assert target.hidden_by == table_facilitator
    page = text(client.get(response["Location"]))
    assert "L'idée est masquée" in page
    assert "Idées masquées" in page
    assert "Masquée par" in page
    assert "Réafficher" in page


def test_the_console_lists_hidden_ideas_apart_and_out_of_merges_and_projects(
    client, table, table_facilitator
):
    hidden = idea(table, "Texte masqué")
    idea(table, "Première visible")
    idea(table, "Seconde visible")
    hide_idea(table=table, idea=hidden, by=table_facilitator)
    client.force_login(table_facilitator)

    response = client.get(reverse("console", kwargs={"code": table.code}))

    page = text(response)
    visible_part, hidden_part = page.split("Idées masquées", 1)
    assert "Texte masqué" not in visible_part
    assert "Texte masqué" in hidden_part.split("Former un projet")[0]
    assert hidden.pk not in [visible.pk for visible in response.context["state"].ideas]
    assert f'<option value="{hidden.pk}">n°' not in page
    project_choices = [
        pk for pk, _label in response.context["project_form"].fields["ideas"].choices
    ]
    assert hidden.pk not in project_choices
    assert len(project_choices) == 2
    assert response.context["state"].idea_count == 2


def test_htmx_hide_answers_the_live_part(client, table, table_facilitator):
    target = idea(table, "Spam")
    client.force_login(table_facilitator)

    response = client.post(
        reverse("console_hide", kwargs={"code": table.code, "idea_id": target.pk}), headers=HTMX
    )

    assert response.status_code == 200
    assert 'id="console-live"' in text(response)
    assert "Idées masquées" in text(response)


def test_the_facilitator_shows_a_hidden_idea_again(client, table, table_facilitator):
    target = idea(table, "Finalement utile")
    hide_idea(table=table, idea=target, by=table_facilitator)
    client.force_login(table_facilitator)

    response = client.post(
        reverse("console_unhide", kwargs={"code": table.code, "idea_id": target.pk}), follow=True
    )

    target.refresh_from_db()
    assert target.hidden_at is None
    assert "L'idée est de nouveau au tableau." in text(response)


def test_hiding_an_unknown_idea_says_so(client, table, table_facilitator):
    client.force_login(table_facilitator)

    response = client.post(
        reverse("console_hide", kwargs={"code": table.code, "idea_id": 999999}), follow=True
    )

    assert response.status_code == 200
    assert "Cette idée n'est pas sur cette table." in text(response)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("facilitator", 403), ("organiser", 303), ("other_organiser", 403), ("coach", 403)],
)
def test_who_may_hide_an_idea(client, cast, table, role, expected):
    target = idea(table, "À modérer")
    client.force_login(getattr(cast, role))

    response = client.post(
        reverse("console_hide", kwargs={"code": table.code, "idea_id": target.pk})
    )

    target.refresh_from_db()
    assert response.status_code == expected
    assert (target.hidden_at is not None) == (expected == 303)


# The admin ------------------------------------------------------------------------------------


def test_organisers_see_who_hid_what_in_the_admin(client, cast, table, table_facilitator):
    hidden = idea(table, "Idée masquée ce soir")
    idea(table, "Idée restée au tableau")
    hide_idea(table=table, idea=hidden, by=table_facilitator)
    client.force_login(cast.organiser)

    response = client.get(reverse("admin:events_idea_changelist"), {"masquees": "oui"})

    page = text(response)
    assert response.status_code == 200
    assert "Idée masquée ce soir" in page
    assert "Idée restée au tableau" not in page
    assert str(table_facilitator) in page


def test_the_admin_action_hides_through_the_domain(client, cast, table):
    target = idea(table, "À masquer depuis l'admin")
    Table.objects.filter(pk=table.pk).update(phase=Phase.VOTE)
    voter = seat(table, "Awa")
    vote(voter, target)
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:events_idea_changelist"),
        {"action": "hide", "_selected_action": [target.pk]},
    )

    target.refresh_from_db()
    voter.refresh_from_db()
    assert response.status_code == 302
    assert target.hidden_by == cast.organiser
    assert voter.dots_left == 3
    assert fresh(table).vote_count == 0


def test_another_territorys_organiser_does_not_see_its_ideas(client, cast, table):
    idea(table, "Idée de A")
    client.force_login(cast.other_organiser)

    response = client.get(reverse("admin:events_idea_changelist"))

    assert "Idée de A" not in text(response)


def test_the_control_room_flags_a_tables_hidden_ideas_for_the_organisers(
    client, cast, table, table_facilitator
):
    hide_idea(table=table, idea=idea(table, "Spam"), by=table_facilitator)
    hide_idea(table=table, idea=idea(table, "Injure"), by=table_facilitator)
    client.force_login(cast.organiser)

    page = text(client.get(reverse("control_room", kwargs={"slug": table.event.slug})))
    listed = client.get(
        reverse("admin:events_idea_changelist"), {"masquees": "oui", "table__id__exact": table.pk}
    )

    assert "2 idées masquées" in page
    assert f"masquees=oui&table__id__exact={table.pk}" in page
    assert listed.status_code == 200
    assert "Spam" in text(listed) and "Injure" in text(listed)


@pytest.mark.parametrize("item_count", (1, 3))
def test_the_admins_idea_list_costs_the_same_whatever_the_number_of_ideas(
    client, cast, table, table_facilitator, django_assert_num_queries, item_count
):
    for number in range(item_count):
        hide_idea(
            table=table, idea=idea(table, f"Hors sujet numéro {number}"), by=table_facilitator
        )
    client.force_login(cast.organiser)

    # Session, user, the filter's events, the count, the page's ideas with their table,
    # challenge and who hid them… the same number for one idea or three.
    with django_assert_num_queries(9):
        response = client.get(reverse("admin:events_idea_changelist"), {"masquees": "oui"})

    assert response.status_code == 200
    # Each row names its idea twice: the link and its checkbox's label.
    assert text(response).count("Hors sujet numéro") == 2 * item_count
