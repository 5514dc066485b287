"""Pictures organisers upload for a meeting or a group: verified, turned upright and
re-encoded without a single metadata field before anything stores them.

A photo taken at a meeting can carry where it was taken (GPS), the camera's serial
number, an XMP packet, an ICC profile and comments: none of it may reach the public.
So nothing of the upload is kept: Pillow reads its header, and only a JPEG, PNG or
WebP (known from its content, never its name) of at most ``PIXEL_CAP`` pixels is
decoded at all, with Pillow's decompression-bomb warning turned into an error. A
12,000 x 12,000 picture is refused from its header, before a byte of it is decoded.
The decoded pixels, turned as their EXIF orientation says, are copied into a new
image that has no ``info`` at all and saved as JPEG in three sizes (``VARIANTS``).

The files go through Django's storage API (``STORAGES["default"]``: ``MEDIA_ROOT`` on
disk, or an S3-compatible store), under random names that say nothing of the meeting,
so an unlisted meeting's picture cannot be found without its page. They are deleted
once the transaction that replaced or removed the picture commits, and every cached
public page goes with them rather than show a picture that is gone.
"""

import base64
import io
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from turnout.core import pagecache
from turnout.core.models import Picture
from turnout.core.uploads import MB

MAX_BYTES = 10 * MB
PIXEL_CAP = 40_000_000
FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPT = "image/jpeg,image/png,image/webp"  # the file input's hint; the content decides
WIDTHS = {"large": 1200, "small": 600}
SOCIAL = (1080, 1350)
DECODED = (2400, 2400)  # enough pixels for every variant
ALT_TEXT_MAX = 300
QUALITY = 85
FOLDER = "pictures"


def clean_alt_text(alt_text: str) -> str:
    """The description read out instead of the picture: required, and short."""
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        message = _("Describe the picture for people who cannot see it: a sentence is enough.")
        raise ValidationError({"alt_text": message})
    if len(alt_text) > ALT_TEXT_MAX:
        message = _("Keep the description to %(max)s characters (it has %(length)s).") % {
            "max": ALT_TEXT_MAX,
            "length": len(alt_text),
        }
        raise ValidationError({"alt_text": message})
    return alt_text


def store(*, upload, alt_text: str) -> Picture:
    """The upload re-encoded into its three files, stored, and its ``Picture`` row.
    Raises a ValidationError on ``picture`` or ``alt_text`` (nothing stored then)."""
    alt_text = clean_alt_text(alt_text)
    image = _upright_pixels(_open(upload))
    picture = Picture(alt_text=alt_text)
    for name, width in WIDTHS.items():
        variant = _narrowed(image, width)
        setattr(picture, name, _save(variant, name))
        setattr(picture, f"{name}_width", variant.width)
        setattr(picture, f"{name}_height", variant.height)
    picture.social = _save(ImageOps.fit(image, SOCIAL, Image.Resampling.LANCZOS), "social")
    picture.save()
    return picture


def attach(owner, *, upload, alt_text: str, **fields) -> None:
    """Give ``owner`` (a meeting or a group: a model with a ``picture`` field) a picture:
    a new upload replaces the old one; without one, only the description changes. Other
    ``fields`` of the owner are saved with it."""
    with transaction.atomic():
        owner.picture = replace(current=owner.picture, upload=upload, alt_text=alt_text)
        for name, value in fields.items():
            setattr(owner, name, value)
        owner.save(update_fields=["picture", *fields])
        transaction.on_commit(pagecache.drop_all)


def detach(owner, **fields) -> None:
    """Remove ``owner``'s picture (if any), saving other ``fields`` with it."""
    with transaction.atomic():
        if owner.picture is not None:
            discard(owner.picture)
        owner.picture = None
        for name, value in fields.items():
            setattr(owner, name, value)
        owner.save(update_fields=["picture", *fields])
        transaction.on_commit(pagecache.drop_all)


def replace(*, current: Picture | None, upload, alt_text: str) -> Picture:
    """What a meeting or group's picture becomes: a new upload replaces ``current``
    (deleted with its files); without one, ``current`` gets the new description."""
    if upload is not None:
        new = store(upload=upload, alt_text=alt_text)
        if current is not None:
            discard(current)
        return new
    if current is None:
        raise ValidationError({"picture": _("Choose a picture to upload.")})
    current.alt_text = clean_alt_text(alt_text)
    current.save(update_fields=["alt_text"])
    return current


def discard(picture: Picture) -> None:
    """Delete the row now and its files once the transaction commits (a rollback keeps
    the picture whole)."""
    names = [picture.large, picture.small, picture.social]
    picture.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def data_uri(name: str) -> str:
    """A stored file as a ``data:`` URI, for WeasyPrint, which fetches nothing; "" if
    the file is gone (a database restored without its media folder)."""
    try:
        with default_storage.open(name) as f:
            data = f.read()
    except OSError:
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def _refused() -> ValidationError:
    return ValidationError(
        {"picture": _("This file is not a JPEG, PNG or WebP picture. Upload one of those.")}
    )


def _open(upload) -> Image.Image:
    """The decoded picture, or a ValidationError: its format and size are checked from
    the header first, and only then are its pixels decoded."""
    if upload.size > MAX_BYTES:
        raise ValidationError({"picture": too_large_message()})
    upload.seek(0)
    data = upload.read()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise _refused() from None
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels(*_claimed_size(data)) from None
        if image.width * image.height > PIXEL_CAP:
            raise _too_many_pixels(image.width, image.height)
        # A large JPEG is decoded at a half, a quarter… of its size, never below DECODED.
        image.draft("RGB", DECODED)
        # WeasyPrint, once imported, lets Pillow fill a cut-short file with grey
        # (ImageFile.LOAD_TRUNCATED_IMAGES): not here. Workers serve one request at a time.
        lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            image.load()
        except (OSError, ValueError, SyntaxError, EOFError):
            raise ValidationError(
                {
                    "picture": _(
                        "The picture is damaged or cut short. Save it again and upload "
                        "the new file."
                    )
                }
            ) from None
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return image


def _claimed_size(data: bytes) -> tuple[int, int]:
    """What the header says, when Pillow's own check refused to open the picture: its
    format's reader reads the header alone (``Image.open`` without the check)."""
    Image.init()
    for name in FORMATS:
        reader, accept = Image.OPEN[name]
        if accept is None or accept(data[:16]):
            return reader(io.BytesIO(data)).size
    raise ValueError("not one of FORMATS")  # Image.open found one of them


def _too_many_pixels(width: int, height: int) -> ValidationError:
    message = _(
        "The picture is %(width)s × %(height)s pixels; at most 40 megapixels are taken "
        "(8000 × 5000, for example). Make it smaller and upload it again."
    ) % {"width": width, "height": height}
    return ValidationError({"picture": message})


def too_large_message() -> str:
    return _("The picture is larger than %(mb)s MB. Make it smaller and upload it again.") % {
        "mb": MAX_BYTES // MB
    }


def _upright_pixels(image: Image.Image) -> Image.Image:
    """The pixels alone, turned as the EXIF orientation says, in RGB on white (where the
    picture was transparent), in a new image that holds no metadata at all."""
    try:
        turned = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, KeyError, TypeError):  # a broken EXIF block
        turned = image
    if turned.mode in ("RGBA", "LA") or (turned.mode == "P" and "transparency" in turned.info):
        rgba = turned.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = turned.convert("RGB")
    return Image.frombytes("RGB", flat.size, flat.tobytes())


def _narrowed(image: Image.Image, width: int) -> Image.Image:
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _save(image: Image.Image, variant: str) -> str:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    name = f"{FOLDER}/{secrets.token_hex(16)}-{variant}.jpg"
    return default_storage.save(name, ContentFile(out.getvalue()))
