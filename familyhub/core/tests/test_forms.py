from __future__ import annotations

from django import forms


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As the family says it.")
    contact = forms.ChoiceField(
        label="How to contact",
        choices=[("phone", "Phone"), ("email", "Email")],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    days = forms.MultipleChoiceField(
        label="Days",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def test_a_valid_form_renders_govuk_fields_with_hints():
    html = str(ExampleForm())
    assert 'class="govuk-label" for="id_name"' in html
    assert 'class="govuk-hint"' in html and "As the family says it." in html
    assert 'class="govuk-input"' in html
    assert "govuk-radios__input" in html
    assert "govuk-textarea" in html
    assert 'type="checkbox"' in html and "govuk-checkboxes__input" in html
    assert "govuk-error-summary" not in html


def test_errors_render_a_summary_linking_to_each_field_and_a_message_by_it():
    form = ExampleForm(data={"name": "", "contact": "fax"})
    html = str(form)
    assert "There is a problem" in html
    assert 'href="#id_name"' in html
    assert 'href="#id_contact_0"' in html  # the first radio, which the link can focus
    assert "govuk-form-group--error" in html
    assert "govuk-input--error" in html
    assert "govuk-error-message" in html
