from __future__ import annotations

from django.urls import path

from familyhub.hubs import views, views_programmes

app_name = "hubs"
urlpatterns = [
    path("", views.sessions, name="sessions"),
    path("sessions/new/", views.session_new, name="session-new"),
    path("timetable/", views.timetable, name="timetable"),
    path("timetable/print/", views.timetable_print, name="timetable-print"),
    path("sessions/<uuid:public_id>/register/", views.register, name="register"),
    path("sessions/<uuid:public_id>/walk-in/", views.walk_in, name="walk-in"),
    path("sessions/<uuid:public_id>/book/", views.book, name="book"),
    path("bookings/<uuid:public_id>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("families/<uuid:public_id>/book/", views.family_book, name="family-book"),
    path("reach/", views.reach, name="reach"),
    path("capacity/", views.capacity, name="capacity"),
    path("programmes/", views_programmes.programme_summary, name="programmes"),
    path(
        "courses/<uuid:public_id>/outcomes/",
        views_programmes.course_outcomes,
        name="course-outcomes",
    ),
]
