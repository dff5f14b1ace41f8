from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .forms import InvitationAwarePasswordResetForm, TokenRevokingSetPasswordForm
from .views import ThrottledPasswordResetView, TokenRevokingPasswordChangeView, account_settings

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", account_settings, name="settings"),
    path("password/", TokenRevokingPasswordChangeView.as_view(), name="password_change"),
    # Forgotten passwords, and the link an invitation e-mail carries to choose the first one.
    path("password-reset/", ThrottledPasswordResetView.as_view(
        template_name="accounts/password_reset.html", form_class=InvitationAwarePasswordResetForm,
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done")), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html", form_class=TokenRevokingSetPasswordForm,
        success_url=reverse_lazy("accounts:password_reset_complete")), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
]
