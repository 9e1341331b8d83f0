"""Dashboards and reports: what is shown, to whom, and what never reaches the public."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from civitas.core.models import AuditEvent
from civitas.insight import actions
from civitas.insight.tests.conftest import small_framework_records

SEPT = datetime.date(2026, 9, 1)


@pytest.fixture
def run(city: dict[str, Any]) -> Any:
    framework = actions.do_create_framework(
        "small", {"en": "Small"}, small_framework_records(), acting_user=city["analyst"]
    )
    return actions.do_compute_run(
        framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options={"treat": False},
        mc_runs=50,
        seed=2,
        publish=True,
    )


def client_for(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_public_dashboard_needs_no_login_and_hides_small_counts(city: dict[str, Any], run: Any) -> None:
    response = client_for().get(reverse("insight:public"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "稠城街道" in html and "✱" in html
    data = client_for().get("/api/insight/public").json()
    counts = data["counts"]
    published = [v for row in counts["rows"] for v in [*row["cells"].values(), row["total"]] if v is not None]
    published += [v for v in counts["column_totals"].values() if v is not None]
    assert all(v == 0 or v >= 10 for v in published)
    assert [r["rank"] for r in data["ranking"]] == [1, 2, 3]


def test_the_public_dashboard_shows_only_published_runs(city: dict[str, Any], run: Any) -> None:
    actions.do_publish_run(run, False, acting_user=city["analyst"])
    assert client_for().get("/api/insight/public").json()["run"] is None


def test_the_internal_dashboard_shows_the_ranking_charts_and_trends(city: dict[str, Any], run: Any) -> None:
    html = client_for(city["analyst"]).get(reverse("insight:dashboard")).content.decode()
    assert html.count('class="chart"') >= 3  # ranking, tiles, trends
    assert "GeoJSON" in html
    for name in ("稠城街道", "佛堂镇", "江东街道"):
        assert name in html


def test_a_township_officer_sees_only_their_township_in_the_ranking(city: dict[str, Any], run: Any) -> None:
    html = client_for(city["police"]).get(reverse("insight:run", kwargs={"pk": run.pk})).content.decode()
    assert "稠城街道" in html and "佛堂镇" not in html and "江东街道" not in html
    data = client_for(city["police"]).get(f"/api/insight/runs/{run.pk}/stages/Raw").json()
    assert [row["unit"] for row in data["rows"]] == ["330782001"]


def test_the_records_behind_an_indicator_are_masked_and_the_viewing_is_audited(city: dict[str, Any], run: Any) -> None:
    url = reverse("insight:indicator", kwargs={"pk": run.pk, "code": "330782001", "indicator": "RES_ON_TIME"})
    html = client_for(city["police"]).get(url).content.decode()
    assert "陈＊＊" in html and "陈租客" not in html
    assert AuditEvent.objects.filter(action="insight.records_viewed", actor=city["police"]).exists()


def test_the_run_page_shows_rank_intervals_and_indicator_influence(city: dict[str, Any], run: Any) -> None:
    html = client_for(city["analyst"]).get(reverse("insight:run", kwargs={"pk": run.pk})).content.decode()
    assert 'id="rank-intervals"' in html and 'id="influence"' in html and "RES_OVER_CAPACITY" in html


def test_a_failed_run_page_names_the_indicator_and_unit(city: dict[str, Any]) -> None:
    framework = actions.do_create_framework(
        "small", {"en": "S"}, small_framework_records(), acting_user=city["analyst"]
    )
    failed = actions.do_compute_run(
        framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options={"treat": False, "aggregation": "geometric"},
    )
    html = client_for(city["analyst"]).get(reverse("insight:run", kwargs={"pk": failed.pk})).content.decode()
    assert 'id="run-error"' in html and "330782002" in html and "RES_ON_TIME" in html


def test_reports_download_as_pdf_and_xlsx_with_only_visible_units(city: dict[str, Any], run: Any) -> None:
    pdf = client_for(city["analyst"]).get(reverse("insight:report_pdf", kwargs={"pk": run.pk}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client_for(city["police"]).get(reverse("insight:report_xlsx", kwargs={"pk": run.pk}))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"Results", "Raw", "Normalised", "Aggregated", "Sensitivity"} <= set(book.sheetnames)
    units = [row[0] for row in book["Results"].iter_rows(min_row=2, values_only=True)]
    assert units == ["330782001"]


def test_an_analyst_edits_weights_on_the_framework_page(city: dict[str, Any], run: Any) -> None:
    url = reverse("insight:framework", kwargs={"pk": run.framework.pk})
    response = client_for(city["analyst"]).post(
        url, {"w_RES_ON_TIME": "3", "w_RES_OVER_CAPACITY": "1", "note": "more weight on timeliness"}
    )
    assert response.status_code == 302
    run.framework.refresh_from_db()
    assert run.framework.version == 2
    bad = client_for(city["analyst"]).post(url, {"w_RES_ON_TIME": "0", "w_RES_OVER_CAPACITY": "0", "note": "x"})
    assert bad.status_code == 422 and "INDEX" in bad.content.decode()


def test_an_analyst_starts_a_run_from_the_page(city: dict[str, Any], run: Any) -> None:
    response = client_for(city["analyst"]).post(
        reverse("insight:run_new"),
        {
            "framework": run.framework.pk,
            "level": 12,
            "period_start": "2026-09",
            "period_end": "2026-10",
            "normalisation": "rank",
            "aggregation": "arithmetic",
            "impute": "mean",
            "treat": "on",
            "mc_runs": 100,
            "seed": 5,
        },
    )
    assert response.status_code == 302
    new = run.__class__.objects.exclude(pk=run.pk).get()
    assert new.level == 12 and new.options["normalisation"] == {"method": "rank"} and new.mc_runs == 100
    assert "mc_normalisations" not in new.options or not new.options["mc_normalisations"]


def test_an_analyst_asks_the_monte_carlo_to_vary_the_method_from_the_page(city: dict[str, Any], run: Any) -> None:
    form = {
        "framework": run.framework.pk,
        "level": 9,
        "period_start": "2026-09",
        "period_end": "2026-09",
        "normalisation": "minmax",
        "impute": "mean",
        "mc_runs": 100,
        "seed": 5,
        "vary_methods": "on",
    }
    client = client_for(city["analyst"])
    assert client.post(reverse("insight:run_new"), {**form, "aggregation": "arithmetic"}).status_code == 302
    assert client.post(reverse("insight:run_new"), {**form, "aggregation": "geometric"}).status_code == 302
    arithmetic, geometric = run.__class__.objects.exclude(pk=run.pk).order_by("pk")
    assert arithmetic.options["mc_normalisations"] == ["minmax", "zscore", "rank"]
    assert "normalisation" in arithmetic.sensitivity["first_order"]
    assert geometric.options["mc_normalisations"] == ["minmax", "rank"]


def test_a_township_officers_dashboard_ranks_the_communities_of_their_township(city: dict[str, Any], run: Any) -> None:
    from civitas.testing import factories

    t1 = city["t1"]
    v2 = factories.division("330782001002", "绣湖社区", t1)
    grid = factories.division("330782001002001", "第1网格", v2)
    factories.rental_property(grid, factories.person("周房东", division=grid), rooms=4)
    communities = actions.do_compute_run(
        run.framework,
        acting_user=city["analyst"],
        level=12,
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options={"treat": False},
    )
    actions.do_compute_run(  # computed later, but it shows the officer's township alone
        run.framework,
        acting_user=city["analyst"],
        scope_code="330782",
        period_start=SEPT,
        period_end=SEPT,
        options={"treat": False},
    )
    html = client_for(city["police"]).get(reverse("insight:dashboard")).content.decode()
    assert f"run #{communities.pk}" in html
    assert "香溪社区" in html and "绣湖社区" in html and "青口社区" not in html
    assert client_for(city["analyst"]).get(reverse("insight:dashboard")).context["run"].level == 9


def test_the_public_counts_of_declarations_are_the_declarations_the_index_counts(
    city: dict[str, Any], run: Any
) -> None:
    counts = client_for().get("/api/insight/public").json()["counts"]
    assert counts["columns"]["declarations"] == "Declarations checked"
    assert counts["column_totals"]["declarations"] == 10 + 5 + 4  # September's checked declarations
    assert counts["column_totals"]["late"] is None  # 3 late declarations: too few to publish


def _square(code: str, x: float) -> dict[str, Any]:
    ring = [[x, 29.3], [x + 0.1, 29.3], [x + 0.1, 29.4], [x, 29.4], [x, 29.3]]
    return {"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_the_dashboard_draws_a_map_when_boundaries_are_available_as_geojson(
    city: dict[str, Any], run: Any, tmp_path: Any, settings: Any
) -> None:
    import json

    geojson = tmp_path / "boundaries.geojson"
    features = [_square(code, 120.0 + i / 10) for i, code in enumerate(("330782001", "330782100", "330782002"))]
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    settings.INSIGHT_BOUNDARIES_GEOJSON = str(geojson)
    html = client_for(city["analyst"]).get(reverse("insight:dashboard")).content.decode()
    assert 'id="boundary-map"' in html and "GeoJSON" not in html
    for name in ("稠城街道", "佛堂镇", "江东街道"):
        assert html.count(name) >= 3  # bars, map and table


def test_the_dashboard_falls_back_to_tiles_when_a_unit_has_no_boundary(
    city: dict[str, Any], run: Any, tmp_path: Any, settings: Any
) -> None:
    import json

    geojson = tmp_path / "boundaries.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [_square("330782001", 120.0)]}))
    settings.INSIGHT_BOUNDARIES_GEOJSON = str(geojson)
    html = client_for(city["analyst"]).get(reverse("insight:dashboard")).content.decode()
    assert 'id="boundary-map"' not in html and "GeoJSON" in html
