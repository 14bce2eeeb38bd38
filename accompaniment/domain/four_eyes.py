"""Four eyes on the key figure: a job record or an indicator value is verified (or sent back) by
someone other than whoever declared it or corrected it.

Whoever wrote a record is its current ``declared_by`` (a correction makes the corrector its
declarant) and every ``declared_by`` its history holds (the first declarant stays barred after
somebody else corrected the figure). A record declared by nobody (the platform, old rows) may be
verified by the coach. A territory with a single person can allow self-verification, only as
its visible setting ``Territory.allow_self_verification``.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext as _

from accompaniment.domain.errors import Refused
from accompaniment.models import IndicatorValue, JobRecord
from territoire.models import Territory, User


def wrote(model: type[JobRecord] | type[IndicatorValue], user: User | None) -> Q:
    """Rows of ``model`` (JobRecord, IndicatorValue) that ``user`` declared or corrected, as a
    condition usable in a filter, an exclude or an annotation (no extra query)."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    history = model.history.model.objects.filter(id=OuterRef("pk"), declared_by=user)
    return Q(declared_by=user) | Q(Exists(history))


def written_by(
    model: type[JobRecord] | type[IndicatorValue], user: User | None
) -> ExpressionWrapper:
    """An annotation: whether ``user`` declared or corrected the row (in the list's query)."""
    return ExpressionWrapper(wrote(model, user), output_field=BooleanField())


def awaiting(
    model: type[JobRecord] | type[IndicatorValue], user: User | None, *, territory_path: str
) -> Q:
    """Rows ``user`` may verify as far as four eyes go: not written by her, unless the record's
    territory (reached through ``territory_path``) allows self-verification."""
    allowed = Q(**{f"{territory_path}__allow_self_verification": True})
    return ~wrote(model, user) | allowed


def has_written(record: JobRecord | IndicatorValue, user: User | None) -> bool:
    """Whether ``user`` declared or corrected ``record`` (one query at most)."""
    if user is None or not user.is_authenticated:
        return False
    if record.declared_by_id == user.pk:
        return True
    return type(record).history.filter(id=record.pk, declared_by=user).exists()


def may_check(record: JobRecord | IndicatorValue, user: User | None, territory: Territory) -> bool:
    """Whether four eyes let ``user`` verify or send back ``record``."""
    return territory.allow_self_verification or not has_written(record, user)


def check_four_eyes(
    record: JobRecord | IndicatorValue, by: User | None, territory: Territory
) -> str | None:
    """Refused when ``by`` wrote ``record`` and ``territory`` does not allow self-verification.

    Returns the reason to keep in the record's history when the setting let ``by`` check her
    own figures (None otherwise): the history then says who verified, and why alone."""
    if not has_written(record, by):
        return None
    if not territory.allow_self_verification:
        raise Refused(
            _(
                "Vous avez déclaré ou corrigé ces chiffres : une autre personne (le coach du "
                "projet ou un organisateur) doit les vérifier ou les renvoyer."
            )
        )
    reason = _("Par la personne qui a déclaré : vérification par une seule personne autorisée")
    return reason[:100]  # the history's change reason holds 100 characters, in any language
