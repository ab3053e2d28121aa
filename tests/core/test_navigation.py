"""The navbar's sections per role (in Indonesian, as users see them): related pages share
one menu, a menu of one page is a plain link under the menu's name."""

import pytest
from django.urls import reverse

from core.navigation import nav_items_for


def labels(entries):
    return [
        (str(e["label"]), [str(c["label"]) for c in e["children"]])
        if "children" in e
        else str(e["label"])
        for e in entries
    ]


@pytest.mark.django_db
def test_province_staff_get_three_menus(province_staff):
    assert labels(nav_items_for(province_staff)) == [
        "Menunggu Anda",
        "Kelompok usaha",
        ("Hibah", ["Program", "Hibah"]),
        ("Dokumen", ["SK penerima", "NPHD", "BAST", "Belanja per tahap", "Agenda surat keluar"]),
        (
            "Laporan",
            [
                "Laporan terlambat",
                "Pemeriksaan laporan",
                "Laporan pertanggungjawaban (LPJ)",
            ],
        ),
        (
            "Pelatihan",
            ["Sesi pelatihan", "Kunjungan pendampingan", "Cakupan pelatihan dan kunjungan"],
        ),
        "Dasbor",
        "Log akses",
    ]


@pytest.mark.django_db
def test_a_menu_of_one_page_is_a_plain_link(paser_officer, monkeypatch):
    from core import navigation

    items = [item for item in navigation.NAV_ITEMS if item.url_name != "reports:lpj_list"]
    monkeypatch.setattr(navigation, "NAV_ITEMS", items)
    entries = labels(nav_items_for(paser_officer))
    assert "Laporan" in entries  # an officer does not review reports: the overdue list
    assert ("Hibah", ["Program", "Hibah"]) in entries


@pytest.mark.django_db
def test_the_approver_has_the_tranche_queue_as_a_link_of_its_own(approver):
    entries = labels(nav_items_for(approver))
    assert entries[:5] == [
        "Menunggu Anda",
        "Kelompok usaha",
        ("Hibah", ["Program", "Hibah"]),
        "Antrean pencairan",
        ("Dokumen", ["SK penerima", "NPHD", "BAST", "Belanja per tahap", "Agenda surat keluar"]),
    ]


@pytest.mark.django_db
def test_the_open_page_marks_its_menu(client, province_staff):
    client.force_login(province_staff)
    content = client.get(reverse("training:visit_list")).content.decode()
    assert 'class="nav-link dropdown-toggle text-nowrap active"' in content
    assert 'class="dropdown-item active" aria-current="page"' in content


@pytest.mark.django_db
def test_a_list_page_builds_the_navigation_once(
    client, province_staff, approver, paser_officer, monkeypatch
):
    """Cells of a list render their fragments without the page's context processors, and
    the navigation is built once per request, however many rows and cells the page has."""
    from core import context_processors
    from grants import services
    from tests.grants.money import open_program, transferred_grant

    program = open_program()
    for _ in range(3):
        grant = transferred_grant(program, province_staff)
        services.tranche_request(grant=grant, amount=1_000_000, purpose="Alat", by=paser_officer)
    calls = []
    real = context_processors.nav_items_for
    monkeypatch.setattr(context_processors, "nav_items_for", lambda u: calls.append(u) or real(u))
    client.force_login(approver)
    response = client.get(reverse("grants:tranche_queue"))
    forms = response.content.count(b'class="decide-form"')
    assert forms == 6  # approve and reject per row, each with its CSRF token (+ the navbar's 2)
    assert response.content.count(b"csrfmiddlewaretoken") == forms + 2
    assert len(calls) == 1
