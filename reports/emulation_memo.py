"""The emulation proposal memo (tờ trình đề nghị khen thưởng) and ranking tables as a report kind.

The data is the emulation app's (`emulation.selectors.memo_data`, plain JSON of finalised clusters);
this module freezes it in the Report row and lays it out in the Decree 30 Document every renderer
(PDF, DOCX, XLSX) draws. Hooked into the pipeline at services._validate_parameters/_report_title,
snapshot.build and documents.builder.BUILDERS.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from campaign_portal.core.formatting import format_date
from emulation import selectors
from emulation.models import Cluster

from .documents.builder import ROMAN, _date, _header, _snapshot_note
from .documents.model import Appendix, Column, Document, Section, Table
from .models import ReportKind
from .selectors import province_root
from .snapshot import SNAPSHOT_VERSION, canonical_json

KIND = ReportKind.EMULATION_MEMO


class Points(float):
    """A score: a number in XLSX, '87,5' when printed."""

    def __str__(self) -> str:
        text = f"{float(self):.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")


def _source(parameters: dict) -> dict:
    if parameters.get("cluster"):
        return {"cluster_id": int(parameters["cluster"])}
    if parameters.get("year"):
        return {"year": int(parameters["year"])}
    return {}


def validate(parameters: dict) -> None:
    try:
        source = _source(parameters)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Năm hoặc cụm, khối không hợp lệ.")) from exc
    if not source:
        raise ValidationError(_("Cần chọn một năm hoặc một cụm, khối thi đua."))
    if not selectors.memo_clusters(**source):
        raise ValidationError(_("Chưa có cụm, khối nào được Hội đồng chốt kết quả để lập tờ trình."))


def title(parameters: dict) -> str:
    source = _source(parameters)
    if "cluster_id" in source:
        cluster = Cluster.objects.filter(pk=source["cluster_id"]).first()
        return str(cluster or "")[:300]
    return _("Các cụm, khối thi đua năm %(year)s") % {"year": source.get("year")}


def build_snapshot(*, parameters: dict, cutoff: datetime.date) -> dict:
    data = {
        "version": SNAPSHOT_VERSION,
        "kind": KIND,
        "cutoff": cutoff.isoformat(),
        "province": settings.PORTAL_PROVINCE_NAME,
        "emulation": selectors.memo_data(**_source(parameters)),
    }
    return json.loads(canonical_json(data))


def _pts(value: str) -> Points:
    return Points(Decimal(value))


def _ranking_table(cluster: dict, labels: dict):
    columns = [
        Column(_("Hạng"), 14, "center"),
        Column(pgettext("column", "Đơn vị"), 80),
        Column(_("Điểm tiêu chí"), 24, "right"),
        Column(_("Điểm thưởng"), 22, "right"),
        Column(_("Điểm trừ"), 20, "right"),
        Column(_("Tổng điểm"), 22, "right"),
        Column(_("Số tiêu chí đạt tối đa"), 26, "right"),
        Column(_("Đề nghị"), 52),
    ]
    rows = [
        [
            r["rank"],
            r["unit_name"] + (f" ({r['tie_note']})" if r["tie_note"] else ""),
            _pts(r["base"]),
            _pts(r["bonus"]),
            _pts(r["penalty"]),
            _pts(r["total"]),
            r["full_score_count"],
            labels.get(r["nomination"], ""),
        ]
        for r in cluster["ranking"]
    ]
    return Table(
        f"xep-hang-{cluster['id']}",
        _("Bảng xếp hạng %(name)s") % {"name": cluster["name"]},
        columns,
        rows,
        note=_("Quy tắc khi bằng điểm: %(rule)s") % {"rule": cluster["tie_break"]},
    )


def _nominee_table(key: str, title: str, nominees: list):
    columns = [
        Column(_("TT"), 10, "center"),
        Column(pgettext("column", "Đơn vị"), 75),
        Column(_("Cụm, khối"), 60),
        Column(_("Tổng điểm"), 25, "right"),
    ]
    rows = [[i, r["unit_name"], cluster["name"], _pts(r["total"])] for i, (cluster, r) in enumerate(nominees, 1)]
    return Table(key, title, columns, rows)


def memo_document(data: dict, *, sha: str, number: str = "", parameters=None):
    parameters = parameters or {}
    memo = data["emulation"]
    cutoff = _date(data["cutoff"])
    province = data["province"]
    labels = {"flag": _("Cờ thi đua của UBND tỉnh"), "certificate": _("Bằng khen của Chủ tịch UBND tỉnh")}
    clusters = memo["clusters"]
    year = memo["year"] or (clusters[0]["year"] if clusters else cutoff.year)
    header = _header(
        data,
        number=number,
        symbol="TTr-HĐTĐKT",
        parent_body=_("UBND TỈNH %(province)s") % {"province": province.upper()},
        issuer_lines=[_("HỘI ĐỒNG THI ĐUA -"), _("KHEN THƯỞNG")],  # one line is wider than the column
    )
    results = Section(_("Kết quả chấm điểm, xếp hạng"))
    for cluster in clusters:
        results.paragraphs.append(
            _(
                "%(name)s (%(kind)s, %(n)s đơn vị; trưởng cụm: %(head)s): kết quả chấm điểm năm %(year)s được Hội "
                "đồng chốt ngày %(day)s; đơn vị dẫn đầu: %(first)s với %(total)s điểm."
            )
            % {
                "name": cluster["name"],
                "kind": cluster["kind_label"].lower(),
                "n": len(cluster["ranking"]),
                "head": cluster["head"] or "—",
                "year": cluster["year"],
                "day": format_date(_date(cluster["finalised_on"])),
                "first": cluster["ranking"][0]["unit_name"] if cluster["ranking"] else "—",
                "total": _pts(cluster["ranking"][0]["total"]) if cluster["ranking"] else "—",
            }
        )
    results.paragraphs.append(_("Bảng xếp hạng của từng cụm, khối tại các phụ lục kèm theo."))
    flags = [(c, r) for c in clusters for r in c["ranking"] if r["nomination"] == "flag"]
    certificates = [(c, r) for c in clusters for r in c["ranking"] if r["nomination"] == "certificate"]
    flag_section = Section(_("Đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh"))
    flag_section.paragraphs.append(
        _("Đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh cho %(n)s tập thể dẫn đầu các cụm, khối thi đua:")
        % {"n": len(flags)}
    )
    flag_section.tables.append(_nominee_table("co-thi-dua", labels["flag"], flags))
    proposal = Section(_("Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"))
    proposal.paragraphs.append(
        _("Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho %(n)s tập thể:") % {"n": len(certificates)}
    )
    proposal.tables.append(_nominee_table("bang-khen", labels["certificate"], certificates))
    undecided = [r["unit_name"] for c in clusters for r in c["ranking"] if "Hội đồng" in (r["tie_note"] or "")]
    if undecided:
        flag_section.paragraphs.append(
            _("Các đơn vị bằng điểm ở vị trí đề nghị Cờ, Hội đồng xem xét quyết định: %(names)s.")
            % {"names": ", ".join(undecided)}
        )
    attached = _("(Kèm theo Tờ trình số %(number)s/TTr-HĐTĐKT ngày %(day)s)") % {
        "number": number or "\u00a0" * 6,
        "day": format_date(cutoff),
    }
    appendices = [
        Appendix(
            title=_("Phụ lục %(n)s") % {"n": ROMAN[index - 1] if index <= len(ROMAN) else index},
            subject=_("BẢNG XẾP HẠNG %(name)s NĂM %(year)s") % {"name": c["name"].upper(), "year": c["year"]},
            attached_to=attached,
            table=_ranking_table(c, labels),
        )
        for index, c in enumerate(clusters, 1)
    ]
    for section, roman in zip((results, flag_section, proposal), ("I", "II", "III"), strict=True):
        section.heading = f"{roman}. {section.heading.upper()}"
    return Document(
        **header,
        doc_type_name=_("TỜ TRÌNH"),
        subject=_(
            "Về việc đề nghị tặng Cờ thi đua và Bằng khen cho các tập thể dẫn đầu các cụm, khối thi đua năm %(year)s"
        )
        % {"year": year},
        intro=[
            _("Kính gửi: Ủy ban nhân dân tỉnh %(province)s.") % {"province": province},
            _("Căn cứ Luật Thi đua, khen thưởng năm 2022 và Nghị định số 152/2025/NĐ-CP của Chính phủ;"),
            _(
                "Căn cứ kết quả chấm điểm, xếp hạng các cụm, khối thi đua năm %(year)s, Hội đồng Thi đua - Khen thưởng "
                "tỉnh kính trình Ủy ban nhân dân tỉnh như sau:"
            )
            % {"year": year},
        ],
        sections=[results, flag_section, proposal],
        closing=[_("Hội đồng Thi đua - Khen thưởng tỉnh kính trình Ủy ban nhân dân tỉnh xem xét, quyết định./.")],
        recipients=[_("- Như trên;"), _("- Chủ tịch, các PCT UBND tỉnh;"), _("- Lưu: VT, TĐKT.")],
        signature=[_("TM. HỘI ĐỒNG"), _("KT. CHỦ TỊCH"), _("PHÓ CHỦ TỊCH THƯỜNG TRỰC")],
        signer_name=parameters.get("signer_name", ""),
        snapshot_note=_snapshot_note(sha, cutoff),
        appendices=appendices,
        title=_("Tờ trình đề nghị khen thưởng thi đua năm %(year)s") % {"year": year},
    )


@login_required
@require_POST
def request_view(request):
    """POST from the ranking and council pages: year or cluster, and a format → the report's page."""
    from . import services  # local import: services imports this module

    parameters = {k: request.POST[k] for k in ("cluster", "year") if request.POST.get(k, "").isdigit()}
    parameters = {k: int(v) for k, v in parameters.items()}
    try:
        report = services.report_request(
            user=request.user,
            kind=KIND,
            fmt=request.POST.get("format", "pdf"),
            scope_unit=province_root(),
            parameters=parameters,
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if "cluster" in parameters:
            return redirect("emulation:ranking", pk=parameters["cluster"])
        if "year" in parameters:
            return redirect("emulation:council", year=parameters["year"])
        return redirect("emulation:cluster_list")
    messages.success(request, _("Đã ghi nhận yêu cầu; tờ trình đang được lập."))
    return redirect("reports:detail", pk=report.pk)
