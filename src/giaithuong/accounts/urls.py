from django.urls import path

from giaithuong.accounts import participant_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/change/done/", views.password_change_done, name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm,
         name="password_reset_confirm"),
    path("password/reset/complete/", views.password_reset_complete,
         name="password_reset_complete"),
    # Participants: registration, verification, profile, their data, privacy notice.
    path("register/", participant_views.register, name="register"),
    path("register/sent/", participant_views.verification_sent, name="verification_sent"),
    path("register/resend/", participant_views.resend_verification,
         name="resend_verification"),
    path("verify/<str:token>/", participant_views.verify_email, name="verify_email"),
    path("profile/", participant_views.profile, name="profile"),
    path("profile/email/", participant_views.change_email, name="change_email"),
    path("my-data/", participant_views.my_data, name="my_data"),
    path("erasure/", participant_views.erasure, name="erasure"),
    path("privacy/", participant_views.privacy, name="privacy"),
]
