from allauth.core import ratelimit
from django import forms
from django.contrib.auth import get_user_model, password_validation

from mentoring.people.models import Department
from mentoring.tenancy.models import Role

from .models import Invitation
from .services import invitable_problem, normalize_email


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "display_name", "role", "department", "job_title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:  # absent on the read-only view of a sent invitation
            self.fields["department"].queryset = Department.objects.all()
            self.fields["role"].initial = Role.MEMBER

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        problem = invitable_problem(email)
        if problem:
            raise forms.ValidationError(problem)
        return email


class InvitationCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A header row with email and, optionally, name, role, department, job_title.",
    )


class AcceptNewAccountForm(forms.Form):
    display_name = forms.CharField(max_length=120, label="Your name")
    password1 = forms.CharField(label="Choose a password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label="Repeat the password", widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            try:
                password_validation.validate_password(
                    first, user=get_user_model()(email=self.email, username=self.email)
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AcceptExistingAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput,
        strip=False,
        help_text="You already have an account with this email: confirm it is you.",
    )

    def __init__(self, *args, user, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        # A password check is a way in: wrong passwords count against the same limit as
        # the sign-in form's ("login_failed", keyed like allauth's: host and address).
        key = f"{self.request.get_host()}:{self.user.email.lower()}"
        if not ratelimit.consume(self.request, action="login_failed", key=key, dry_run=True):
            raise forms.ValidationError(
                "Too many failed attempts. Wait a few minutes and try again."
            )
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            ratelimit.consume(self.request, action="login_failed", key=key)
            raise forms.ValidationError("That password is not right.")
        return password
