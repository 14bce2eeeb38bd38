"""The synthesis of debates, read back from the PDF it renders (pypdf for the text, pypdfium2
for the pixels). Two renders for the whole module: a full evening, and one with nothing written."""

import datetime
import io
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from events.further_reading import ReadingLink, parse_further_reading
from events.models import Event
from events.reports import gather_synthesis
from territoire.reports.kinds import Scope, get_report_kind
from territoire.reports.render import build_pdf, render_html
from tests.challenges.factories import ChallengeFactory
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    QuoteFactory,
    RegistrationFactory,
    SynthesisContributionFactory,
    TableFactory,
)
from tests.factories import DomainFactory, OrganisationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db  # the module's renders need the test database set up

PARIS = ZoneInfo("Europe/Paris")
LONG_WORD = "https://exemple.org/" + "sansespace" * 40
SCRIPT = '<script>alert("x")</script>'


def _long_text() -> str:
    sentence = (
        "Les seniors éloignés du numérique doivent retrouver leur place dans la ville, "
        "avec les associations du quartier et le réseau de confiance. "
    )
    ending = f" {LONG_WORD}\n\nDernière phrase de Hélène."
    body = (sentence * 40)[: 5000 - len(ending)]
    return body + ending


def _plain(text: str) -> str:
    """Text with every run of spaces (non-breaking ones included) as one space, and the
    typographic apostrophe as a straight one (pypdf may read a space after it)."""
    return " ".join(text.split()).replace("\u2019 ", "\u2019").replace("\u2019", "'")


@dataclass
class Rendered:
    content: bytes
    page_count: int
    pages: list[str]
    html: str
    event_url: str

    @property
    def text(self) -> str:
        return _plain(" ".join(self.pages))


def _render(event: Event) -> Rendered:
    kind = get_report_kind("synthesis")
    scope = Scope(territory=event.territory, event=event)
    pdf = build_pdf(kind, scope)
    html, _ms = render_html(kind, scope, language="fr")
    reader = PdfReader(io.BytesIO(pdf.content))
    return Rendered(
        content=pdf.content,
        page_count=pdf.page_count,
        pages=[page.extract_text() for page in reader.pages],
        html=html,
        event_url=reverse("event_detail", kwargs={"slug": event.slug}),
    )


def _full_evening() -> Event:
    territory = TerritoryFactory(name="Métropole lilloise", slug="metropole-lilloise-test")
    event = EventFactory(
        territory=territory,
        title="Co-créons la ville de demain",
        venue="Vélodrome couvert",
        address="Rue de l'Alma, Roubaix",
        starts_at=datetime.datetime(2026, 6, 4, 18, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 6, 5, 0, tzinfo=PARIS),
        synthesis_introduction="Comment imaginer de nouvelles dynamiques ?\n\nTrois thèmes.",
        further_reading="SoBizHub | https://www.sobizhub.org\nwww.ville-roubaix.fr",
    )
    event.partners.set([OrganisationFactory(territory=territory, name="Humanis")])
    seniors = TableFactory(
        event=event,
        name="Table 1",
        challenge=ChallengeFactory(
            territory=territory,
            title="Seniors connectés",
            domain=DomainFactory(name="Bien-être dans la ville", slug="bien-etre-test"),
            order=1,
        ),
    )
    SynthesisContributionFactory(
        table=seniors, person_name="Marie Libert", organisation_name="Humanis", order=0
    )
    SynthesisContributionFactory(
        table=seniors, person_name="Joséphine Biernacki", organisation_name="Damartex", order=1
    )
    SynthesisContributionFactory(
        table=seniors,
        person_name="Hortense Cachée",
        organisation_name="Centre social",
        consent_to_be_named=False,
        text=f"Elle a écrit {SCRIPT} pour voir.",
        order=2,
    )
    QuoteFactory(table=seniors, text="Quand on y croit, on y va !", speaker_name="Guy Delbar")
    QuoteFactory(
        table=seniors,
        text="« Nous n'y arriverons pas seuls »",
        speaker_name="Hortense Cachée",
        organisation_name="Centre social",
        consent_to_be_named=False,
    )
    FormedProjectFactory(table=seniors, name="Numéribus", pitch="Un bus numérique de quartier.")
    youth = TableFactory(
        event=event,
        name="Table 2",
        challenge=ChallengeFactory(
            territory=territory,
            title="Jeunesse et orientation",
            domain=DomainFactory(name="Jeunesse", slug="jeunesse-test"),
            order=2,
        ),
    )
    SynthesisContributionFactory(
        table=youth,
        person_name="Sophie Timmermann",
        organisation_name="Orientoi",
        text=_long_text(),
    )
    TableFactory(
        event=event,
        name="Table 3",
        challenge=ChallengeFactory(
            territory=territory,
            title="Logements vacants",
            domain=DomainFactory(name="Habitat", slug="habitat-test"),
            order=3,
        ),
    )
    return event


def _quiet_evening() -> Event:
    event = EventFactory(
        title="Soirée sans synthèse",
        venue="Salle des fêtes",
        starts_at=datetime.datetime(2026, 9, 10, 18, 30, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 9, 10, 22, tzinfo=PARIS),
    )
    table = TableFactory(event=event, name="Table unique")
    FormedProjectFactory(table=table, name="Jardin partagé")
    for _index in range(2):
        RegistrationFactory(event=event, checked_in_at=timezone.now())
    RegistrationFactory(event=event)  # registered, never came
    return event


@pytest.fixture(scope="module")
def renders(django_db_setup, django_db_blocker) -> dict[str, Rendered]:
    """Both evenings rendered once, their rows rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        made = {"full": _render(_full_evening()), "quiet": _render(_quiet_evening())}
        transaction.set_rollback(True)
    return made


@pytest.fixture
def full(renders) -> Rendered:
    return renders["full"]


def test_sections_come_in_the_model_documents_order(full):
    body = _plain(" ".join(full.pages[2:]))  # after the cover and the table of contents

    positions = [
        body.index(title)
        for title in (
            "CONTEXTE",
            "LES THÈMES",
            "SYNTHÈSE DES DÉBATS ET/OU PROPOSITIONS CONCRÈTES",
            "POUR EN SAVOIR PLUS",
        )
    ]

    assert positions == sorted(positions)


def test_cover_names_the_event_its_date_venue_territory_and_partners(full):
    cover = _plain(full.pages[0])

    assert cover.startswith("SYNTHÈSE DES DÉBATS Co-créons la ville de demain")
    assert "jeudi 4 juin 2026, de 18 h à minuit" in cover
    assert "Vélodrome couvert Rue de l'Alma, Roubaix" in cover
    assert "l\u2019" in full.pages[0]  # the typographic apostrophe
    assert "Métropole lilloise" in cover
    assert "PARTENAIRES Humanis" in cover


def test_table_of_contents_gives_each_tables_page(full):
    toc = _plain(full.pages[1])
    table_3_page = next(
        i for i, text in enumerate(full.pages, 1) if "Logements vacants" in text and i > 3
    )

    assert re.search(rf"Table 3 · Logements vacants[ .]*{table_3_page}\b", toc), toc


def test_every_consenting_contributor_and_every_quote_is_printed(full):
    text = full.text

    assert "Marie Libert — Humanis" in text
    assert "Joséphine Biernacki — Damartex" in text
    assert "Sophie Timmermann — Orientoi" in text
    assert "« Quand on y croit, on y va ! »" in text
    assert "Guy Delbar, Mairie" in text
    assert "« Nous n'y arriverons pas seuls »" in text  # typed guillemets not doubled


def test_a_person_who_did_not_consent_is_not_named(full):
    assert "Hortense" not in full.text
    assert "Centre social" in full.text  # their organisation speaks for them


def test_text_people_typed_is_printed_literally_not_as_html(full):
    assert "Elle a écrit <script>alert(« x »)</script> pour voir." in full.text
    assert "<script>" not in full.html
    assert "&lt;script&gt;" in full.html


def test_a_long_contribution_and_an_unwritten_table_are_laid_out(full):
    text = full.text

    assert "Dernière phrase de Hélène." in text
    assert LONG_WORD in text.replace(" ", "")  # cut across lines, not hyphenated nor lost
    assert "La synthèse de cette table n'a pas encore été rédigée." in text
    # Cover, contents, context and themes, then about two pages of tables.
    assert 5 <= full.page_count <= 8


def test_no_line_runs_into_the_right_margin(full):
    document = pypdfium2.PdfDocument(full.content)
    try:
        for index in range(1, len(document)):
            image = document[index].render(scale=0.5).to_pil().convert("L")
            width, height = image.size
            margin = image.crop((int(width * 192 / 210), 0, width, height))  # beyond 192 mm
            assert margin.getextrema()[0] > 200, f"ink in the right margin of page {index + 1}"
    finally:
        document.close()


def test_further_reading_lists_the_links_the_event_page_and_the_showcase(full):
    text = full.text
    reading = text[text.rindex("POUR EN SAVOIR PLUS") :]

    assert "SoBizHub www.sobizhub.org" in reading
    assert "www.ville-roubaix.fr" in reading
    assert f"127.0.0.1:8000{full.event_url}".rstrip("/") in reading.replace(" ", "")
    assert "/territoires/metropole-lilloise-test/projets" in reading.replace(" ", "")


def test_first_page_is_not_blank(full):
    document = pypdfium2.PdfDocument(full.content)
    try:
        image = document[0].render(scale=0.5).to_pil().convert("L")
    finally:
        document.close()

    histogram = image.histogram()
    non_white = sum(histogram[:240]) / (image.size[0] * image.size[1])
    assert non_white > 0.5  # the cover is a full-page colour block with text on it


def test_an_evening_without_introduction_nor_synthesis_tells_its_figures(renders):
    quiet = renders["quiet"]
    context = _plain(quiet.pages[2])

    assert (
        "La soirée s'est tenue le jeudi 10 septembre 2026, de 18 h 30 à 22 h (Salle des fêtes). "
        "2 personnes y ont participé. Le travail s'est fait à 1 table, sur 1 défi du "
        "territoire. 1 projet y est né."
    ) in context
    assert "La synthèse de cette table n'a pas encore été rédigée." in quiet.text
    assert "Jardin partagé" in quiet.text
    assert quiet.page_count == 4


@pytest.mark.parametrize("table_count", (1, 3))
def test_gathering_reads_a_fixed_number_of_queries(db, table_count, django_assert_num_queries):
    event = EventFactory()
    event.partners.set([OrganisationFactory(territory=event.territory)])
    for _index in range(table_count):
        table = TableFactory(event=event)
        SynthesisContributionFactory(table=table)
        QuoteFactory(table=table)
        FormedProjectFactory(table=table)
    event = Event.objects.get(pk=event.pk)
    scope = Scope(territory=event.territory, event=event)

    with django_assert_num_queries(6):
        context = gather_synthesis(scope)
        names = [c.signature for t in context["tables"] for c in t.contributions.all()]
        domains = [theme.domain.name for theme in context["themes"]]

    assert len(names) == table_count
    assert len(domains) == table_count


def test_further_reading_accepts_labelled_and_bare_addresses():
    links = parse_further_reading(
        "SoBizHub | https://www.sobizhub.org\n\n  www.ville-roubaix.fr/  \nhttp://a.fr/p?q=1"
    )

    assert links == [
        ReadingLink(label="SoBizHub", url="https://www.sobizhub.org"),
        ReadingLink(label="www.ville-roubaix.fr", url="https://www.ville-roubaix.fr/"),
        ReadingLink(label="a.fr/p?q=1", url="http://a.fr/p?q=1"),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Notre site |", "l'adresse manque après « | »"),
        ("pas une adresse", "une adresse web ne contient pas d'espace"),
        ("Piège | javascript:alert(1)", "ce n'est pas une adresse web valide (https://…)"),
        ("ftp://exemple.org/fichier", "ce n'est pas une adresse web valide (https://…)"),
    ],
)
def test_further_reading_refuses_a_bad_line_saying_which_and_why(line, reason):
    with pytest.raises(ValidationError) as refused:
        parse_further_reading(f"SoBizHub | https://www.sobizhub.org\n{line}")

    assert refused.value.messages == [f"Ligne 2 (« {line.strip()} ») : {reason}."]


def _admin_data(event: Event, **changes) -> dict:
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return {
        "territory": event.territory_id,
        "title": event.title,
        "slug": event.slug,
        "venue": event.venue,
        "starts_at_0": starts.date().isoformat(),
        "starts_at_1": starts.strftime("%H:%M"),
        "ends_at_0": ends.date().isoformat(),
        "ends_at_1": ends.strftime("%H:%M"),
        "capacity": event.capacity,
        "status": event.status,
        "programme-TOTAL_FORMS": 0,
        "programme-INITIAL_FORMS": 0,
        **changes,
    }


def test_organiser_edits_the_synthesis_in_the_admin(client, cast):
    event = EventFactory(territory=cast.territory)
    partner = OrganisationFactory(territory=cast.territory, name="Humanis")
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        _admin_data(
            event,
            synthesis_introduction="Trois thèmes.",
            partners=[partner.pk],
            further_reading="SoBizHub | https://www.sobizhub.org",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.synthesis_introduction == "Trois thèmes."
    assert list(event.partners.all()) == [partner]


def test_admin_refuses_a_bad_link_and_a_partner_of_another_territory(client, cast):
    event = EventFactory(territory=cast.territory)
    foreign = OrganisationFactory(territory=cast.other_territory, name="Ailleurs")
    client.force_login(cast.superuser)

    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        _admin_data(event, partners=[foreign.pk], further_reading="www.ok.fr\nmauvais lien"),
    )

    form = response.context["adminform"].form
    assert form.errors["further_reading"] == [
        "Ligne 2 (« mauvais lien ») : une adresse web ne contient pas d'espace."
    ]
    assert form.errors["partners"]  # Ailleurs is not offered for this territory's event
    assert form["further_reading"].value() == "www.ok.fr\nmauvais lien"
