"""Writing a territory's challenges: statuses, and copying a set from another territory."""

from django.db import transaction
from django.utils.text import slugify

from challenges.enums import ChallengeStatus
from challenges.models import Challenge
from territoire.impact.cache import impact_changed
from territoire.models import Territory, User
from territoire.text import clean_rich_text


def set_status(*, challenges: list[Challenge], status: str) -> int:
    """Move challenges to ``status`` (draft, open, closed). Returns how many changed.

    Side effects: ``status`` of each challenge saved; the impact figures of their
    territories moved (the impact page's choice of challenges).
    """
    changed = 0
    for challenge in challenges:
        if challenge.status != status:
            challenge.status = status
            challenge.save(update_fields=["status", "updated_at"])
            changed += 1
            impact_changed(challenge.territory_id)
    return changed


def _free_slug(territory: Territory, wanted: str) -> str:
    taken = set(territory.challenges.values_list("slug", flat=True))
    slug, suffix = wanted, 2
    while slug in taken:
        slug = f"{wanted}-{suffix}"
        suffix += 1
    return slug


def copy_challenges(
    *, source: Territory, target: Territory, by: User, include_briefs: bool
) -> list[Challenge]:
    """Copy ``source``'s public challenges (or all of them for who organises both) into
    ``target`` as drafts, after ``target``'s own, in the same order.

    The facilitator brief is private: it is copied only when ``include_briefs``.
    A domain the target has not picked yet is added to its set.
    Side effects: new Challenge rows (drafts); target's domains may grow.
    """
    if source.pk == target.pk:
        raise ValueError("A territory cannot copy its own challenges.")
    originals = list(source.challenges.select_related("domain").order_by("order", "title"))
    if not include_briefs:
        originals = [c for c in originals if c.status != ChallengeStatus.DRAFT]
    with transaction.atomic():
        next_order = (
            target.challenges.order_by("-order").values_list("order", flat=True).first() or 0
        )
        copies = []
        for offset, original in enumerate(originals, start=1):
            copy = Challenge.objects.create(
                territory=target,
                domain=original.domain,
                title=original.title,
                slug=_free_slug(target, original.slug or slugify(original.title)),
                question=original.question,
                context=clean_rich_text(original.context),
                status=ChallengeStatus.DRAFT,
                order=next_order + offset * 10,
                image=original.image.name if original.image else "",
                facilitator_brief=clean_rich_text(original.facilitator_brief)
                if include_briefs
                else "",
            )
            copies.append(copy)
        target.domains.add(*{c.domain_id for c in copies})
    return copies
