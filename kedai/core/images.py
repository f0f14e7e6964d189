"""Uploaded pictures: raster images only, decoded and re-encoded.

Media are served from the shop's own origin, beside the cookie-signed-in
back office, so an upload must never be anything a browser would run: no
HTML, no SVG, no "image" that is also a script. Every picture field
(product and category images, the logo, the banner) is a
:class:`RasterImageField`: the upload is decoded with Pillow within a pixel
limit, must be JPEG, PNG, GIF or WebP, and is stored as a fresh encoding
of its pixels (PNG, or JPEG for photos without transparency), under a name
ending in that format's extension — so metadata, trailing bytes and
polyglot tricks are dropped.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# 40 megapixels: larger than any phone photo; a bigger "image" is refused
# before its pixels are decoded (Pillow's own limit is about 179 MP).
MAX_PIXELS = 40_000_000
MAX_UPLOAD_BYTES = 20 * 2**20


def raster_reencode(fileobj, name: str) -> SimpleUploadedFile:
    """The picture in ``fileobj`` re-encoded, or ValidationError (code
    ``not_image``, ``too_large``) with a message for the form."""
    size = getattr(fileobj, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The picture is larger than 20 MB."),
                              code="too_large")
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as original:
            if original.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, GIF or WebP picture (not %(format)s).")
                    % {"format": original.format or _("this kind of file")},
                    code="not_image")
            width, height = original.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The picture is %(w)s × %(h)s pixels; at most 40 "
                      "megapixels are accepted.") % {"w": width, "h": height},
                    code="too_large")
            original.seek(0)  # the first frame of an animation
            picture = ImageOps.exif_transpose(original)
            picture.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError,
            ValueError, SyntaxError, EOFError):
        raise ValidationError(_("Upload a JPEG, PNG, GIF or WebP picture; this "
                                "file is not one (or is damaged)."),
                              code="not_image") from None
    has_alpha = "A" in picture.getbands() or "transparency" in picture.info
    out = BytesIO()
    if has_alpha or picture.mode == "P":
        picture = picture.convert("RGBA" if has_alpha else "RGB")
        picture.save(out, "PNG", optimize=True)
        extension, content_type = "png", "image/png"
    else:
        picture.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
        extension, content_type = "jpg", "image/jpeg"
    stem = get_valid_filename(PurePath(name or "picture").stem)[:80] or "picture"
    return SimpleUploadedFile(f"{stem}.{extension}", out.getvalue(),
                              content_type=content_type)


class RasterImageFormField(forms.ImageField):
    """An image upload that is replaced by its re-encoded pixels."""

    def to_python(self, data):
        checked = super().to_python(data)  # Django's own check with Pillow
        if checked is None:
            return None
        return raster_reencode(checked, checked.name or "image")


class RasterImageField(models.ImageField):
    """``models.ImageField`` whose forms (the admin's too) only take raster
    pictures, re-encoded. Migrations see a plain ImageField."""

    def formfield(self, **kwargs):
        return super().formfield(**{**kwargs, "form_class": RasterImageFormField})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
