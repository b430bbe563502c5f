"""Sign-in, sign-out, password change and reset, and a person's own page.

Django's auth views do the work; each is wrapped with its access declaration.
"""

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from giaithuong.accounts.participant_forms import SignInForm
from giaithuong.accounts.selectors import grants_for
from giaithuong.common.access import PUBLIC, SIGNED_IN, access

login = access(PUBLIC)(auth_views.LoginView.as_view(
    template_name="accounts/login.html", redirect_authenticated_user=True,
    authentication_form=SignInForm))
logout = access(PUBLIC)(auth_views.LogoutView.as_view())
password_change = access(SIGNED_IN)(auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:password_change_done")))
password_change_done = access(SIGNED_IN)(auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"))
password_reset = access(PUBLIC)(auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done")))
password_reset_done = access(PUBLIC)(auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"))
password_reset_confirm = access(PUBLIC)(auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete")))
password_reset_complete = access(PUBLIC)(auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"))


@access(SIGNED_IN)
def dashboard(request):
    return render(request, "accounts/dashboard.html", {"grants": grants_for(request.user)})
