"""Uploaded files inspected without trusting them: bounded reads of archives, pixel counts of images
before any decoding. A 1 MB document that inflates to gigabytes, or a small PNG that decodes into
hundreds of megabytes, is refused from its headers alone (issue 14).

Used by the evidence files (accompaniment.domain.evidence) and the projects' images
(projects.domain.images).
"""

import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image

from territoire.errors import Refused

# Images: a 24-megapixel camera (6000 by 4000) passes, a decompression bomb does not.
MAX_IMAGE_PIXELS = 25_000_000

# Archives (ODT, DOCX): what the central directory declares, checked before reading any entry.
MAX_ARCHIVE_ENTRIES = 2_000
MAX_ARCHIVE_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# Text documents compress about 5 to 20 times; a run of zeros a thousand times.
MAX_ARCHIVE_RATIO = 100
# Below this size an entry's ratio does not matter (a short, repetitive XML file is fine).
RATIO_FREE_ENTRY_BYTES = 1024 * 1024


class UploadRefused(Refused):
    """The file is refused; ``str()`` is the reason, in French, ready to show."""


def configure_pillow() -> None:
    """Pillow's own guard, for every image opened anywhere (the admin's ImageFields included):
    a warning beyond MAX_IMAGE_PIXELS, an error beyond twice that, raised while reading the
    header, before any pixel is decoded."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def _too_many_pixels() -> UploadRefused:
    return UploadRefused(
        _(
            "Cette image est trop grande : %(limit)s millions de pixels au plus (par exemple "
            "6000 sur 4000). Réduisez-la avant de l'envoyer."
        )
        % {"limit": MAX_IMAGE_PIXELS // 1_000_000}
    )


@contextmanager
def image_header(fileobj: IO[bytes]) -> Iterator[Image.Image]:
    """The image in ``fileobj``, opened lazily (only its header read), once its size in pixels is
    known to be acceptable; UploadRefused beyond MAX_IMAGE_PIXELS. Other errors (not an image,
    truncated) are Pillow's: UnidentifiedImageError, OSError..."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(fileobj)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
    with image:
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise _too_many_pixels()
        yield image


def _oversized_archive() -> UploadRefused:
    return UploadRefused(
        _(
            "Ce document se décompresse en un volume anormal (plus de %(limit)s Mo ou un taux de "
            "compression suspect) : enregistrez-le à nouveau ou envoyez-le en PDF."
        )
        % {"limit": MAX_ARCHIVE_UNCOMPRESSED_BYTES // (1024 * 1024)}
    )


def check_archive(archive: zipfile.ZipFile, archive_bytes: int) -> None:
    """Refuse an archive (UploadRefused) whose entries, as its central directory declares them,
    are too many, inflate to too much in total, or compress suspiciously well — all before a single
    entry is read. ``archive_bytes`` is the uploaded file's size.

    The declared sizes bound what zipfile will ever inflate: it stops reading an entry at its
    declared size (and fails on a wrong checksum), so a lying directory buys nothing.
    """
    entries = archive.infolist()
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise _oversized_archive()
    total = sum(entry.file_size for entry in entries)
    if total > MAX_ARCHIVE_UNCOMPRESSED_BYTES or total > MAX_ARCHIVE_RATIO * max(archive_bytes, 1):
        raise _oversized_archive()
    for entry in entries:
        if entry.file_size > RATIO_FREE_ENTRY_BYTES and (
            entry.file_size > MAX_ARCHIVE_RATIO * entry.compress_size
        ):
            raise _oversized_archive()


def read_entry_head(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most ``limit`` bytes from the start of entry ``name`` (KeyError if there is none): never
    more inflated than that, whatever the entry's size."""
    with archive.open(name) as entry:
        return entry.read(limit)
