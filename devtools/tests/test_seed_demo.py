from django.core.management import call_command

from campaign_portal.core.models import Membership, Role, Unit, User


def counts():
    from django.apps import apps

    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ("core", "directives", "pledges", "projects", "reports")
        and not m._meta.label.endswith("AuditEntry")
        and "Historical" not in m.__name__
    }


def test_seed_demo_is_idempotent_and_gives_every_role_a_user(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.STAFF, Role.LEADER, Role.OFFICER, Role.ADMIN}
    assert User.objects.get(username="krongpac").check_password("demo1234")
    assert Membership.objects.get(user__username="krongpac").unit.code == "DLK-KPA"


def test_seed_demo_loads_daklak_2019_map(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    import datetime

    on_2019 = Unit.objects.valid_on(datetime.date(2019, 8, 27))
    assert on_2019.filter(kind="district").count() == 15
    assert on_2019.filter(kind__in=["department"]).count() >= 20
    assert on_2019.filter(parent__code="DLK-KPA").count() == 16
    assert on_2019.filter(parent__code="DLK-BMT").count() == 21
    assert not Unit.objects.valid_on(datetime.date(2026, 1, 1)).filter(kind="district").exists()
