"""Hostile uploads built in memory at little cost: zip bombs (ODT, DOCX) and a PNG whose header
promises tens of megapixels. Each is a genuine bomb (a valid archive or image that would inflate to
what it declares), written byte by byte so that building it allocates a few megabytes only."""

import struct
import zlib
from functools import cache

CHUNK = 1 << 20  # 1 MiB of zeros
GIB = 1 << 30


@cache
def _zeros_block() -> bytes:
    """1 MiB of zeros, deflated and fully flushed: a self-contained block, so that the deflate
    stream of N MiB of zeros is this block N times, then an empty final block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(bytes(CHUNK)) + compressor.flush(zlib.Z_FULL_FLUSH)


@cache
def _zeros_crc(size: int) -> int:
    chunk, crc = bytes(CHUNK), 0
    for _ in range(size // CHUNK):
        crc = zlib.crc32(chunk, crc)
    return crc


def deflated_zeros(size: int) -> tuple[bytes, int]:
    """``size`` bytes of zeros (a multiple of 1 MiB) as a raw deflate stream, and their CRC-32."""
    assert size % CHUNK == 0
    return _zeros_block() * (size // CHUNK) + b"\x03\x00", _zeros_crc(size)


def zip_archive(members: list[tuple[str, bytes | int]]) -> bytes:
    """A zip archive of (name, content) members; an int content is that many zeros, deflated."""
    body, directory = b"", b""
    for name, content in members:
        encoded = name.encode()
        if isinstance(content, int):
            data, crc = deflated_zeros(content)
            method, size = 8, content
        else:
            data, crc, method, size = content, zlib.crc32(content), 0, len(content)
        offset = len(body)
        body += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(data), size, len(encoded), 0
        )
        body += encoded + data
        directory += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            method,
            0,
            0,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return body + directory + end


def odt_bomb() -> bytes:
    """About 2 MB: an ODT whose ``mimetype`` entry inflates to 2 GiB."""
    return zip_archive([("mimetype", 2 * GIB), ("content.xml", b"<office:document/>")])


def docx_bomb() -> bytes:
    """About 2 MB: a DOCX whose parts inflate to 2 GiB in all, 50 MiB each (each part's ratio
    alone is that of zeros; together they are far beyond any document)."""
    parts = [(f"word/media/image{n}.bin", 50 * CHUNK) for n in range(40)]
    return zip_archive(
        [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>"), *parts]
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))


def png(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of ``width`` by ``height`` (1 bit a pixel, all black): a few
    kilobytes that Pillow would decode into width * height bytes, or four times that in RGBA."""
    row = bytes(1 + (width + 7) // 8)  # filter byte, then the pixels
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">2L5B", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )
