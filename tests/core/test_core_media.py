"""hrd_field.core.media: find a photo's location, and make a clean copy, in memory (no Qt)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, ImageOps, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

from hrd_field.core.errors import UserError
from hrd_field.core.media import gps_location, has_metadata, strip_metadata

MARKER = "HRD-MEDIA-MARKER-6f1d93"
COMMENT = b"HRD-COMMENT-MARKER-2b77"
LAT = 12 + 30 / 60 + 15 / 3600  # 12°30'15" N
LON = -(77 + 1 / 60 + 36 / 3600)  # 77°1'36" W


def gps_exif(lat_ref: str | None = "N", lon_ref: str | None = "W",
             lat: tuple = (IFDRational(12, 1), IFDRational(30, 1), IFDRational(15, 1)),
             lon: tuple = (IFDRational(77, 1), IFDRational(1, 1), IFDRational(36, 1)),
             orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = MARKER  # ImageDescription
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation is not None:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    if lat_ref is not None:
        gps[1] = lat_ref
    gps[2] = lat
    if lon_ref is not None:
        gps[3] = lon_ref
    gps[4] = lon
    return exif


def two_colour(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """Left half red, right half blue: shows any rotation or mirroring."""
    im = Image.new("RGB", size, "blue")
    im.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    return im


def encode(im: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def jpeg_with_gps(**exif_options) -> bytes:
    return encode(two_colour(), "JPEG", exif=gps_exif(**exif_options).tobytes(),
                  comment=COMMENT, quality=95)


# -- gps_location --------------------------------------------------------------------------
def test_gps_location_reads_signed_decimal_degrees():
    lat, lon = gps_location(jpeg_with_gps())
    assert lat == pytest.approx(LAT, abs=1e-9)
    assert lon == pytest.approx(LON, abs=1e-9)


@pytest.mark.parametrize(("lat_ref", "lon_ref", "signs"), [
    ("N", "E", (1, 1)), ("S", "E", (-1, 1)), ("S", "W", (-1, -1)), ("N", "W", (1, -1)),
    (None, None, (1, 1)),  # no reference written: the position is still reported
])
def test_gps_location_references(lat_ref, lon_ref, signs):
    lat, lon = gps_location(jpeg_with_gps(lat_ref=lat_ref, lon_ref=lon_ref))
    assert lat == pytest.approx(signs[0] * LAT)
    assert lon == pytest.approx(signs[1] * abs(LON))


def test_gps_location_accepts_decimal_degrees_in_one_rational():
    data = jpeg_with_gps(lat=(IFDRational(4525, 100),),
                         lon=(IFDRational(610, 100),))
    assert gps_location(data) == pytest.approx((45.25, -6.1))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF", "AVIF"])
def test_gps_location_other_formats(fmt):
    data = encode(two_colour(), fmt, exif=gps_exif().tobytes())
    assert gps_location(data) == pytest.approx((LAT, LON))


def test_gps_location_none_without_gps_or_image():
    assert gps_location(encode(two_colour(), "JPEG")) is None
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    assert gps_location(encode(two_colour(), "JPEG", exif=exif.tobytes())) is None
    assert gps_location(b"") is None
    assert gps_location(b"not an image at all") is None
    assert gps_location(b"%PDF-1.7\n" + b"\x00" * 100) is None


@pytest.mark.parametrize("lat", [
    (IFDRational(1, 0), IFDRational(0, 1), IFDRational(0, 1)),  # x/0 is NaN
    (IFDRational(91, 1), IFDRational(0, 1), IFDRational(0, 1)),  # beyond the pole
    (IFDRational(1, 1), IFDRational(2, 1), IFDRational(3, 1), IFDRational(4, 1)),
])
def test_gps_location_malformed_values_are_none(lat):
    assert gps_location(jpeg_with_gps(lat=lat)) is None


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_gps_location_truncated_and_damaged_never_raise():
    data = jpeg_with_gps()
    for cut in (2, 10, 30, 100, len(data) // 2):
        gps_location(data[:cut])  # any answer, but no exception
    damaged = bytearray(data)
    for i in range(20, 400, 7):
        damaged[i] ^= 0xFF
    gps_location(bytes(damaged))


def test_gps_location_decompression_bomb_is_none(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # 40×20 = 800 > 2 × 100: refused
    assert gps_location(jpeg_with_gps()) is None


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow's notes on corrupt EXIF
@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_fuzz_random_bytes_never_raise(data):
    gps_location(data)
    has_metadata(data)
    try:
        strip_metadata(data)
    except UserError:
        pass


_SEED = jpeg_with_gps()


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow's notes on corrupt EXIF
@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_SEED) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))
def test_fuzz_mutated_photo_never_raises(edits):
    data = bytearray(_SEED)
    for pos, value in edits:
        data[pos] = value
    gps_location(bytes(data))
    has_metadata(bytes(data))
    try:
        strip_metadata(bytes(data))
    except UserError:
        pass


# -- has_metadata --------------------------------------------------------------------------
def test_has_metadata():
    assert has_metadata(jpeg_with_gps())
    assert not has_metadata(encode(two_colour(), "JPEG"))
    assert not has_metadata(encode(two_colour(), "PNG"))
    assert not has_metadata(encode(two_colour(), "TIFF"))  # structure tags are not metadata
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Somebody")
    assert has_metadata(encode(two_colour(), "PNG", pnginfo=info))
    assert has_metadata(encode(two_colour(), "JPEG", comment=b"hello"))
    assert has_metadata(encode(two_colour(), "JPEG", xmp=b"<x:xmpmeta>hi</x:xmpmeta>"))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    assert not has_metadata(encode(two_colour(), "JPEG", icc_profile=srgb))
    assert not has_metadata(b"not an image")


# -- strip_metadata ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF", "AVIF"])
def test_strip_removes_everything_and_keeps_format_and_size(fmt):
    options = {"comment": COMMENT} if fmt == "JPEG" else {}
    data = encode(two_colour((64, 48)), fmt, exif=gps_exif().tobytes(), **options)
    assert gps_location(data) is not None and has_metadata(data)
    clean = strip_metadata(data)
    with Image.open(io.BytesIO(clean)) as im:
        assert im.format == fmt
        assert im.size == (64, 48)
        assert len(im.getexif().get_ifd(0x8825)) == 0
        assert "comment" not in im.info and "xmp" not in im.info
    assert gps_location(clean) is None
    assert not has_metadata(clean)
    assert MARKER.encode() not in clean and COMMENT not in clean
    assert b"PhoneMaker" not in clean


def test_strip_removes_xmp_and_jpeg_comment():
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{MARKER}</x:xmpmeta>'.encode()
    data = encode(two_colour(), "JPEG", xmp=xmp, comment=COMMENT)
    clean = strip_metadata(data)
    assert MARKER.encode() not in clean and COMMENT not in clean
    assert not has_metadata(clean)


def test_strip_applies_orientation_before_dropping_it():
    original = two_colour((40, 20))
    data = encode(original, "PNG", exif=gps_exif(orientation=6).tobytes())
    clean = strip_metadata(data)
    with Image.open(io.BytesIO(clean)) as im:
        assert im.size == (20, 40)  # upright now, and no orientation tag left to apply
        assert 0x0112 not in im.getexif()
        upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        assert im.convert("RGB").tobytes() == upright.convert("RGB").tobytes()


def test_strip_keeps_pixels_of_lossless_formats():
    original = two_colour((33, 17))
    for fmt in ("PNG", "TIFF", "BMP"):
        clean = strip_metadata(encode(original, fmt))
        with Image.open(io.BytesIO(clean)) as im:
            assert im.format == fmt
            assert im.convert("RGB").tobytes() == original.tobytes()


def test_strip_keeps_colour_profile_only():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(two_colour(), "JPEG", icc_profile=srgb, exif=gps_exif().tobytes())
    clean = strip_metadata(data)
    with Image.open(io.BytesIO(clean)) as im:
        assert im.info.get("icc_profile") == srgb
    assert gps_location(clean) is None


def test_strip_png_text_and_palette_transparency():
    im = Image.new("P", (8, 8), 0)
    im.putpixel((1, 1), 5)
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", MARKER)
    data = encode(im, "PNG", pnginfo=info, transparency=0)
    clean = strip_metadata(data)
    assert MARKER.encode() not in clean
    with Image.open(io.BytesIO(clean)) as out, Image.open(io.BytesIO(data)) as before:
        assert out.mode == "P"
        assert "transparency" in out.info
        assert out.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()
        assert out.convert("RGBA").getpixel((0, 0))[3] == 0  # still transparent


def test_strip_keeps_animation_frames_and_timing():
    frames = [Image.new("RGB", (10, 10), c) for c in ("red", "green", "blue")]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:],
                  duration=[50, 60, 70], loop=0, comment=COMMENT)
    clean = strip_metadata(data)
    assert COMMENT not in clean
    with Image.open(io.BytesIO(clean)) as im:
        assert im.n_frames == 3
        durations = []
        for i in range(3):
            im.seek(i)
            durations.append(im.info.get("duration"))
        assert durations == [50, 60, 70]


def test_strip_multi_picture_jpeg_keeps_main_picture_only():
    second = Image.new("RGB", (40, 20), "green")
    second_exif = gps_exif()
    data = encode(two_colour(), "MPO", save_all=True, append_images=[second],
                  exif=second_exif.tobytes())
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "MPO"
    clean = strip_metadata(data)
    with Image.open(io.BytesIO(clean)) as im:
        assert im.format == "JPEG"
        assert getattr(im, "n_frames", 1) == 1
        assert im.size == (40, 20)
    assert MARKER.encode() not in clean
    assert gps_location(clean) is None


@pytest.mark.parametrize("data", [b"", b"plain text, not an image", b"\x89PNG\r\n\x1a\n",
                                  b"GIF89a" + b"\x00" * 20])
def test_strip_non_images_raise_user_error(data):
    with pytest.raises(UserError):
        strip_metadata(data)


def test_strip_truncated_image_raises_user_error():
    data = encode(Image.effect_noise((200, 200), 50).convert("RGB"), "JPEG")
    with pytest.raises(UserError):
        strip_metadata(data[: len(data) // 2])


def test_strip_decompression_bomb_raises_user_error(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(UserError):
        strip_metadata(jpeg_with_gps())


def test_media_imports_no_qt():
    code = ("import sys, hrd_field.core.media; "
            "assert not [m for m in sys.modules if m.startswith('PySide6')]")
    subprocess.run([sys.executable, "-c", code], check=True)
