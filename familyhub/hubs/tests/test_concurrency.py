"""Two people booking the last place at once: one place and one waiting-list spot, never two
places (PostgreSQL only: SQLite serialises writers anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from familyhub.hubs import services
from familyhub.hubs.models import Booking
from familyhub.hubs.tests.factories import SessionFactory
from familyhub.testing.factories import AuthorityFactory, PersonFactory


@pytest.mark.django_db(transaction=True)
def test_two_bookings_for_the_last_place_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    authority = AuthorityFactory()
    session = SessionFactory(authority=authority, capacity=1)
    people = [PersonFactory(authority=authority) for _ in range(6)]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def book(person):
        try:
            barrier.wait()
            services.booking_create(session=session, person=person)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    statuses = list(Booking.objects.filter(session=session).values_list("status", flat=True))
    assert statuses.count("booked") == 1 and statuses.count("waiting") == 5
