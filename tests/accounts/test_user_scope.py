import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import RULES, Action, Role, can
from regions.models import Regency


@pytest.mark.django_db
class TestRegencyRequiredForOfficers:
    def test_officer_without_regency_is_refused_by_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="tanpa.wilayah", role=Role.REGENCY_OFFICER)
        assert not User.objects.filter(username="tanpa.wilayah").exists()

    def test_province_staff_with_a_regency_is_refused_by_the_database(self, paser):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="staf", role=Role.PROVINCE_STAFF, regency=paser)

    def test_officer_with_regency_is_saved(self, paser):
        user = User.objects.create(username="petugas", role=Role.REGENCY_OFFICER, regency=paser)
        assert user.regency.code == "64.01"

    def test_model_validation_explains_in_indonesian(self):
        user = User(username="tanpa.wilayah", role=Role.REGENCY_OFFICER)
        with pytest.raises(ValidationError) as excinfo:
            user.full_clean()
        assert "wajib memiliki kabupaten/kota" in str(excinfo.value)


class TestRoleRules:
    def test_every_action_has_a_rule(self):
        assert set(RULES) == set(Action)

    @pytest.mark.django_db
    def test_only_approvers_decide_tranches(self, personas):
        allowed = {name for name, user in personas.items() if can(user, Action.TRANCHE_DECIDE)}
        assert allowed == {"approver"}

    @pytest.mark.django_db
    def test_regency_officers_request_tranches_and_province_staff_verify_groups(self, personas):
        assert can(personas["paser_officer"], Action.TRANCHE_REQUEST)
        assert not can(personas["province_staff"], Action.TRANCHE_REQUEST)
        assert can(personas["province_staff"], Action.GROUP_VERIFY)
        assert not can(personas["paser_officer"], Action.GROUP_VERIFY)

    @pytest.mark.django_db
    def test_inactive_users_may_do_nothing(self, approver):
        approver.is_active = False
        assert not can(approver, Action.TRANCHE_DECIDE)


@pytest.mark.django_db
class TestVisibleTo:
    """The scoping pattern every app uses, shown on the regencies themselves."""

    def test_officer_sees_only_their_regency(self, paser_officer):
        assert list(Regency.objects.visible_to(paser_officer).values_list("code", flat=True)) == [
            "64.01"
        ]

    def test_province_roles_see_every_regency(self, kaltim, province_staff, approver):
        assert Regency.objects.visible_to(province_staff).count() == 10
        assert Regency.objects.visible_to(approver).count() == 10

    def test_anonymous_sees_nothing(self, kaltim):
        assert not Regency.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
class TestRegencyHead:
    def test_head_without_regency_is_refused_by_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="kepala", role=Role.REGENCY_HEAD)

    def test_head_sees_only_their_regency_and_reviews_reports(self, paser):
        head = User.objects.create(username="kepala", role=Role.REGENCY_HEAD, regency=paser)
        assert list(Regency.objects.visible_to(head)) == [paser]
        assert can(head, Action.REPORT_REVIEW)
        assert not can(head, Action.TRANCHE_REQUEST)
