"""factory_boy factories. Writes that matter go through services in tests; factories build scenery."""
from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from apps.accounts.models import Membership, Organization, Role, User
from apps.engagements.models import Engagement, Objective, Workstream

PASSWORD = "s3cret-pass-for-tests"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Company {n}")
    kind = Organization.Kind.PARTNER


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class EngagementFactory(DjangoModelFactory):
    class Meta:
        model = Engagement

    name = factory.Sequence(lambda n: f"Engagement {n}")
    description = "A test engagement."


class WorkstreamFactory(DjangoModelFactory):
    class Meta:
        model = Workstream

    engagement = factory.SubFactory(EngagementFactory)
    name = factory.Sequence(lambda n: f"Stream {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    engagement = factory.SubFactory(EngagementFactory)
    code = factory.Sequence(lambda n: f"OBJ-{n}")
    title = factory.Sequence(lambda n: f"Objective {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    engagement = factory.SubFactory(EngagementFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.OBSERVER
