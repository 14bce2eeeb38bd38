"""``make bench-reports``: the synthesis of debates of a 30-table evening rendered to PDF, timed
page by page with the gathering of its data included, beside WeasyPrint alone on a plain
document of the same length.

1. A fresh PostgreSQL database ``territoire_bench_reports``, migrated; one territory with 8
   domains, 10 challenges, one finished evening with 30 tables (3 a challenge), 6 partners, an
   introduction; at each table 3 or 4 contributions written by its facilitator (300 to 950
   characters, some in two paragraphs, most people named with their consent), 2 or 3 quotes,
   1 or 2 projects born with their pitch: lengths like the Roubaix synthesis's (~40 pages).
2. In a fresh process (its peak RSS is its own): the synthesis rendered ``--runs`` times through
   the machinery's ``build_pdf`` (kind ``synthesis``, as the worker does): pages, total time,
   time a page, the gathering alone (time and queries), the HTML (gathering and templating),
   WeasyPrint's layout and PDF. The first run pays the imports and the fonts; the others are a
   worker's steady state.
3. The reference, in another fresh process, no Django and no database: WeasyPrint alone on a
   plain HTML document (headings and paragraphs, the same embedded font, A4, page numbers)
   made as long as the synthesis, rendered the same number of times.

Exit status: 0 when every check passes (targets missed are printed, not fatal), 1 when a check
fails, 2 when the setup fails. The database is dropped at the end unless ``--keep-db``.
``/tmp/bench.lock`` exists while it runs (other heavy jobs wait for it to go).
"""

import argparse
import datetime
import json
import random
import statistics
import sys
import time
from pathlib import Path

from bench.common import (
    LOCK,
    PYTHON,
    ROOT,
    bench_env,
    django_setup,
    drop_database,
    fresh_database,
    log,
    machine,
    peak_rss_mb,
    run,
    take_lock,
    wait_for_quiet,
)

DB_NAME = "territoire_bench_reports"
EVENT_SLUG = "soiree-du-bench-des-rapports"
TARGET_MS_PER_PAGE = 80.0
FONTS = ROOT / "static" / "fonts" / "inter"


# ---------------------------------------------------------------------------------------------
# Text that reads like a facilitator's notes: sentences of our own, drawn at random.

FIRST_NAMES = (  # noqa: SIM905
    "Marie Joséphine Sophie Kévin Amina Éric Chloé Mehdi Hélène Théo Lucie Karim Nadia "
    "Loïc Inès Benoît Fatou Grégoire Zoé Antoine Samia Julien Maëlle Yannick Céline Rachid"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Lefèvre Dubois Benali Rousseau Vandenberghe Mercier Diallo Leclercq Bernard Nguyen "
    "Delattre Morel Haddad Fontaine Duhamel Petit Lemaire Caron Boucher Wattel"
).split()
ORGANISATIONS = [
    "Centre social de l'Alma",
    "Mutuelle du Nord",
    "Atelier « Répar'Tout »",
    "Mission locale de Roubaix",
    "Collectif des Jardins du Pile",
    "Lycée Jean-Moulin",
    "Start-up Orientoi",
    "Chambre de commerce",
    "Association Vélo-Cité",
    "Maison de quartier des Hauts-Champs",
    "Régie de quartier",
    "Fondation des Aînés",
]
DOMAINS = [
    "Économie circulaire",
    "Jeunesse",
    "Bien-être dans la ville",
    "Alimentation",
    "Mobilité",
    "Habitat",
    "Éducation et formation",
    "Culture",
]
SENTENCES = [
    "Notre structure est implantée dans le quartier depuis plus de vingt ans et veut y prendre "
    "une part active.",
    "Le constat partagé autour de la table : beaucoup de personnes âgées vivent seules et "
    "n'osent plus sortir de chez elles.",
    "Nous proposons de créer un lieu ouvert où l'on répare ensemble les objets du quotidien "
    "plutôt que de les jeter.",
    "L'idée est née d'une discussion entre une éducatrice, un chef d'entreprise et deux "
    "lycéens qui ne se seraient jamais rencontrés autrement.",
    "Le projet s'appuie sur les associations déjà présentes : il ne s'agit pas de faire à leur "
    "place, mais avec elles.",
    "Chaque semaine, l'équipe irait à la rencontre des habitants au pied des immeubles, avec "
    "un café et un diagnostic de leurs besoins.",
    "Les jeunes du quartier seraient formés puis rémunérés pour animer les ateliers : c'est un "
    "premier emploi autant qu'un service rendu.",
    "Il faudra trouver un local accessible, idéalement en rez-de-chaussée, près d'un arrêt de bus.",
    "Plusieurs entreprises présentes ce soir se sont dites prêtes à prêter du matériel et à "
    "ouvrir leurs ateliers le samedi.",
    "Nous voulons mesurer l'impact dès le début : nombre de personnes accompagnées, objets "
    "réparés, emplois créés.",
    "La cantine scolaire pourrait s'approvisionner chez les maraîchers de la métropole, à "
    "condition d'organiser la logistique en commun.",
    "Le financement viendrait d'abord d'un appel à projets, puis de la vente de services aux "
    "collectivités et aux bailleurs.",
    "Ce qui a frappé la table, c'est le nombre de solutions qui existent déjà sans que personne "
    "ne les connaisse.",
    "Un annuaire partagé des ressources du territoire éviterait à chacun de réinventer ce que "
    "son voisin fait déjà.",
    "La mobilité reste le premier frein : sans moyen de transport, pas d'accès à l'emploi ni "
    "aux soins.",
    "Nous aimerions tester le dispositif pendant six mois dans deux quartiers avant de "
    "l'étendre à toute la ville.",
    "Les habitants doivent être associés dès la conception : ce sont eux qui savent ce qui "
    "marchera ou non.",
    "Une partie des bénéfices serait réinvestie dans la formation des bénévoles qui portent "
    "le projet au quotidien.",
]
CHALLENGES = [
    "Rompre l'isolement des aînés",
    "Donner une seconde vie aux objets",
    "Un premier emploi pour chaque jeune",
    "Manger local à la cantine",
    "Se déplacer sans voiture",
    "Des logements pour tous les âges",
    "Apprendre tout au long de la vie",
    "La culture au pied des immeubles",
    "Des commerces vivants en centre-ville",
    "Le numérique à la portée de chacun",
]
QUOTES = [
    "On ne manque pas d'idées, on manque d'occasions de se rencontrer.",
    "Réparer un grille-pain, c'est aussi réparer un peu de lien social.",
    "Ce soir, j'ai trouvé trois partenaires que je cherchais depuis un an !",
    "Les jeunes ne demandent qu'une chose : qu'on leur fasse confiance.",
    "Si chacun apporte une petite pièce, le puzzle finit par se monter.",
    "Le quartier a plus de ressources qu'on ne le croit ; il faut juste les rendre visibles.",
    "Pourquoi attendre qu'une grande institution le fasse à notre place ?",
]


def prose(rng: random.Random, low: int, high: int) -> str:
    """Sentences drawn at random until the text is between ``low`` and ``high`` characters
    long, sometimes in two paragraphs."""
    target = rng.randint(low, high)
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < target:
        sentences.append(rng.choice(SENTENCES))
    if len(sentences) > 3 and rng.random() < 0.4:
        cut = len(sentences) // 2
        return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
    return " ".join(sentences)


# ---------------------------------------------------------------------------------------------
# The Django side, run in subprocesses whose environment points at the benchmark database.


def build(*, tables: int, seed: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from challenges.enums import ChallengeStatus
    from challenges.models import Challenge
    from events.domain.tables import new_table_code
    from events.enums import EventStatus, Phase
    from events.models import Event, FormedProject, Quote, SynthesisContribution, Table
    from territoire.enums import OrganisationKind
    from territoire.models import Domain, Organisation, Territory

    rng = random.Random(seed)
    started = time.monotonic()
    evening = timezone.make_aware(datetime.datetime(2026, 6, 4, 18, 0))
    counts = {"contributions": 0, "contribution_chars": 0, "quotes": 0, "projects": 0}
    with transaction.atomic():
        territory = Territory.objects.create(
            name="Métropole du banc d'essai",
            slug="metropole-du-banc-d-essai",
            job_target=250,
            job_target_deadline=datetime.date(2029, 6, 4),
            launched_on=datetime.date(2026, 3, 2),
            evening_on=evening.date(),
        )
        domains = [
            Domain.objects.create(name=name, slug=f"bench-domaine-{n}")
            for n, name in enumerate(DOMAINS)
        ]
        territory.domains.add(*domains)
        partners = Organisation.objects.bulk_create(
            [
                Organisation(territory=territory, name=name, kind=OrganisationKind.ASSOCIATION)
                for name in ORGANISATIONS[:6]
            ]
        )
        event = Event.objects.create(
            territory=territory,
            title="Co-créons la ville de demain",
            slug=EVENT_SLUG,
            venue="Vélodrome couvert",
            address="1 rue du Stade, 59100 Roubaix",
            starts_at=evening,
            ends_at=evening + datetime.timedelta(hours=6),
            capacity=1200,
            status=EventStatus.FINISHED,
            synthesis_introduction=prose(rng, 900, 1300) + "\n\n" + prose(rng, 500, 800),
            further_reading="Le programme | https://territoire.example/programme\n"
            "https://territoire.example/presse",
        )
        event.partners.add(*partners)
        challenge_count = -(-tables // 3)
        contributions, quotes, projects = [], [], []
        made = 0
        for c_index in range(challenge_count):
            challenge = Challenge.objects.create(
                territory=territory,
                domain=domains[c_index % len(domains)],
                title=CHALLENGES[c_index % len(CHALLENGES)],
                slug=f"defi-{c_index + 1}",
                question="Comment faire en sorte que chacun trouve sa place dans la ville ?",
                status=ChallengeStatus.CLOSED,
                order=c_index + 1,
            )
            for t_index in range(3):
                if made == tables:
                    break
                made += 1
                table = Table.objects.create(
                    event=event,
                    challenge=challenge,
                    name=f"Table {c_index + 1}{'ABC'[t_index]}",
                    code=new_table_code(),
                    phase=Phase.CLOSED,
                    participant_count=rng.randint(20, 40),
                    idea_count=rng.randint(25, 60),
                )
                for order in range(rng.randint(3, 4)):
                    text = prose(rng, 300, 950)
                    counts["contribution_chars"] += len(text)
                    contributions.append(
                        SynthesisContribution(
                            table=table,
                            person_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                            organisation_name=rng.choice(ORGANISATIONS),
                            consent_to_be_named=rng.random() < 0.85,
                            text=text,
                            order=order,
                        )
                    )
                for _n in range(rng.randint(2, 3)):
                    quotes.append(
                        Quote(
                            table=table,
                            text=rng.choice(QUOTES),
                            speaker_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                            organisation_name=rng.choice(ORGANISATIONS),
                            consent_to_be_named=rng.random() < 0.7,
                        )
                    )
                for p_index in range(rng.randint(1, 2)):
                    projects.append(
                        FormedProject(
                            table=table,
                            name=f"Projet {table.name}-{p_index + 1}",
                            pitch=prose(rng, 150, 400),
                        )
                    )
        SynthesisContribution.objects.bulk_create(contributions)
        Quote.objects.bulk_create(quotes)
        FormedProject.objects.bulk_create(projects)
    counts.update(
        contributions=len(contributions),
        quotes=len(quotes),
        projects=len(projects),
        tables=made,
        build_s=round(time.monotonic() - started, 1),
    )
    return counts


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def render(*, runs: int, out: str) -> dict:
    """The synthesis rendered ``runs`` times as the worker does; this process's peak RSS."""
    from django.db import connection

    from events.models import Event
    from territoire.reports.kinds import Scope, get_report_kind
    from territoire.reports.render import build_pdf

    after_setup = peak_rss_mb()
    kind = get_report_kind("synthesis")
    event = Event.objects.select_related("territory").get(slug=EVENT_SLUG)
    scope = Scope(territory=event.territory, event=event)
    results = []
    content = b""
    for _run in range(runs):
        started = time.perf_counter()
        pdf = build_pdf(kind, scope, language="fr")
        total_ms = (time.perf_counter() - started) * 1000
        # The gathering alone (the data, no template), with its queries.
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            gather_started = time.perf_counter()
            kind.gather(Scope(territory=event.territory, event=event))
            gather_ms = (time.perf_counter() - gather_started) * 1000
        results.append(
            {
                "pages": pdf.page_count,
                "total_ms": round(total_ms, 1),
                "html_ms": round(pdf.gather_ms, 1),
                "weasyprint_ms": round(pdf.render_ms, 1),
                "gather_ms": round(gather_ms, 1),
                "queries": counter.count,
                "bytes": len(pdf.content),
                "rss_mb": round(peak_rss_mb(), 1),
            }
        )
        content = pdf.content
    Path(out).write_bytes(content)
    return {"runs": results, "rss_after_setup_mb": round(after_setup, 1)}


def check_pdf(path: str, table_names: list[str]) -> dict[str, bool]:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    words = " ".join(text.split())
    return {
        "every table is in the PDF": all(name in words for name in table_names),
        "the sections are there": all(
            heading in words
            for heading in ("CONTEXTE", "LES THÈMES", "SYNTHÈSE DES DÉBATS", "POUR EN SAVOIR PLUS")
        ),
    }


def table_names() -> list[str]:
    from events.models import Table

    return list(Table.objects.filter(event__slug=EVENT_SLUG).values_list("name", flat=True))


def django_main(argv: list[str]) -> int:
    django_setup()
    command = argv[0]
    if command == "build":
        out = build(tables=int(argv[1]), seed=int(argv[2]))
    elif command == "render":
        out = render(runs=int(argv[1]), out=argv[2])
        out["checks"] = check_pdf(argv[2], table_names())
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))
    return 0


# ---------------------------------------------------------------------------------------------
# The reference: WeasyPrint alone, no Django, no database.

FONT_URL = FONTS.as_uri()
REFERENCE_CSS = f"""
@font-face {{ font-family: "Inter"; font-weight: 400; src: url("{FONT_URL}/Inter-Regular.otf"); }}
@font-face {{ font-family: "Inter"; font-weight: 700; src: url("{FONT_URL}/Inter-Bold.otf"); }}
@page {{ size: A4; margin: 22mm 20mm;
  @bottom-right {{ content: counter(page) " / " counter(pages); font: 8pt "Inter"; }} }}
html {{ font-family: "Inter"; font-size: 10pt; line-height: 1.45; }}
h2 {{ font-size: 13pt; margin: 6mm 0 2mm; }}
p {{ margin: 0 0 2.5mm; }}
"""


def reference_html(paragraphs: int, seed: int) -> str:
    rng = random.Random(seed)
    body = []
    for n in range(paragraphs):
        if n % 4 == 0:
            body.append(f"<h2>Partie {n // 4 + 1}</h2>")
        body.append(f"<p>{prose(rng, 600, 900).replace(chr(10), ' ')}</p>")
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<style>{REFERENCE_CSS}</style></head><body>{''.join(body)}</body></html>"
    )


def reference(*, pages: int, runs: int, seed: int) -> dict:
    """A plain document of ``pages`` pages (found by trying), then rendered ``runs`` times."""
    from weasyprint import HTML

    after_import = peak_rss_mb()

    def page_count(paragraphs: int) -> int:
        return len(HTML(string=reference_html(paragraphs, seed)).render().pages)

    paragraphs = pages * 5
    for _attempt in range(6):
        got = page_count(paragraphs)
        if got == pages:
            break
        paragraphs = max(1, paragraphs + round((pages - got) * paragraphs / max(got, 1)) or 1)
    got = page_count(paragraphs)
    while got != pages:  # the last steps one paragraph at a time
        paragraphs += 1 if got < pages else -1
        got = page_count(paragraphs)
    html = reference_html(paragraphs, seed)
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        document = HTML(string=html).render()
        document.write_pdf()
        timings.append(round((time.perf_counter() - started) * 1000, 1))
    return {
        "pages": len(document.pages),
        "paragraphs": paragraphs,
        "total_ms": timings,
        "rss_mb": round(peak_rss_mb(), 1),
        "rss_after_import_mb": round(after_import, 1),
    }


# ---------------------------------------------------------------------------------------------
# The orchestration: lock, database, subprocesses, report.


def step(env: dict, *args: str) -> dict:
    out = run([PYTHON, "-m", "bench.reports", *args], env)
    return json.loads(out.strip().splitlines()[-1])


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5, help="renders of each document")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--pdf", default="/tmp/bench-reports-synthese.pdf", help="kept here")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=120,
        help="wait up to this many seconds for other processes to go quiet before rendering",
    )
    return parser.parse_args(argv)


def report(built: dict, rendered: dict, ref: dict) -> bool:
    runs = rendered["runs"]
    pages = runs[0]["pages"]
    warm = runs[1:] or runs
    median = statistics.median(r["total_ms"] for r in warm)
    ref_warm = ref["total_ms"][1:] or ref["total_ms"]
    ref_median = statistics.median(ref_warm)
    log()
    log(f"machine: {machine()}")
    log(
        f"data: {built['tables']} tables, {built['contributions']} contributions "
        f"({built['contribution_chars'] // max(built['contributions'], 1)} characters on "
        f"average), {built['quotes']} quotes, {built['projects']} projects born "
        f"(built in {built['build_s']} s)"
    )
    log(f"synthesis: {pages} pages, {runs[-1]['bytes'] / 1024:.0f} KB")
    for n, r in enumerate(runs, 1):
        label = "cold (imports, fonts)" if n == 1 else "warm"
        log(
            f"  run {n} {label:<22} {r['total_ms']:>7.0f} ms = {r['total_ms'] / r['pages']:>5.1f}"
            f" ms a page  (gathering {r['gather_ms']:.0f} ms in {r['queries']} queries; HTML "
            f"with templating {r['html_ms']:.0f} ms; WeasyPrint {r['weasyprint_ms']:.0f} ms)"
        )
    log(
        f"  warm median {median:.0f} ms = {median / pages:.1f} ms a page, gathering included "
        f"(gathering {statistics.median(r['gather_ms'] for r in warm):.0f} ms, HTML "
        f"{statistics.median(r['html_ms'] for r in warm):.0f} ms)"
    )
    log(
        f"reference, WeasyPrint alone on a plain document of {ref['pages']} pages (same font, "
        f"no Django, no database): runs {', '.join(f'{t:.0f}' for t in ref['total_ms'])} ms; "
        f"warm median {ref_median:.0f} ms = {ref_median / ref['pages']:.1f} ms a page"
    )
    log(
        f"ratio synthesis / reference (warm medians, a page): "
        f"{(median / pages) / (ref_median / ref['pages']):.2f}"
    )
    log(
        f"peak RSS: the synthesis's process {runs[-1]['rss_mb']} MB (after Django's setup "
        f"{rendered['rss_after_setup_mb']} MB, after the first run {runs[0]['rss_mb']} MB); the "
        f"reference's process {ref['rss_mb']} MB (after importing WeasyPrint "
        f"{ref['rss_after_import_mb']} MB)"
    )
    log()
    checks = dict(rendered["checks"])
    checks["the same page count every run"] = len({r["pages"] for r in runs}) == 1
    checks["the reference as long as the synthesis"] = ref["pages"] == pages
    checks["the gathering's queries do not grow with the tables"] = (
        max(r["queries"] for r in runs) <= 10
    )
    log("checks:")
    for name, passed in checks.items():
        log(f"  {'PASS' if passed else 'FAIL'}  {name}")
    met = median / pages <= TARGET_MS_PER_PAGE
    log()
    log(
        f"target: ≤ {TARGET_MS_PER_PAGE:.0f} ms a page including gathering (warm median): "
        f"{median / pages:.1f} ms {'met' if met else 'MISSED'}"
    )
    return all(checks.values())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--django"]:
        return django_main(argv[1:])
    if argv[:1] == ["--reference"]:
        print(json.dumps(reference(pages=int(argv[1]), runs=int(argv[2]), seed=int(argv[3]))))
        return 0
    args = parse_args(argv)
    env = bench_env(
        DB_NAME, secret="bench-reports-not-a-secret", SITE_URL="https://territoire.example"
    )
    started = time.monotonic()
    take_lock("bench-reports")
    try:
        log(f"bench-reports: preparing {DB_NAME} on 127.0.0.1:5432…")
        try:
            fresh_database(env, DB_NAME)
            log(f"  building an evening of {args.tables} tables…")
            built = step(env, "--django", "build", str(args.tables), str(args.seed))
        except RuntimeError as exc:
            log(f"SETUP FAILED: {exc}")
            return 2
        try:
            busy = wait_for_quiet(args.wait_idle)
            log(f"  rendering the synthesis {args.runs} times ({busy:.2f} cores busy elsewhere)…")
            rendered = step(env, "--django", "render", str(args.runs), args.pdf)
            pages = rendered["runs"][0]["pages"]
            log(f"  the reference: WeasyPrint alone, {pages} pages, {args.runs} times…")
            ref = step(env, "--reference", str(pages), str(args.runs), str(args.seed))
            ok = report(built, rendered, ref)
        finally:
            drop_database(None if args.keep_db else DB_NAME)
    finally:
        LOCK.unlink(missing_ok=True)
    log()
    log(f"the last synthesis rendered: {args.pdf}")
    log(f"RESULT: checks {'PASS' if ok else 'FAIL'}; {time.monotonic() - started:.0f} s in all")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
