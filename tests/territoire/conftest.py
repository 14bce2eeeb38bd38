"""Fixtures of the core's tests."""

import pytest

from territoire.models import User
from tests.factories import UserFactory
from tests.territoire.privacy_people import EMAIL, NAME, OTHER_EMAIL, OTHER_NAME, PHONE, footprint


@pytest.fixture
def jeanne(cast) -> User:
    user = UserFactory(email=EMAIL, full_name=NAME)
    footprint(cast, email=EMAIL, name=NAME, phone=PHONE, user=user)
    other = UserFactory(email=OTHER_EMAIL, full_name=OTHER_NAME)
    footprint(cast, email=OTHER_EMAIL, name=OTHER_NAME, phone="0798765432", user=other)
    return user
