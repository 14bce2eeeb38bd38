"""Evidence files (a milestone's proof, a job's contract): size and type checked by their content,
images re-encoded so that nothing but pixels is kept (no metadata, no payload after the image).
Archives and images are inspected from their headers first (territoire.uploads): a zip bomb or a
decompression bomb is refused before anything is inflated or decoded."""

import io
import secrets
import zipfile

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from accompaniment.domain.errors import Refused
from territoire.uploads import UploadRefused, check_archive, image_header, read_entry_head

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Pillow's format → the extension and format we store it as.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _refuse_type() -> Refused:
    return Refused(
        _(
            "Ce type de fichier n'est pas accepté : envoyez un PDF, une image (JPEG, PNG, WebP) "
            "ou un document ODT ou DOCX."
        ),
        field="evidence_file",
    )


def _office_kind(data: bytes) -> str | None:
    """``odt`` or ``docx`` for a well-formed document of that kind, else None. Raises Refused
    for an archive that would inflate to too much (checked before reading any entry)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive, len(data))
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and read_entry_head(archive, "mimetype", len(ODT_MIMETYPE) + 2).strip()
                == ODT_MIMETYPE
            ):
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except UploadRefused as refusal:
        raise Refused(str(refusal), field="evidence_file") from None
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, NotImplementedError, ValueError):
        return None
    return None


def _reencoded_image(data: bytes) -> tuple[bytes, str] | None:
    """The image's pixels saved again in its own format, or None when it is not an image we
    accept. Raises Refused for an image too large to decode safely (known from its header)."""
    try:
        with image_header(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in IMAGE_FORMATS:
                return None
            image = probe.convert("RGB") if fmt == "JPEG" else probe.convert("RGBA")
            out = io.BytesIO()
            image.save(out, format=fmt)
    except UploadRefused as refusal:
        raise Refused(str(refusal), field="evidence_file") from None
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        return None
    return out.getvalue(), IMAGE_FORMATS[fmt]


def clean_evidence_file(upload: UploadedFile) -> ContentFile:
    """The file to store for ``upload``, under a random name, or Refused with a clear message.

    PDF and ODT/DOCX are recognised by their content, not their name, and kept as sent; JPEG,
    PNG and WebP are re-encoded with Pillow. Anything else, or anything over 10 MB, is refused.
    """
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise Refused(
            _("Ce fichier dépasse 10 Mo : envoyez-en une version plus légère."),
            field="evidence_file",
        )
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise Refused(
            _("Ce fichier dépasse 10 Mo : envoyez-en une version plus légère."),
            field="evidence_file",
        )
    name = secrets.token_hex(12)
    if data.startswith(b"%PDF-"):
        return ContentFile(data, name=f"{name}.pdf")
    office = _office_kind(data) if data.startswith(b"PK") else None
    if office:
        return ContentFile(data, name=f"{name}.{office}")
    image = _reencoded_image(data)
    if image is not None:
        content, extension = image
        return ContentFile(content, name=f"{name}.{extension}")
    raise _refuse_type()
