import pytest

from coach import DRAFT_KINDS, PHASES
from coach.prompts import PromptError, PromptSpec, all_prompts, get_prompt


def test_every_task_has_one_versioned_prompt_file():
    names = set(all_prompts())
    expected = {"answer", "refine-goal"} | {f"draft-{k}" for k in DRAFT_KINDS}
    expected |= {f"agenda-{p}" for p in PHASES}
    assert names == expected
    assert all(spec.version >= 1 for spec in all_prompts().values())


@pytest.mark.parametrize("name", sorted(all_prompts()))
def test_model_prompts_fence_off_data_and_refuse_instructions_in_it(name):
    spec = get_prompt(name)
    assert "not instructions" in spec.system
    assert "<<<" in spec.user and ">>>" in spec.user


BASE = {
    "name": "x",
    "version": 1,
    "task": "answer",
    "description": "d",
    "variables": ["question"],
    "system": "s",
    "user": "{question}",
}


def test_unknown_keys_are_errors():
    with pytest.raises(ValueError, match="Extra inputs"):
        PromptSpec.model_validate({**BASE, "temperature": 0.2})


def test_undeclared_and_unused_variables_are_errors():
    with pytest.raises(ValueError, match="not declared"):
        PromptSpec.model_validate({**BASE, "user": "{question} {secret}"})
    with pytest.raises(ValueError, match="never used"):
        PromptSpec.model_validate({**BASE, "variables": ["question", "other"]})


def test_offline_templates_may_only_use_known_variables():
    with pytest.raises(ValueError, match="unknown variables"):
        PromptSpec.model_validate({**BASE, "offline": {"body": ["Hi {nickname}"]}})


def test_rendering_without_a_variable_is_an_error():
    spec = PromptSpec.model_validate(BASE)
    with pytest.raises(PromptError, match="needs"):
        spec.render()
    _system, user = spec.render(question="What {is} this?")
    assert user == "What {is} this?"  # values are inserted, never re-parsed
