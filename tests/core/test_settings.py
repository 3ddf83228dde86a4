"""Yes/no settings read the usual spellings and refuse anything else by name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from rollcall.settings import env_bool


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes", "Yes", "on", " On "])
def test_it_reads_yes(monkeypatch, value):
    monkeypatch.setenv("SECURE_COOKIES", value)
    assert env_bool("SECURE_COOKIES", False) is True


@pytest.mark.parametrize("value", ["false", "False", "0", "no", "NO", "off"])
def test_it_reads_no(monkeypatch, value):
    monkeypatch.setenv("SECURE_COOKIES", value)
    assert env_bool("SECURE_COOKIES", True) is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_unset_or_empty_is_the_default(monkeypatch, value):
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    if value is not None:
        monkeypatch.setenv("SECURE_COOKIES", value)
    assert env_bool("SECURE_COOKIES", True) is True
    assert env_bool("SECURE_COOKIES", False) is False


@pytest.mark.parametrize("value", ["ture", "flase", "2", "enabled", "y"])
def test_it_refuses_a_value_it_cannot_read_naming_the_variable_and_value(monkeypatch, value):
    monkeypatch.setenv("SECURE_COOKIES", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("SECURE_COOKIES", True)
    assert "SECURE_COOKIES" in str(refused.value)
    assert repr(value) in str(refused.value)
