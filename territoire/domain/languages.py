"""The language to write to a person in. A person has no language setting of their own: the
e-mails they get are in the language of the last invitation they accepted, else the site's."""

from django.conf import settings

from territoire.models import Invitation


def languages_of(user_ids: list[int] | set[int]) -> dict[int, str]:
    """Each person's e-mail language: the one of the last invitation they accepted, else the
    site's (``settings.LANGUAGE_CODE``). One query."""
    known = dict(settings.LANGUAGES)
    languages = dict.fromkeys(user_ids, settings.LANGUAGE_CODE)
    accepted = (
        Invitation.objects.filter(accepted_by_id__in=list(user_ids))
        .order_by("accepted_by_id", "accepted_at")
        .values_list("accepted_by_id", "language")
    )
    for user_id, language in accepted:
        if language in known:
            languages[user_id] = language
    return languages
