"""Images people upload for a project's public page: checked, then re-encoded by Pillow."""

import io
import secrets

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from territoire.errors import Refused
from territoire.uploads import UploadRefused, image_header

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


class ImageRefused(Refused):
    """The file is not an image we take: wrong type, too large, unreadable."""


def reencode_image(upload, *, name_hint: str = "image") -> ContentFile:
    """A clean copy of an uploaded JPEG, PNG or WebP: metadata dropped (location, camera…),
    turned upright, at most 1600 px on its longest side. PNGs with transparency stay PNG, the
    rest becomes JPEG.

    Raises ImageRefused with a message for the person.
    """
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ImageRefused(
            _("Cette image pèse %(size)s Mo : 5 Mo au plus. Réduisez-la avant de l'envoyer.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")}
        )
    try:
        upload.seek(0)
        # The pixel count is read from the header and checked before anything is decoded.
        with image_header(upload) as source:
            if source.format not in ALLOWED_FORMATS:
                raise ImageRefused(_("Choisissez une image JPEG, PNG ou WebP."))
            source.load()
            image = ImageOps.exif_transpose(source)
    except ImageRefused:
        raise
    except UploadRefused as refusal:
        raise ImageRefused(str(refusal)) from None
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        ValueError,
        SyntaxError,
    ):
        raise ImageRefused(
            _("Ce fichier n'est pas une image lisible : choisissez une image JPEG, PNG ou WebP.")
        ) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    keeps_alpha = image.mode in ("RGBA", "LA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if keeps_alpha:
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(out.getvalue(), name=f"{name_hint}-{secrets.token_hex(4)}.{extension}")
