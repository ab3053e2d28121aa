"""Loading the Kemendagri region tree into the database."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.indonesia import regions_under, villages_in
from regions.models import District, Province, Regency, Village

CHUNK = 5000  # primary keys per IN (...) list: below SQLite's and PostgreSQL's limits


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _upsert(model, rows: dict[str, dict], result: LoadResult) -> None:
    """Create missing rows and update changed ones, in bulk; leave equal rows alone."""
    fields = list(next(iter(rows.values())).keys()) if rows else []
    codes = list(rows)
    existing = {}
    for start in range(0, len(codes), CHUNK):
        existing.update(
            (obj.pk, obj) for obj in model.objects.filter(pk__in=codes[start : start + CHUNK])
        )
    to_create, to_update = [], []
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(code=code, **values))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            obj.updated_at = timezone.now()
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=1000)
    model.objects.bulk_update(to_update, [*fields, "updated_at"], batch_size=1000)
    label = model._meta.model_name
    result.created[label] = len(to_create)
    result.updated[label] = len(to_update)


@transaction.atomic
def regions_load(*, province_code: str | None = None) -> LoadResult:
    """Load provinces, regencies, districts and villages (all of Indonesia, or one province).

    Idempotent: a rerun over unchanged source data creates and updates nothing.
    """
    provinces = [p for p in regions_under() if province_code in (None, p.code)]
    if not provinces:
        raise ValueError(f"Unknown province code: {province_code}")
    regencies = [(p.code, r) for p in provinces for r in regions_under(p.code)]
    districts = [(r.code, d) for _, r in regencies for d in regions_under(r.code)]
    villages = [(d.code, v) for _, d in districts for v in villages_in(d.code)]

    result = LoadResult()
    _upsert(Province, {p.code: {"name": p.name} for p in provinces}, result)
    _upsert(
        Regency,
        {r.code: {"province_id": pc, "name": r.name, "kind": r.kind} for pc, r in regencies},
        result,
    )
    _upsert(District, {d.code: {"regency_id": rc, "name": d.name} for rc, d in districts}, result)
    _upsert(
        Village,
        {v.code: {"district_id": dc, "name": v.name, "kind": v.kind} for dc, v in villages},
        result,
    )
    return result
