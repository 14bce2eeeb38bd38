"""The project portfolio, a printed report for a trade show: one page per published project.

"Published" is the showcase's own notion (``projects.queries.showcase_projects``): a public
project in a showcase status, never a draft. Each page shows only what the project's public page
shows: its team if the team chose to show it, its open needs if it chose to show them, and its
public contact (never a team member's e-mail address or phone number).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accompaniment.enums import NeedStatus
from accompaniment.models import Need
from projects.enums import MemberRole
from projects.models import Project, ProjectMember
from projects.queries import NAME_IS_PUBLIC, showcase_projects
from territoire.reports.kinds import ReportKind, Scope, register_report_kind
from territoire.reports.typography import long_date, paragraphs

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# One A4 page (253 mm of text height, 170 mm wide) holds a project: the header, the pitch in
# full (at most 1,000 characters), the team (at most TEAM_SHOWN people), the open needs (at most
# NEEDS_SHOWN, each cut at NEED_CHARS) and the contact block at the foot. The description gets
# the height they leave, estimated from the stylesheet's sizes (portfolio.css) and cut at a word
# with an ellipsis. The stylesheet also clips the page, should an estimate fall short.
BODY_MM = 253 - 34  # the contact block takes the foot of the page
TEAM_SHOWN = 10  # two columns of five
NEEDS_SHOWN = 3
NEED_CHARS = 170
PITCH_MM = 75  # 1,000 characters in one paragraph take 72 mm
DESCRIPTION_PARAGRAPHS = 4
# Characters a line holds and millimetres a line takes, per kind of text.
NAME = (36, 9.5)  # 22pt bold
SMALL = (100, 4.6)  # the challenge and the organisation, 9.5pt
PITCH = (80, 5.5)  # 11pt semibold
DESCRIPTION = (100, 4.9)  # 9.5pt
NEED = (95, 4.7)  # 9pt
SAFETY = 0.9  # the estimates are averages: keep a margin


@dataclass(frozen=True)
class PortfolioPage:
    """One project as its page prints it."""

    project: Project
    anchor: str
    pitch: str
    description: str
    description_clipped: bool
    team: list[ProjectMember]
    team_more: int
    needs: list[tuple[str, str]]  # (kind label, description clipped)
    needs_more: int
    public_url: str


def clip(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut at a word boundary before ``limit`` characters, with an ellipsis; and
    whether it was cut. Trailing punctuation is dropped before the ellipsis."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" \n\t,;:.-\u2013\u2014") + "…", True


def _height(text: str, kind: tuple[int, float], gap: float = 0) -> float:
    """The millimetres ``text`` takes: its lines (each line break starts one) plus a gap per
    paragraph."""
    chars, line_mm = kind
    total = 0.0
    for block in paragraphs(text):
        lines = sum(-(-max(len(line), 1) // chars) for line in block.split("\n"))
        total += lines * line_mm + gap
    return total


def _clip_description(text: str, height_mm: float) -> tuple[str, bool]:
    """As much of ``text`` as fits ``height_mm``: whole paragraphs, then the one that does not
    fit cut at a word with an ellipsis."""
    chars, line_mm = DESCRIPTION
    kept: list[str] = []
    left = height_mm
    for block in paragraphs(text):
        lines_left = int(left / line_mm)
        if len(kept) == DESCRIPTION_PARAGRAPHS or lines_left < 2:
            break
        block = " ".join(block.split())  # line breaks inside a paragraph would cost lines
        piece, cut = clip(block, int(lines_left * chars * SAFETY))
        kept.append(piece)
        left -= _height(piece, DESCRIPTION, gap=2.5)
        if cut:
            return "\n\n".join(kept), True
    clipped = len(kept) < len(paragraphs(text))
    if clipped and kept:
        kept[-1] = kept[-1].rstrip(" .") + " […]"
    return "\n\n".join(kept), clipped


def _room_for_description(
    project: Project,
    pitch: str,
    team: list[ProjectMember],
    team_more: int,
    needs: list[tuple[str, str]],
    needs_more: int,
) -> float:
    used = 6 + _height(project.name, NAME) + 3 + 8  # tags, name, rule and margins
    if project.challenge:
        used += _height(project.challenge.title, SMALL) + 1
    if project.lead_organisation:
        used += _height(project.lead_organisation.name, SMALL) + 1
    used += _height(pitch, PITCH, gap=2) + 3
    if team:
        rows = -(-len(team) // 2)
        used += 10 + rows * 9.5 + (5 if team_more else 0)
    if needs:
        used += 10 + sum(_height(f"{kind} {text}", NEED) + 1.5 for kind, text in needs)
        used += 5 if needs_more else 0
    return (BODY_MM - used - 5) * SAFETY  # 5 mm for "La suite sur la page du projet."


class ShownOnPage(TypedDict):
    # Prefetched lists (``Prefetch(to_attr=...)``): what a project's page prints of its team
    # and of its needs.
    shown_members: list[ProjectMember]
    shown_needs: list[Need]


def portfolio_projects(scope: Scope) -> "QuerySet[WithAnnotations[Project, ShownOnPage]]":
    """The published projects of the scope's territory, with what their pages print; three
    queries whatever their number (projects with their challenge, domain and organisation; the
    teams that chose to be shown; the open needs of the projects that chose to show them).

    The period (``scope.since``/``scope.until``, both included) applies to ``created_at``, the
    day the project became a followed project (published from its table or created by an
    organiser): the projects born in that period.
    """
    # Like the public page (projects.queries.public_team): only members who agreed themselves.
    members = (
        ProjectMember.objects.filter(NAME_IS_PUBLIC, project__show_team=True)
        .only("pk", "project_id", "full_name", "organisation_name", "role")
        .order_by("role", "full_name", "pk")
    )
    needs = (
        Need.objects.filter(project__show_needs=True, status=NeedStatus.OPEN)
        .only("pk", "project_id", "kind", "description")
        .order_by("kind", "created_at", "pk")
    )
    projects = (
        showcase_projects(scope.territory)
        .select_related("lead_organisation")
        .prefetch_related(
            Prefetch("members", queryset=members, to_attr="shown_members"),
            Prefetch("needs", queryset=needs, to_attr="shown_needs"),
        )
    )
    if scope.since:
        projects = projects.filter(created_at__date__gte=scope.since)
    if scope.until:
        projects = projects.filter(created_at__date__lte=scope.until)
    return projects


def _page(project: "WithAnnotations[Project, ShownOnPage]") -> PortfolioPage:
    team = project.shown_members if project.show_team else []
    needs = project.shown_needs if project.show_needs else []
    team_shown = team[:TEAM_SHOWN]
    needs_shown = [
        (need.get_kind_display(), clip(" ".join(need.description.split()), NEED_CHARS)[0])
        for need in needs[:NEEDS_SHOWN]
    ]
    team_more, needs_more = len(team) - len(team_shown), len(needs) - len(needs_shown)
    pitch = project.pitch.strip()
    if _height(pitch, PITCH, gap=2) > PITCH_MM:
        pitch = " ".join(pitch.split())  # many short lines: printed as one paragraph
    description, clipped = _clip_description(
        project.description,
        _room_for_description(project, pitch, team_shown, team_more, needs_shown, needs_more),
    )
    return PortfolioPage(
        project=project,
        anchor=f"projet-{project.pk}",
        pitch=pitch,
        description=description,
        description_clipped=clipped,
        team=team_shown,
        team_more=team_more,
        needs=needs_shown,
        needs_more=needs_more,
        public_url=settings.SITE_URL + project.get_absolute_url(),
    )


def gather_portfolio(scope: Scope) -> dict[str, Any]:
    """The portfolio's context: one page per published project of the territory (born in the
    period when one is given, see ``portfolio_projects``); three queries."""
    pages = [_page(project) for project in portfolio_projects(scope)]
    return {
        "pages": pages,
        "project_count": len(pages),
        "MemberRole": MemberRole,
        "showcase_url": settings.SITE_URL
        + reverse("project_showcase", kwargs={"territory": scope.territory.slug}),
    }


def portfolio_title(scope: Scope) -> str:
    """ "Portfolio des projets — Lille Métropole", with the period when there is one."""
    title = gettext("Portfolio des projets — %(territory)s") % {"territory": scope.territory.name}
    if scope.since and scope.until:
        period = gettext("du %(since)s au %(until)s")
    elif scope.since:
        period = gettext("depuis le %(since)s")
    elif scope.until:
        period = gettext("jusqu'au %(until)s")
    else:
        return title
    dates = {
        "since": long_date(scope.since) if scope.since else "",
        "until": long_date(scope.until) if scope.until else "",
    }
    return f"{title} ({period % dates})"


def register_portfolio() -> None:
    register_report_kind(
        ReportKind(
            code="portfolio",
            label=_("Portfolio des projets"),
            template="accompaniment/reports/portfolio.html",
            gather=gather_portfolio,
            title=portfolio_title,
            file_stem="portfolio-des-projets",
            uses_period=True,
            description=_(
                "Une page par projet publié dans la vitrine (défi, pitch, équipe, besoins, "
                "contact), à imprimer pour un salon. La période retient les projets nés entre "
                "ces dates."
            ),
        )
    )
