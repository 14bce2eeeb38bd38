"""Bombs refused from their headers, with a French message and no large allocation (issue 14):
a 2 MB ODT whose ``mimetype`` inflates to 2 GiB, a DOCX zip bomb, a 39-megapixel PNG."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from accompaniment.domain.errors import Refused
from accompaniment.domain.evidence import clean_evidence_file
from projects.domain.images import ImageRefused, reencode_image
from territoire.uploads import MAX_IMAGE_PIXELS, image_header
from tests import bombs

MEMORY_CEILING = 50 * 1024 * 1024
PNG_39_MEGAPIXELS = bombs.png(7800, 5000)


@pytest.fixture(autouse=True)
def _no_image_is_decoded(monkeypatch):
    """Pillow decodes outside Python's allocator (tracemalloc cannot see it): any decoding at all
    fails the test instead."""

    def decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decoding)


def _peak_while(action) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_the_bombs_are_genuine():
    odt = zipfile.ZipFile(io.BytesIO(bombs.odt_bomb()))
    docx = zipfile.ZipFile(io.BytesIO(bombs.docx_bomb()))

    assert len(bombs.odt_bomb()) < 3_000_000
    assert odt.getinfo("mimetype").file_size == 2 * bombs.GIB
    assert odt.open("mimetype").read(bombs.CHUNK) == bytes(bombs.CHUNK)
    assert sum(entry.file_size for entry in docx.infolist()) > 2_000_000_000
    with (
        pytest.warns(Image.DecompressionBombWarning),
        Image.open(io.BytesIO(PNG_39_MEGAPIXELS)) as image,
    ):
        assert image.width * image.height == 39_000_000
    assert len(PNG_39_MEGAPIXELS) < 10_000


@pytest.mark.parametrize("bomb", [bombs.odt_bomb, bombs.docx_bomb], ids=["odt", "docx"])
def test_an_evidence_zip_bomb_is_refused_before_anything_is_inflated(bomb):
    upload = SimpleUploadedFile("preuve.odt", bomb())
    refusals = []

    def upload_it():
        with pytest.raises(Refused) as refused:
            clean_evidence_file(upload)
        refusals.append(refused.value)

    peak = _peak_while(upload_it)

    assert "se décompresse en un volume anormal" in str(refusals[0])
    assert refusals[0].field == "evidence_file"
    assert peak < MEMORY_CEILING


def test_an_evidence_image_of_39_megapixels_is_refused_from_its_header():
    refusals = []

    def upload_it():
        with pytest.raises(Refused) as refused:
            clean_evidence_file(SimpleUploadedFile("photo.png", PNG_39_MEGAPIXELS))
        refusals.append(refused.value)

    peak = _peak_while(upload_it)

    assert "Cette image est trop grande : 25 millions de pixels au plus" in str(refusals[0])
    assert peak < MEMORY_CEILING


def test_a_project_image_of_39_megapixels_is_refused_from_its_header():
    refusals = []

    def upload_it():
        with pytest.raises(ImageRefused) as refused:
            reencode_image(SimpleUploadedFile("photo.png", PNG_39_MEGAPIXELS))
        refusals.append(refused.value)

    peak = _peak_while(upload_it)

    assert "Cette image est trop grande" in str(refusals[0])
    assert peak < MEMORY_CEILING


@pytest.mark.parametrize("side", [(6000, 4000), (5000, 5000)])
def test_a_camera_sized_image_passes_the_header_check(side):
    with image_header(io.BytesIO(bombs.png(*side))) as image:
        assert image.size == side


def test_an_image_beyond_twice_the_limit_is_refused_the_same_way():
    with pytest.raises(ImageRefused, match="trop grande"):
        reencode_image(SimpleUploadedFile("photo.png", bombs.png(10_000, 10_000)))


def test_pillow_refuses_bombs_everywhere():
    assert Image.MAX_IMAGE_PIXELS == MAX_IMAGE_PIXELS


def test_an_honest_document_is_kept():
    docx = bombs.zip_archive(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document>" + b"<w:p>Compte rendu</w:p>" * 2000),
        ]
    )

    assert clean_evidence_file(SimpleUploadedFile("cr.docx", docx)).name.endswith(".docx")


def test_an_odt_mimetype_entry_is_read_only_as_far_as_it_must_be():
    odt = bombs.zip_archive(
        [("mimetype", b"application/vnd.oasis.opendocument.text" + b"-suite" * 200)]
    )

    with pytest.raises(Refused, match="type de fichier"):
        clean_evidence_file(SimpleUploadedFile("preuve.odt", odt))
