import pytest

from coach import ConfigError, Settings, get_settings
from coach.settings import reset_settings


def test_coach_home_moves_every_path(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "elsewhere"))
    reset_settings()
    s = get_settings()
    assert s.home == tmp_path / "elsewhere"
    assert s.chroma_path.is_relative_to(s.home)


def test_an_empty_coach_home_means_the_default_not_the_current_folder(monkeypatch):
    monkeypatch.setenv("COACH_HOME", "")
    home = Settings().home
    assert home.is_absolute() and home.name == "mentor-workbook"


def test_standard_openai_variables_are_honoured(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-123")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    reset_settings()
    s = get_settings()
    assert s.api_key() == "sk-test-secret-123"
    assert s.openai_base_url == "http://127.0.0.1:11434/v1"
    # the key never shows in a repr, a dump or an error
    assert "sk-test-secret-123" not in repr(s)
    assert "sk-test-secret-123" not in str(s.model_dump())


def test_bad_values_raise_a_config_error_naming_the_setting(monkeypatch):
    monkeypatch.setenv("COACH_CHROMA_URL", "not a url")
    monkeypatch.setenv("COACH_OPENAI_API_KEY", "sk-should-not-leak")
    reset_settings()
    with pytest.raises(ConfigError) as err:
        get_settings()
    assert "chroma_url" in str(err.value)
    assert "sk-should-not-leak" not in str(err.value)


def test_bad_corpus_name_is_refused():
    with pytest.raises(ValueError, match="corpus name"):
        Settings(corpus="../etc")


def test_linkedin_limits_are_settings_with_documented_defaults(monkeypatch):
    s = Settings()
    assert (s.linkedin_note_limit_free, s.linkedin_note_limit_premium) == (200, 300)
    assert (s.inmail_subject_limit, s.inmail_body_limit) == (200, 1900)
    monkeypatch.setenv("COACH_LINKEDIN_NOTE_LIMIT_FREE", "250")
    assert Settings().linkedin_note_limit_free == 250


def test_every_setting_is_documented():
    for name, field in Settings.model_fields.items():
        assert field.description, name
