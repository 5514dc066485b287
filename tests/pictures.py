"""Pictures for the tests, made with Pillow on the spot (nothing downloaded)."""

import io
import zlib

from PIL import Image, ImageCms

RED = (255, 0, 0)
GREY = (90, 110, 130)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="51,30.5N"/></rdf:RDF></x:xmpmeta>'
)


def portrait_photo_with_gps(size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A phone photo taken upright: stored landscape (``size``) with EXIF Orientation 6
    ("turn 90 degrees clockwise to show"), a red marker in the stored top-left corner,
    which shows at the top-right once turned; with GPS, a camera serial number, XMP, an
    ICC profile and a comment, all of which must go."""
    image = Image.new("RGB", size, GREY)
    image.paste(RED, (0, 0, size[0] // 8, size[1] // 8))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Phone maker"
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-0042"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 30.0, 30.0), 3: "W", 4: (0.0, 7.0, 10.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out, "JPEG", quality=90, exif=exif, xmp=XMP, icc_profile=icc, comment=b"flat 3, no 12"
    )
    return out.getvalue()


def picture(format: str = "PNG", size: tuple[int, int] = (800, 600), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, GREY if mode == "RGB" else 128).save(out, format)
    return out.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose header says it is ``width`` x ``height``: it would take
    gigabytes to decode, and weighs a few hundred bytes."""
    data = bytearray(picture("JPEG", (16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says ``width`` x ``height`` and whose data is a few bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    whole = portrait_photo_with_gps((800, 600))
    return whole[: len(whole) // 2]


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
