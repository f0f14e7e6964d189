"""Image processing for product photos: thumbnails made with Pillow."""

from io import BytesIO
from pathlib import PurePath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

THUMBNAIL_SIZE = (480, 480)


class ImageProcessingError(ValueError):
    """The upload is not an image Pillow can read."""


def thumbnail_from(fileobj, name: str) -> ContentFile:
    """Return a WebP thumbnail (at most 480×480, aspect kept) of ``fileobj``."""
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail(THUMBNAIL_SIZE)
            if img.mode not in ("RGB", "RGBA"):
                img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
            out = BytesIO()
            img.save(out, "WEBP", quality=80, method=4)
    except (UnidentifiedImageError, OSError) as exc:
        raise ImageProcessingError(str(exc)) from exc
    return ContentFile(out.getvalue(), name=f"{PurePath(name).stem}.webp")
