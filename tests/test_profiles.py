import pytest

from coach import MentorCandidate, Profile, ProfileError
from tests.conftest import REPO

EX = REPO / "examples"


def test_the_examples_load():
    me = Profile.from_yaml(EX / "me.yaml")
    mentor = MentorCandidate.from_yaml(EX / "mentor.yaml")
    assert me.first_name == "Priya" and me.linkedin_account == "free"
    assert me.goals[0].title.startswith("Lead a product discovery")
    assert mentor.relation == "outside" and len(mentor.notes) == 2


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("name: Ann\nnotes: [led the app team]\ncolour: blue\n", "unknown key 'colour'"),
        ("name: Ann\n", "'notes' is required"),
        ("name: Ann\nnotes: []\n", "'notes'"),
        ("name: ''\nnotes: [led the app team]\n", "'name'"),
        ("name: Ann\nnotes: [led the app team]\nrelation: sideways\n", "'relation'"),
        ("name: Ann\nnotes: ['" + "x" * 2100 + "']\n", "'notes.0'"),
        ("- just\n- a list\n", "expected 'key: value' lines"),
        ("name: [unclosed\n", "not valid YAML at line"),
    ],
)
def test_bad_mentor_files_name_the_field(tmp_path, yaml_text, message):
    p = tmp_path / "mentor.yaml"
    p.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        MentorCandidate.from_yaml(p)
    assert message in str(err.value)
    assert str(p) in str(err.value)


def test_bad_profile_fields_are_named(tmp_path):
    p = tmp_path / "me.yaml"
    p.write_text("name: Ann\nlinkedin_account: gold\ngoals: [{titel: x}]\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        Profile.from_yaml(p)
    text = str(err.value)
    assert "'linkedin_account'" in text
    assert "unknown key 'goals.0.titel'" in text


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProfileError, match="file not found"):
        Profile.from_yaml(tmp_path / "nope.yaml")
    bad = tmp_path / "bin.yaml"
    bad.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(ProfileError, match="UTF-8"):
        Profile.from_yaml(bad)
