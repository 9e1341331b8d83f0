"""The landlord code: a signed, revocable URL in a QR code, and the printable poster (PNG and PDF).

The URL carries `signing.dumps({"c": code id, "v": version})` under a dedicated salt. Revoking bumps the
code's version, so every printed poster of the older version stops working at once.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

from civitas.residence.models import LandlordCode

SALT = "civitas.residence.landlord-code"
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def code_token(code: LandlordCode) -> str:
    return signing.dumps({"c": code.pk, "v": code.version}, salt=SALT, compress=True)


def resolve_token(token: str) -> LandlordCode | None:
    """The code behind a scanned token, or None if forged, malformed or revoked (older version)."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    code = (
        LandlordCode.objects.select_related("property__building", "property__division", "room")
        .filter(pk=int(data.get("c") or 0))
        .first()
    )
    if code is None or code.version != data.get("v"):
        return None
    return code


def checkin_path(code: LandlordCode) -> str:
    return reverse("residence:checkin", kwargs={"token": code_token(code)})


def checkin_url(code: LandlordCode) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + checkin_path(code)


def qr_svg_data_uri(code: LandlordCode, scale: int = 6) -> str:
    qr = segno.make(checkin_url(code), error="m")
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=scale, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    paths = CJK_FONTS[1:] if bold else CJK_FONTS
    for path in paths:
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=2 if path.endswith(".ttc") and "Noto" in path else 0)
    return ImageFont.load_default()


INSTRUCTIONS_ZH = (
    "扫码登记居住信息",
    "1. 微信或浏览器扫描二维码",
    "2. 选择房间，填写证件和手机号",
    "3. 房东确认后自动核验",
    "入住 3 日内登记；外国人 24 小时内登记",
)
INSTRUCTIONS_EN = (
    "Scan to register where you live",
    "1. Scan the code with your phone camera",
    "2. Choose your room, enter your ID and phone",
    "3. Your landlord confirms; the city verifies",
    "Register within 3 days; foreigners within 24 hours",
)


def poster_png(code: LandlordCode) -> bytes:
    """A 1240×1754 px (A4 at 150 dpi) poster: title, QR code, address and bilingual instructions."""
    width, height = 1240, 1754
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, width, 180], fill=(140, 29, 24))
    draw.text((width // 2, 90), "房东码 · Landlord code", fill="white", font=_font(72, bold=True), anchor="mm")
    raw = io.BytesIO()
    segno.make(checkin_url(code), error="h").save(raw, kind="png", scale=18, border=2)
    qr_img = Image.open(io.BytesIO(raw.getvalue())).convert("RGB")
    qr_img = qr_img.resize((720, 720), Image.Resampling.NEAREST)
    img.paste(qr_img, ((width - 720) // 2, 230))
    place = str(code.property) + (f" · {code.room.number}" if code.room else "")
    draw.text((width // 2, 1000), place, fill="black", font=_font(44, bold=True), anchor="mm")
    y = 1080
    for zh, en in zip(INSTRUCTIONS_ZH, INSTRUCTIONS_EN, strict=True):
        draw.text((120, y), zh, fill="black", font=_font(40))
        draw.text((120, y + 52), en, fill=(90, 90, 90), font=_font(30))
        y += 120
    draw.text(
        (width // 2, height - 40),
        f"v{code.version} · {code.property.division.name}",
        fill=(120, 120, 120),
        font=_font(24),
        anchor="mm",
    )
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def poster_pdf(code: LandlordCode) -> bytes:
    """The same poster as an A4 PDF (WeasyPrint), text as real text with a CJK font."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "residence/poster.html",
        {
            "code": code,
            "qr": qr_svg_data_uri(code, scale=10),
            "place": code.property,
            "room": code.room,
            "lines": list(zip(INSTRUCTIONS_ZH, INSTRUCTIONS_EN, strict=True)),
        },
    )
    return HTML(string=html).write_pdf()
