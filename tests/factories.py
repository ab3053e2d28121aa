import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import Role
from regions.models import Regency


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@dinsos.example")
    role = Role.PROVINCE_STAFF
    password = factory.PostGenerationMethodCall("set_password", "sandi-uji-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegencyOfficerFactory(UserFactory):
    role = Role.REGENCY_OFFICER
    regency = factory.LazyFunction(lambda: Regency.objects.get(code="64.01"))
