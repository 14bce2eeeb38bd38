"""The challenges in the territory's open data, registered from ``ChallengesConfig.ready()``."""

from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from challenges.enums import ChallengeStatus
from challenges.models import Challenge
from territoire.impact.registry import Column, OpenDataset, register_open_dataset
from territoire.models import Territory

CHALLENGE_COLUMNS = (
    Column("titre", _("titre"), description=_("Le défi.")),
    Column("identifiant", _("identifiant"), description=_("Son identifiant dans l'adresse.")),
    Column("page", _("page web"), description=_("Sa page publique.")),
    Column("question", _("question posée"), description=_("La question que pose le défi.")),
    Column("domaine", _("domaine"), description=_("Son domaine (santé, emploi, logement…).")),
    Column("statut", _("statut"), description=_("Ouvert aux contributions ou clos.")),
)


def challenge_rows(territory: Territory) -> Iterator[tuple]:
    """The territory's public challenges (never a draft), in the organisers' order; one query."""
    statuses = dict(ChallengeStatus.choices)
    challenges = (
        Challenge.objects.filter(territory=territory)
        .exclude(status=ChallengeStatus.DRAFT)
        .order_by("order", "title", "pk")
        .values_list("title", "slug", "question", "domain__name", "status")
    )
    for title, slug, question, domain, status in challenges.iterator():
        path = reverse("challenge_detail", kwargs={"territory_slug": territory.slug, "slug": slug})
        yield (title, slug, settings.SITE_URL + path, question, domain, statuses[status])


register_open_dataset(
    OpenDataset(
        key="defis",
        title=_("Défis"),
        description=_("Les questions que le territoire s'est posées, et leur domaine."),
        columns=CHALLENGE_COLUMNS,
        rows=challenge_rows,
        order=10,
    )
)
