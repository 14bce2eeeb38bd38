"""One refusal type: every domain's refusal is a ``territoire.errors.Refused``, and forms show any
of them the same way (on its field, or for the whole form), keeping what was typed."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

from territoire.errors import Refused
from territoire.forms import apply_refusal

APPS = ("territoire", "challenges", "events", "projects", "accompaniment")


def _domain_exceptions() -> list[type[Exception]]:
    """Every exception class named ``*Refused`` or ``StaleEdit`` defined in the apps' modules."""
    found = {}
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or info.name.endswith((".settings", ".wsgi", ".asgi")):
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if (
                    inspect.isclass(value)
                    and issubclass(value, Exception)
                    and value.__module__ == module.__name__
                    and (name.endswith("Refused") or name == "StaleEdit")
                    and not name.startswith("_")
                ):
                    found[f"{value.__module__}.{name}"] = value
    return [found[key] for key in sorted(found)]


def test_every_domain_refusal_is_a_refused():
    classes = _domain_exceptions()
    # The refusals of every app (the list grows, never shrinks), and one StaleEdit for all.
    assert len(classes) >= 24
    names = {f"{cls.__module__}.{cls.__name__}" for cls in classes}
    assert [name for name in names if name.endswith(".StaleEdit")] == [
        "territoire.errors.StaleEdit"
    ]
    assert [cls for cls in classes if not issubclass(cls, Refused)] == []


def test_a_refusal_keeps_its_message_and_field():
    refusal = Refused("Ce nom est déjà pris.", field="name")
    assert str(refusal) == "Ce nom est déjà pris."
    assert refusal.field == "name"
    assert Refused("Non.").field is None


def test_a_subclass_default_field_can_be_overridden():
    class EmailRefused(Refused):
        field = "email"

    assert EmailRefused("Adresse invalide.").field == "email"
    assert EmailRefused("Trop tard.", field="when").field == "when"


class _NameForm(forms.Form):
    name = forms.CharField()


@pytest.mark.parametrize(
    ("field", "on_field"), [("name", True), (None, False), ("not_in_form", False)]
)
def test_apply_refusal_shows_it_on_its_field_or_the_whole_form(field, on_field):
    form = _NameForm(data={"name": "Jardin partagé"})
    assert form.is_valid()
    apply_refusal(form, Refused("Un autre projet porte déjà ce nom.", field=field))
    if on_field:
        assert form.errors["name"] == ["Un autre projet porte déjà ce nom."]
        assert form.non_field_errors() == []
    else:
        assert form.non_field_errors() == ["Un autre projet porte déjà ce nom."]
        assert "name" not in form.errors
    assert form["name"].value() == "Jardin partagé"
