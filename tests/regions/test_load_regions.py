from io import StringIO

import pytest
from django.core.management import call_command

from regions.models import District, Province, Regency, Village

KALTIM = {
    "64.01": "Kabupaten Paser",
    "64.02": "Kabupaten Kutai Kartanegara",
    "64.03": "Kabupaten Berau",
    "64.07": "Kabupaten Kutai Barat",
    "64.08": "Kabupaten Kutai Timur",
    "64.09": "Kabupaten Penajam Paser Utara",
    "64.11": "Kabupaten Mahakam Ulu",
    "64.71": "Kota Balikpapan",
    "64.72": "Kota Samarinda",
    "64.74": "Kota Bontang",
}


@pytest.mark.django_db
def test_kaltim_has_the_kemendagri_codes_and_paser_ten_districts():
    call_command("load_regions", province="64", stdout=StringIO())
    assert Province.objects.get(code="64").name == "Kalimantan Timur"
    assert dict(Regency.objects.values_list("code", "name")) == KALTIM
    assert Regency.objects.get(code="64.72").kind == Regency.Kind.KOTA
    assert Regency.objects.get(code="64.01").kind == Regency.Kind.KABUPATEN
    assert District.objects.filter(regency_id="64.01").count() == 10
    assert District.objects.get(code="64.01.04").regency_id == "64.01"


@pytest.mark.django_db
def test_villages_are_loaded_with_their_district_and_kind():
    call_command("load_regions", province="64", stdout=StringIO())
    tanah_grogot = Village.objects.filter(district_id="64.01.04")
    assert tanah_grogot.count() == 16
    assert Village.objects.get(code="64.01.04.1001").name == "Tanah Grogot"
    assert Village.objects.get(code="64.01.04.1001").kind == Village.Kind.KELURAHAN
    assert Village.objects.get(code="64.01.04.2002").kind == Village.Kind.DESA
    assert Village.objects.filter(district__regency__province_id="64").count() == 1038


@pytest.mark.django_db
def test_rerun_creates_and_changes_nothing():
    call_command("load_regions", province="64", stdout=StringIO())
    before = list(District.objects.order_by("code").values_list("code", "name", "updated_at"))
    out = StringIO()
    call_command("load_regions", province="64", stdout=out)
    after = list(District.objects.order_by("code").values_list("code", "name", "updated_at"))
    assert after == before
    assert "0 created, 0 updated" in out.getvalue()
    assert "already up to date" in out.getvalue()


@pytest.mark.django_db
def test_a_renamed_region_is_corrected_on_rerun():
    call_command("load_regions", province="64", stdout=StringIO())
    Regency.objects.filter(code="64.01").update(name="Paser (salah ketik)")
    out = StringIO()
    call_command("load_regions", province="64", stdout=out)
    assert Regency.objects.get(code="64.01").name == "Kabupaten Paser"
    assert "regency: 0 created, 1 updated" in out.getvalue()


@pytest.mark.django_db
def test_all_of_indonesia_by_default():
    call_command("load_regions", stdout=StringIO())
    assert Province.objects.count() == 38
    assert Regency.objects.count() > 500
    assert District.objects.count() > 7000
    assert Village.objects.count() > 80000


@pytest.mark.django_db
def test_unknown_province_is_an_error_and_changes_nothing():
    from django.core.management import CommandError

    before = [model.objects.count() for model in (Province, Regency, District, Village)]
    with pytest.raises(CommandError, match="99"):
        call_command("load_regions", province="99", stdout=StringIO())
    assert [model.objects.count() for model in (Province, Regency, District, Village)] == before


@pytest.mark.django_db(transaction=True)
def test_the_kaltim_regions_come_back_after_a_flush():
    """Transactional tests end with a flush; the next tests still find the regions
    (tests/conftest.py loads them again on post_migrate)."""
    call_command("flush", interactive=False, verbosity=0)
    assert Village.objects.filter(district_id="64.01.04").count() == 16
