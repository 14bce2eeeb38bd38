from django.test import RequestFactory

from territoire.ratelimit import allow, client_key


def test_allow_counts_hits_in_a_window():
    answers = [allow("essai", "client", limit=3, window=60) for _ in range(5)]

    assert answers == [True, True, True, False, False]
    assert allow("essai", "autre-client", limit=3, window=60) is True


def test_client_key_ignores_a_forwarded_for_header_unless_trusted(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    settings.TRUSTED_PROXY_COUNT = 0
    direct = client_key(request)

    settings.TRUSTED_PROXY_COUNT = 1
    spoofed = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.1.1.1"
    )

    assert direct == client_key(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1"))
    # Behind the proxy, only the address it appended counts: a forged first entry changes nothing.
    assert client_key(spoofed) == client_key(request)
    assert client_key(request) != direct
