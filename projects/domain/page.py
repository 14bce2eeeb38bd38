"""A project's public page, edited by its team: two people saving at once cannot silently
overwrite each other."""

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.domain.publishing import ProjectRefused, announce_when_public
from projects.models import Project
from territoire.errors import StaleEdit
from territoire.impact.cache import impact_changed
from territoire.models import User

# What the team edits on its public page (the status and the coach stay with the organisers).
PAGE_FIELDS = (
    "name",
    "pitch",
    "description",
    "website",
    "public_email",
    "is_public",
    "show_team",
    "show_needs",
    "show_jobs",
)


def _stale(project: Project) -> StaleEdit:
    """The refusal of an edit made over an older revision: the page's fields as they are now
    (the other person's version) and the revision to carry in a form that replaces them."""
    current = {name: getattr(project, name) for name in PAGE_FIELDS}
    current["image"] = project.image
    return StaleEdit(
        _("Quelqu'un d'autre a modifié cette page pendant que vous l'éditiez."),
        current=current,
        revision=project.revision,
    )


def update_project_page(
    *, project: Project, by: User | None, revision: int, image: File | None = None, **fields
) -> Project:
    """Save the public page's ``fields`` (any of PAGE_FIELDS) and, when given, a new ``image``
    (already re-encoded: projects.domain.images.reencode_image), if nobody saved the page since
    the form was made from ``revision``.

    The check is the UPDATE itself (``WHERE revision = <revision>``), so two saves from the same
    revision cannot both pass, whatever the timing.
    Raises StaleEdit (carrying the current values) when the page changed meanwhile, and
    ProjectRefused when the new name is another project's.
    Side effects: the fields saved and ``revision`` bumped in one statement; one history row
    naming ``by``; a new image file stored (removed again when the save is refused); the news
    queued for the table's followers when the page is made public.
    """
    unknown = set(fields) - set(PAGE_FIELDS)
    if unknown:
        raise TypeError(f"not page fields: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        clash = Project.objects.filter(
            territory_id=project.territory_id, name__iexact=fields["name"]
        ).exclude(pk=project.pk)
        if clash.exists():
            raise ProjectRefused(
                _("Un autre projet du territoire s'appelle déjà « %(name)s ».")
                % {"name": fields["name"]},
                field="name",
            )
    storage = Project._meta.get_field("image").storage
    stored_name = None
    if image is not None:
        upload_to = Project._meta.get_field("image").upload_to
        stored_name = storage.save(f"{upload_to}{image.name}", image)
        fields["image"] = stored_name
    try:
        with transaction.atomic():
            updated = Project.objects.filter(pk=project.pk, revision=revision).update(
                revision=F("revision") + 1, updated_at=timezone.now(), **fields
            )
            fresh = Project.objects.get(pk=project.pk)
            if updated == 0:
                raise _stale(fresh)
            # The UPDATE bypassed save(): write the history row it would have written.
            fresh._history_user = by
            Project.history.bulk_history_create([fresh], update=True, default_user=by)
            impact_changed(fresh.territory_id)
            if fields.get("is_public") and not project.is_public:
                announce_when_public(fresh)
    except (StaleEdit, IntegrityError) as error:
        if stored_name:
            storage.delete(stored_name)
        if isinstance(error, IntegrityError):
            raise ProjectRefused(
                _("Un autre projet du territoire porte déjà ce nom : choisissez-en un autre."),
                field="name",
            ) from None
        raise
    return fresh
