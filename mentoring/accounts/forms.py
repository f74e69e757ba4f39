from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import AddEmailForm, SetPasswordForm
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring import hooks
from mentoring.common.admin import ServiceModelForm
from mentoring.people.models import Department
from mentoring.tenancy.models import Role

from .models import Invitation
from .services import invitable_problem, invitation_create, normalize_email


class InvitationForm(ServiceModelForm):
    """Inviting in the admin: ``invitation_create`` runs as the last step of validation, so
    a refusal it finds under its locks (the program chosen closed a moment ago, the person
    invited meanwhile) lands on the form instead of failing the request."""

    class Meta:
        model = Invitation
        fields = ["email", "display_name", "role", "department", "job_title"]

    def choices(self) -> dict:
        return {}  # the apps' fields add theirs (with_invitation_choices)

    def save_through_service(self):
        invitation, _token = invitation_create(
            organization=self.request.organization,
            actor=self.request.user,
            **{name: self.cleaned_data[name] for name in InvitationForm.Meta.fields},
            choices=self.choices(),
        )
        return invitation

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
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "A header row with email and, optionally, name, role, department, job_title."
        ),
    )


def invitation_choice_fields() -> dict[str, forms.Field]:
    """What the apps offer when inviting (INVITATION_FIELDS), e.g. a program to join."""
    return {
        name: field
        for fields in hooks.run(hooks.INVITATION_FIELDS)
        for name, field in fields.items()
    }


def with_invitation_choices(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """``form_class`` with the apps' invitation fields declared (so the admin lays them out);
    its ``choices()`` returns their cleaned values for the services."""
    extra = invitation_choice_fields()

    def choices(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in extra}

    return type(form_class.__name__, (form_class,), {**extra, "choices": choices})


class AcceptNewAccountForm(forms.Form):
    display_name = forms.CharField(max_length=120, label=gettext_lazy("Your name"))
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"), widget=forms.PasswordInput, strip=False
    )
    password2 = forms.CharField(
        label=gettext_lazy("Repeat the password"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
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
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=gettext_lazy("You already have an account with this email: confirm it is you."),
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
                _("Too many failed attempts. Wait a few minutes and try again.")
            )
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            ratelimit.consume(self.request, action="login_failed", key=key)
            raise forms.ValidationError(_("That password is not right."))
        return password


class NotifyingAddEmailForm(AddEmailForm):
    """allauth's "add an address" form that also tells the primary address.

    Someone who got into the account (a session left open, a provider that vouched for
    the wrong person) must not quietly add an address of their own: the owner hears of
    it at the address they already had, before the new one is even confirmed.
    """

    def clean(self):
        cleaned = super().clean()
        # allauth asks someone with neither a password nor an authenticator app for
        # nothing; after single sign-on that would let the provider add an address.
        if not self.user.has_usable_password() and not is_mfa_enabled(self.user):
            raise forms.ValidationError(
                _(
                    "Set a password first: “Forgot your password?” on the sign-in page sends "
                    "a link to your address."
                )
            )
        return cleaned

    def save(self, request):
        email_address = super().save(request)
        primary = EmailAddress.objects.get_primary_email(self.user)
        if primary and primary.lower() != email_address.email.lower():
            get_account_adapter(request).send_notification_mail(
                "account/email/email_added",
                self.user,
                {"added_email": email_address.email},
                email=primary,
            )
        return email_address


class ResetInsteadSetPasswordForm(SetPasswordForm):
    """allauth's "set a password" page (for an account without one) never sets it.

    Nothing asks who is there first (there is no password to ask for), so a session
    opened through single sign-on could give the account a password that works on
    every organization's host. “Forgot your password?” does it instead, through a link
    sent to the account's own address.
    """

    def clean(self):
        raise forms.ValidationError(
            _(
                "Use “Forgot your password?” on the sign-in page: we send a link to your "
                "address to choose a password."
            )
        )
