import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accompaniment.domain.errors import Refused
from accompaniment.domain.evidence import MAX_EVIDENCE_BYTES, clean_evidence_file


def _png_with_trailing_payload() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue() + b"<script>alert(1)</script>"


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_an_image_is_re_encoded_under_a_random_name():
    stored = clean_evidence_file(SimpleUploadedFile("photo.png", _png_with_trailing_payload()))

    data = stored.read()
    assert stored.name.endswith(".png") and "photo" not in stored.name
    assert b"<script>" not in data
    assert Image.open(io.BytesIO(data)).size == (4, 4)


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (b"%PDF-1.7\n%...", "pdf"),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b""}), "odt"),
        (_zip({"[Content_Types].xml": b"", "word/document.xml": b""}), "docx"),
    ],
)
def test_documents_are_recognised_by_their_content(data, extension):
    stored = clean_evidence_file(SimpleUploadedFile("preuve.bin", data))

    assert stored.name.endswith(f".{extension}")


@pytest.mark.parametrize(
    "data",
    [b"MZ\x90\x00", b"<html><script>alert(1)</script></html>", _zip({"evil.sh": b"rm -rf"})],
)
def test_other_types_are_refused(data):
    with pytest.raises(Refused, match="type de fichier"):
        clean_evidence_file(SimpleUploadedFile("preuve.pdf", data))


def test_a_file_over_10_mb_is_refused():
    with pytest.raises(Refused, match="10 Mo"):
        clean_evidence_file(SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES))
