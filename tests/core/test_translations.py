"""The compiled Indonesian catalogue is shipped and matches its source."""

import gettext
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale/id/LC_MESSAGES/django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(PO)
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_the_shipped_mo_matches_the_po():
    po = polib.pofile(PO)
    with open(PO.with_suffix(".mo"), "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert mo._catalog.get(key) == entry.msgstr, entry.msgid


def test_the_table_pager_speaks_indonesian(client, kaltim, province_staff):
    """django-tables2 ships no Indonesian catalogue; ours translates its pager."""
    from tests.factories import BusinessGroupFactory

    BusinessGroupFactory.create_batch(26)  # one more than a page
    client.force_login(province_staff)
    page = client.get("/kelompok/").content.decode()
    assert "berikutnya" in page
    assert ">next<" not in page.replace(" ", "").replace("\n", "")
