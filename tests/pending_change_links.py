"""What every pending change's link promises (territoire.models.PendingChange): the link
carries a secret and nothing readable; an unknown, expired or spent link answers a page that
says which, on a GET as on a POST."""

from django.db.models import Model

# What the page says for each way a link no longer applies.
REFUSALS = {
    "unknown": "Ce lien de confirmation n'est pas valide.",
    "expired": "Ce lien a expiré.",
    "spent": "Ce lien a déjà servi",
}


def assert_link_hides(link: str, row: Model, readable: tuple[str, ...]) -> None:
    """``link`` ends with a secret of at least 256 bits, names none of ``readable``, and
    ``row`` (the change it names) keeps only the secret's digest."""
    secret = link.rstrip("/").rsplit("/", 1)[1]
    assert len(secret) >= 43
    for word in readable:
        assert word.lower() not in link.lower()
    assert secret not in row.secret_digest


def assert_link_refused(client, link: str, state: str, max_queries) -> None:
    """Showing ``link`` (in at most 6 queries) and following it both answer 400 with the
    message for ``state``."""
    with max_queries(6):
        shown = client.get(link)
    applied = client.post(link)
    for response in (shown, applied):
        assert response.status_code == 400
        assert REFUSALS[state] in response.content.decode().replace("&#x27;", "'")
