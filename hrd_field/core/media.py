"""Hidden information in photos: where they were taken, and how to remove it.

Phones write the GPS position into every photo (EXIF). Someone who gets a copy of the file
learns where it was taken, which can point to a defender's home or a safe house. These
helpers find that position and make a clean copy, entirely in memory: the content of an
attachment never goes to a file, a temporary file or a log.

Only the image formats listed in ``_READABLE`` are parsed at all (less parser surface for
files that come from the field); everything else is "not an image" here.
"""

from __future__ import annotations

import io
import math
from typing import Any

from PIL import Image, ImageOps, ImageSequence

from .errors import UserError
from .i18n import _

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
_GPS_LATITUDE_REF, _GPS_LATITUDE, _GPS_LONGITUDE_REF, _GPS_LONGITUDE = 1, 2, 3, 4

# Formats parsed for metadata, and the formats a clean copy can be written in.
# (Pillow's JPEG reader also opens multi-picture JPEGs, reported as "MPO".)
_EXIF_FORMATS = ("JPEG", "PNG", "WEBP", "AVIF", "TIFF")
_READABLE = ("JPEG", "PNG", "WEBP", "AVIF", "GIF", "TIFF", "BMP")

# Image.info entries that describe the pixels, not the photo; everything else is metadata.
_TECHNICAL_INFO = frozenset({
    "jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "adobe", "adobe_transform",
    "progressive", "progression", "icc_profile", "transparency", "gamma", "srgb",
    "chromaticity", "aspect", "interlace", "duration", "loop", "background", "disposal",
    "blend", "bbox", "default_image", "version", "extension", "compression", "resolution",
    "mp", "mpoffset", "mpentry", "palette", "unit", "frame_transparency", "timestamp",
})
# TIFF files keep their structure in the same tags as EXIF: only these describe the photo.
_TIFF_DESCRIPTIVE_TAGS = frozenset({
    270,  # ImageDescription
    271,  # Make
    272,  # Model
    305,  # Software
    306,  # DateTime
    315,  # Artist
    316,  # HostComputer
    700,  # XMP
    33432,  # Copyright
    33723,  # IPTC
    34377,  # Photoshop
    EXIF_IFD,
    GPS_IFD,
})
# What a clean copy keeps from Image.info: only what is needed to draw the same pixels.
_KEEP_INFO = ("transparency", "duration")


def gps_location(data: bytes) -> tuple[float, float] | None:
    """The (latitude, longitude) in signed decimal degrees written in the image, or None.

    None as well when the data is not an image or its metadata is malformed: this never
    raises on hostile input.
    """
    try:
        with Image.open(io.BytesIO(data), formats=_EXIF_FORMATS) as img:
            gps = img.getexif().get_ifd(GPS_IFD)
            lat = _degrees(gps.get(_GPS_LATITUDE), gps.get(_GPS_LATITUDE_REF), "S")
            lon = _degrees(gps.get(_GPS_LONGITUDE), gps.get(_GPS_LONGITUDE_REF), "W")
    except Exception:  # malformed files raise almost anything; none of it may escape
        return None
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    return lat, lon


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    """Degrees/minutes/seconds rationals (or one decimal value) and a N/S/E/W reference."""
    if value is None:
        return None
    parts = list(value) if isinstance(value, tuple | list) else [value]
    if not 1 <= len(parts) <= 3:
        return None
    total = 0.0
    for part, scale in zip(parts, (1.0, 60.0, 3600.0), strict=False):
        number = float(part)
        if not math.isfinite(number) or number < 0:
            return None
        total += number / scale
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip("\x00 ").upper() == negative:
        total = -total
    return total


def has_metadata(data: bytes) -> bool:
    """Whether the image carries EXIF, GPS, XMP, IPTC, comments or text chunks.

    A colour profile does not count. False when the data is not an image read here.
    """
    try:
        with Image.open(io.BytesIO(data), formats=_READABLE) as img:
            exif = img.getexif()
            if img.format == "TIFF":
                if any(tag in exif for tag in _TIFF_DESCRIPTIVE_TAGS):
                    return True
            elif len(exif) > 0:
                return True
            if exif.get_ifd(GPS_IFD):
                return True
            return any(key not in _TECHNICAL_INFO for key in img.info)
    except Exception:  # not an image, or too damaged to read
        return False


def strip_metadata(data: bytes) -> bytes:
    """A copy of the image with the same pixels, upright, and no hidden information.

    Re-encoded in the same format (a multi-picture JPEG keeps only its main picture):
    no EXIF (so no GPS position, camera or date), no XMP, IPTC, comments or text chunks.
    The colour profile is kept so colours stay right. Raises ``UserError`` for anything
    that is not a readable image. Everything happens in memory.
    """
    try:
        with Image.open(io.BytesIO(data), formats=_READABLE) as img:
            source_format = img.format or ""
            icc = img.info.get("icc_profile")
            loop = img.info.get("loop")
            if source_format in ("JPEG", "MPO"):
                frames = [_clean_frame(img)]  # an MPO's extra pictures carry their own EXIF
            else:
                frames = [_clean_frame(frame) for frame in ImageSequence.Iterator(img)]
    except Image.DecompressionBombError as exc:
        raise UserError(_("This image is too large to be processed safely.")) from exc
    except UserError:
        raise
    except Exception as exc:  # Pillow reports bad input with many exception types
        raise UserError(_("This file is not an image that can be cleaned, or it is "
                          "damaged.")) from exc

    out = io.BytesIO()
    options: dict[str, Any] = {}
    if isinstance(icc, bytes) and icc:
        options["icc_profile"] = icc
    if source_format in ("JPEG", "MPO"):
        save_format = "JPEG"
        options["quality"] = 95
    elif source_format == "WEBP":
        save_format = "WEBP"
        if b"VP8L" in data:
            options["lossless"] = True
        else:
            options["quality"] = 95
    elif source_format == "AVIF":
        save_format = "AVIF"
        options["quality"] = 95
    elif source_format == "TIFF":
        save_format = "TIFF"
        options["compression"] = "tiff_lzw"
    else:
        save_format = source_format
    if len(frames) > 1:
        options["save_all"] = True
        options["append_images"] = frames[1:]
        if source_format in ("GIF", "WEBP", "PNG", "AVIF"):
            options["duration"] = [int(f.info.get("duration") or 100) for f in frames]
            if isinstance(loop, int):
                options["loop"] = loop
    try:
        frames[0].save(out, format=save_format, **options)
    except Exception as exc:
        raise UserError(_("The cleaned copy of this image could not be made.")) from exc
    return out.getvalue()


def _clean_frame(frame: Image.Image) -> Image.Image:
    """Upright pixels of the current frame with nothing but drawing information."""
    try:
        upright = ImageOps.exif_transpose(frame)
    except Exception:  # unreadable orientation: keep the pixels as stored
        upright = frame.copy()
    # copy() makes a plain Image: no EXIF cache, no TIFF tags, no JPEG app segments.
    clean = upright.copy()
    clean.info = {key: frame.info[key] for key in _KEEP_INFO if key in frame.info}
    return clean
