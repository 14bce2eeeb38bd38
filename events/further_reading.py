"""The "Pour en savoir plus" links an organiser types for the synthesis, one per line.

A line is ``Libellé | https://adresse`` or a bare address (``www.sobizhub.org``, read as https).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ReadingLink:
    label: str
    url: str

    @property
    def shown_url(self) -> str:
        """The address as printed on paper: without its scheme nor a trailing slash."""
        return self.url.split("://", 1)[-1].rstrip("/")


def _parse_line(line: str) -> ReadingLink:
    label, separator, address = line.rpartition("|")
    label, address = label.strip(), address.strip()
    if separator and not address:
        raise ValueError(_("l'adresse manque après « | »"))
    if " " in address:
        raise ValueError(_("une adresse web ne contient pas d'espace"))
    if "://" not in address:
        address = f"https://{address}"
    try:
        _url_validator(address)
    except ValidationError:
        raise ValueError(_("ce n'est pas une adresse web valide (https://…)")) from None
    link = ReadingLink(label="", url=address)
    return ReadingLink(label=label or link.shown_url, url=address)


def parse_further_reading(text: str) -> list[ReadingLink]:
    """The links of ``text``, in order; blank lines are skipped.

    Raises ValidationError with one French message per bad line (its number and why).
    """
    links, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            links.append(_parse_line(line.strip()))
        except ValueError as error:
            errors.append(
                ValidationError(
                    _("Ligne %(number)d (« %(line)s ») : %(reason)s."),
                    code="invalid_link",
                    params={"number": number, "line": line.strip()[:80], "reason": error},
                )
            )
    if errors:
        raise ValidationError(errors)
    return links


def further_reading_links(text: str) -> list[ReadingLink]:
    """The valid links of ``text``, skipping bad lines (for printing text saved before checks)."""
    links = []
    for line in (text or "").splitlines():
        if line.strip():
            try:
                links.append(_parse_line(line.strip()))
            except ValueError:
                continue
    return links


def validate_further_reading(text: str) -> None:
    """The model field's validator: every non-blank line must be a link."""
    parse_further_reading(text)
