"""Validation at the HTTP boundary: publishing, a project's page, its team, following it."""

from typing import Any, cast

from django import forms
from django.core.validators import URLValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from challenges.forms import ParagraphsField, PublicForm
from challenges.models import Challenge
from projects.domain.images import ImageRefused, reencode_image
from projects.domain.page import PAGE_FIELDS as PAGE_FIELD_NAMES
from projects.enums import SHOWCASE_STATUSES, MemberRole, ProjectStatus
from projects.models import Project, ProjectMember
from territoire.enums import Role
from territoire.form_fields import choice_field, model_choice_field
from territoire.models import Domain, Organisation, Territory, User

HTTP_ONLY = URLValidator(
    schemes=["http", "https"],
    message=_("Indiquez une adresse web qui commence par http:// ou https://."),
)


def _max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class _Choice(forms.ModelChoiceField):
    """A choice among a territory's objects. The options can be given once, already read, so
    that a page showing many forms reads them once (the queryset still validates a POST)."""

    def __init__(self, *args, label_attr: str = "name", **kwargs) -> None:
        self.label_attr = label_attr
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        return getattr(obj, self.label_attr)


class ProjectFieldsForm(forms.Form):
    """What an organiser states when a project is published or created."""

    name = forms.CharField(
        label=_("Nom du projet"),
        max_length=_max(Project, "name"),
        error_messages={"required": _("Donnez un nom au projet.")},
    )
    pitch = ParagraphsField(
        label=_("Pitch"),
        max_length=_max(Project, "pitch"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Deux ou trois phrases : ce que le projet fait, pour qui."),
        error_messages={"required": _("Écrivez le pitch du projet.")},
    )
    description = ParagraphsField(
        label=_("Description"),
        required=False,
        max_length=_max(Project, "description"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    challenge = _Choice(
        label=_("Défi"), queryset=Challenge.objects.none(), required=False, label_attr="title"
    )
    domain = _Choice(label=_("Domaine"), queryset=Domain.objects.none(), required=False)
    lead_organisation = _Choice(
        label=_("Organisation porteuse"), queryset=Organisation.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Statut"), choices=ProjectStatus.choices, initial=ProjectStatus.ACTIVE
    )
    coach = _Choice(
        label=_("Coach"), queryset=User.objects.none(), required=False, label_attr="full_name"
    )

    def __init__(self, *args, territory: Territory, choices: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "challenge").queryset = Challenge.objects.filter(
            territory=territory
        )
        model_choice_field(self, "domain").queryset = territory.domains.all()
        model_choice_field(self, "lead_organisation").queryset = Organisation.objects.filter(
            territory=territory
        )
        model_choice_field(self, "coach").queryset = User.objects.filter(
            memberships__territory=territory, memberships__role=Role.COACH
        ).distinct()
        for name, options in (choices or {}).items():
            choice_field(self, name).choices = options

    @staticmethod
    def shared_choices(territory: Territory) -> dict:
        """The options of the choice fields, read once for every form of a page."""
        form = ProjectFieldsForm(territory=territory)
        choices = {}
        for name in ("challenge", "domain", "lead_organisation", "coach"):
            field = model_choice_field(form, name)
            assert field.queryset is not None  # set in __init__
            choices[name] = [("", "---------")] + [
                (obj.pk, field.label_from_instance(obj)) for obj in field.queryset
            ]
        return choices

    def project_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "name",
                "pitch",
                "description",
                "challenge",
                "domain",
                "lead_organisation",
                "status",
                "coach",
            )
        }


class PublishForm(ProjectFieldsForm):
    """Publishing a project formed at a table: public at once, unless the organiser says not."""

    keep_private = forms.BooleanField(
        label=_("Garder le projet privé pour l'instant"),
        required=False,
        help_text=_(
            "Publié, le projet a aussitôt sa page publique et sa carte dans la vitrine "
            "(l'équipe peut les masquer ensuite). Cochez pour qu'il reste privé : seuls l'équipe, "
            "son coach et l'organisation le voient. Un projet « en préparation » reste privé "
            "de toute façon."
        ),
    )

    def project_fields(self) -> dict:
        return super().project_fields() | {"is_public": not self.cleaned_data["keep_private"]}


class ProjectPageForm(forms.Form):
    """The team's public page. ``revision`` is the page's revision the form was made from."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    name = forms.CharField(
        label=_("Nom du projet"),
        max_length=_max(Project, "name"),
        error_messages={"required": _("Donnez un nom au projet.")},
    )
    pitch = ParagraphsField(
        label=_("Pitch"),
        max_length=_max(Project, "pitch"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Écrivez le pitch du projet."),
            "max_length": _("Le pitch fait %(show_value)d caractères : %(limit_value)d au plus."),
        },
    )
    description = ParagraphsField(
        label=_("Description"),
        required=False,
        max_length=_max(Project, "description"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Texte simple : les retours à la ligne sont gardés, le HTML est affiché tel quel."
        ),
        error_messages={
            "max_length": _(
                "La description fait %(show_value)d caractères : %(limit_value)d au plus."
            ),
        },
    )
    website = forms.CharField(
        label=_("Site web"),
        required=False,
        max_length=200,
        validators=[HTTP_ONLY],
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    public_email = forms.EmailField(
        label=_("E-mail de contact public"),
        required=False,
        error_messages={"invalid": _("Cette adresse e-mail n'est pas valide.")},
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("JPEG, PNG ou WebP, 5 Mo au plus. Elle est redimensionnée et nettoyée."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    is_public = forms.BooleanField(label=_("Montrer le projet dans la vitrine"), required=False)
    show_team = forms.BooleanField(label=_("Montrer les noms de l'équipe"), required=False)
    show_needs = forms.BooleanField(label=_("Montrer nos besoins"), required=False)
    show_jobs = forms.BooleanField(label=_("Montrer les emplois créés"), required=False)

    def __init__(self, *args, project: Project, **kwargs) -> None:
        self.project = project
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "revision": project.revision,
                **{name: getattr(project, name) for name in PAGE_FIELD_NAMES},
                **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)

    def clean_website(self) -> str:
        return self.cleaned_data["website"].strip()

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        try:
            return reencode_image(upload, name_hint=self.project.slug)
        except ImageRefused as refusal:
            raise forms.ValidationError(str(refusal), code="image") from None

    def page_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PAGE_FIELD_NAMES}

    def with_revision(self, revision: int) -> None:
        """Carry ``revision`` (after a conflict): saving again then knowingly replaces it."""
        # The posted data (a QueryDict), or a dict; both copy.
        data = cast("QueryDict | dict[str, Any]", self.data).copy()
        data["revision"] = str(revision)
        self.data = data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=ProjectStatus.choices)


class MemberInviteForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nom"),
        max_length=_max(ProjectMember, "full_name"),
        error_messages={"required": _("Indiquez le nom de la personne.")},
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=_max(ProjectMember, "email"),
        error_messages={
            "required": _("Indiquez l'adresse e-mail où envoyer l'invitation."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
    )
    organisation_name = forms.CharField(
        label=_("Organisation (facultatif)"),
        required=False,
        max_length=_max(ProjectMember, "organisation_name"),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=MemberRole.choices, initial=MemberRole.MEMBER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=MemberRole.choices,
        error_messages={"invalid_choice": _("Choisissez un rôle de la liste.")},
    )


class MemberMergeForm(forms.Form):
    """Two entries of the team that are one person; the options are the team already read."""

    member = forms.TypedChoiceField(
        label=_("Cette entrée…"),
        coerce=int,
        error_messages={
            "required": _("Choisissez les deux entrées à fusionner."),
            "invalid_choice": _("Choisissez une personne de l'équipe."),
        },
    )
    into = forms.TypedChoiceField(
        label=_("…est la même personne que"),
        coerce=int,
        error_messages={
            "required": _("Choisissez les deux entrées à fusionner."),
            "invalid_choice": _("Choisissez une personne de l'équipe."),
        },
    )

    def __init__(self, *args, members: list[ProjectMember], **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", "---------")] + [(m.pk, _member_label(m)) for m in members]
        choice_field(self, "member").choices = options
        choice_field(self, "into").choices = options

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("member") is not None and cleaned.get("member") == cleaned.get("into"):
            raise forms.ValidationError(_("Choisissez deux entrées différentes."))
        return cleaned


def _member_label(member: ProjectMember) -> str:
    contact = member.email or member.phone
    return f"{member.full_name} ({contact})" if contact else member.full_name


class FollowForm(PublicForm):
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=254,
        help_text=_(
            "Vous recevrez un lien pour confirmer, puis les nouvelles publiques du projet, "
            "quelques fois par an. Un lien dans chaque e-mail permet d'arrêter."
        ),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ShowcaseFilterForm(forms.Form):
    """The showcase's filters, read from the query string; an unknown value is ignored."""

    domaine = forms.ChoiceField(label=_("Domaine"), required=False)
    defi = forms.ChoiceField(label=_("Défi"), required=False)
    statut = forms.ChoiceField(label=_("Statut"), required=False)

    def __init__(self, *args, domains, challenges, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        choice_field(self, "domaine").choices = everything + [(d.slug, d.name) for d in domains]
        choice_field(self, "defi").choices = everything + [(c.slug, c.title) for c in challenges]
        choice_field(self, "statut").choices = everything + [
            (status.value, status.label) for status in SHOWCASE_STATUSES
        ]

    def filters(self) -> dict:
        self.is_valid()  # a field with an unknown value is left out of cleaned_data
        return {
            "domain": self.cleaned_data.get("domaine", ""),
            "challenge": self.cleaned_data.get("defi", ""),
            "status": self.cleaned_data.get("statut", ""),
        }
