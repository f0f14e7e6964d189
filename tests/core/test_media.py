"""Uploads are raster pictures, re-encoded; media are served inert (issue
13, defect 16: an uploaded landing.html was served as text/html and an SVG
as image/svg+xml, without CSP, on the back office's origin)."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kedai.core.images import RasterImageFormField

pytestmark = pytest.mark.django_db

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)'
       b'</script></svg>')
HTML = b"<!doctype html><script>fetch('/office/')</script>"


def picture(fmt="PNG", size=(60, 40), mode="RGB", extra=b"") -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, (10, 120, 90) if mode == "RGB" else None).save(buffer, fmt)
    return buffer.getvalue() + extra


@pytest.mark.parametrize("name,data", [
    ("logo.svg", SVG),
    ("landing.html", HTML),
    ("logo.png", SVG),  # the name lies
    ("photo.bmp", picture("BMP")),
    ("photo.tif", picture("TIFF")),
])
def test_only_raster_pictures_are_accepted(name, data):
    with pytest.raises(ValidationError):
        RasterImageFormField().clean(SimpleUploadedFile(name, data))


def test_a_picture_is_stored_as_a_fresh_encoding():
    """A GIF/HTML polyglot keeps only its pixels, under a picture's name."""
    polyglot = SimpleUploadedFile("landing.html", picture("GIF", extra=HTML))
    cleaned = RasterImageFormField().clean(polyglot)
    assert cleaned.name == "landing.png"
    content = cleaned.read()
    assert HTML not in content and content.startswith(b"\x89PNG")
    photo = RasterImageFormField().clean(SimpleUploadedFile("a.jpeg",
                                                            picture("JPEG")))
    assert photo.name == "a.jpg" and photo.content_type == "image/jpeg"


def test_a_picture_over_the_pixel_limit_is_refused_before_decoding():
    huge = SimpleUploadedFile("huge.png", picture("PNG", size=(8000, 6000),
                                                  mode="1"))
    with pytest.raises(ValidationError, match="megapixels"):
        RasterImageFormField().clean(huge)


@pytest.mark.parametrize("name,content,kind", [
    ("landing.html", HTML, "download"),
    ("logo.svg", SVG, "download"),
    ("notes.txt", b"hello", "download"),
    ("photo.png", picture("PNG"), "image/png"),
    ("photo.jpg", picture("JPEG"), "image/jpeg"),
])
def test_media_are_served_inert(client, settings, tmp_path, name, content, kind):
    """Whatever is in MEDIA_ROOT (a restored backup, a file copied there)."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / name).write_bytes(content)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    if kind == "download":
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == "attachment"
    else:
        assert response["Content-Type"] == kind
        assert not response.get("Content-Disposition", "").startswith("attachment")
