"""Factories for units, users and memberships."""

import factory

from campaign_portal.core.models import Membership, Role, Unit, UnitKind, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)
        skip_postgeneration_save = True  # the hook below saves itself

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Đơn vị thử {n}")
    kind = UnitKind.DEPARTMENT
    parent = None

    @factory.post_generation
    def _derived(obj, create, extracted, **kwargs):
        obj.refresh_derived()
        if create:
            obj.save()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password("demo-Password-1")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.OFFICER


def make_user(*, unit, role=Role.OFFICER, username=None, **kwargs):
    user = UserFactory(**({"username": username} if username else {}), **kwargs)
    MembershipFactory(user=user, unit=unit, role=role)
    return user
