"""The certificate as a PDF (reportlab's canvas, standard fonts: nothing downloaded)."""

from __future__ import annotations

import io

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from peerly.recognition.models import Certificate

INK = HexColor("#1f2933")  # the site's text colour: high contrast on white
ACCENT = HexColor("#2457a6")


def _latin(text: str) -> str:
    """The standard PDF fonts cover Latin-1 (WinAnsi): other characters become "?" rather
    than boxes or an error."""
    return text.encode("cp1252", "replace").decode("cp1252")


def certificate_pdf(certificate: Certificate, *, verify_url: str, compress: bool = True) -> bytes:
    """One landscape A4 page: title, name, programme, what they did, dates, verification."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1 if compress else 0)
    name = certificate.user.name
    pdf.setTitle(_latin(_("Certificate of completion") + f" — {name}"))
    pdf.setAuthor(_latin(certificate.program.name))
    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(3)
    pdf.rect(28, 28, width - 56, height - 56)
    centre = width / 2
    pdf.setFillColor(ACCENT)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(centre, height - 110, _latin(_("Certificate of completion")))
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(centre, height - 160, _latin(_("This certifies that")))
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawCentredString(centre, height - 200, _latin(name))
    pdf.setFont("Helvetica", 14)
    y = height - 240
    for line in simpleSplit(_latin(certificate.achievement), "Helvetica", 14, width - 160):
        pdf.drawCentredString(centre, y, line)
        y -= 20
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawCentredString(centre, y - 10, _latin(certificate.program.name))
    dates = _("%(start)s to %(end)s") % {
        "start": formats.date_format(certificate.starts_on, "j F Y"),
        "end": formats.date_format(certificate.ends_on, "j F Y"),
    }
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(centre, y - 36, _latin(dates))
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(centre, 80, _latin(_("Verify this certificate at:")))
    pdf.setFillColor(ACCENT)
    pdf.drawCentredString(centre, 64, _latin(verify_url))
    pdf.linkURL(verify_url, (centre - 250, 58, centre + 250, 76), relative=0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
