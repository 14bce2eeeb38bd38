"""The one CSV machinery (territoire/exports.py): rows streamed as they are read."""

import pytest
from django.urls import reverse
from django.utils import translation

from territoire.exports import csv_download, csv_lines, neutralised
from tests.challenges.factories import ChallengeFactory, SignUpFactory


def test_lines_come_one_row_at_a_time_with_the_bom_first():
    lines = csv_lines(iter([["nom", "défis"], ["Awa", "a;b"], ["=1+1", ""]]))

    assert next(lines) == "\ufeffnom;défis\r\n"
    assert list(lines) == ['Awa;"a;b"\r\n', "=1+1;\r\n"]


def test_an_empty_export_is_still_a_utf8_file_and_open_data_has_no_bom():
    assert list(csv_lines([])) == ["\ufeff"]
    assert list(csv_lines([["a", "b"]], delimiter=",", bom=False)) == ["a,b\r\n"]


def test_formulas_are_neutralised_and_plain_text_left_alone():
    assert [neutralised(t) for t in ("=A1", "+33", "-2", "@x", "\tx", "Awa")] == [
        "'=A1",
        "'+33",
        "'-2",
        "'@x",
        "'\tx",
        "Awa",
    ]


def test_the_download_is_streamed_and_reads_its_rows_lazily():
    read = []

    def rows():
        for name in ("a", "b"):
            read.append(name)
            yield [name]

    response = csv_download(rows(), filename="x.csv")

    assert response.streaming and read == []
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert b"".join(response.streaming_content) == b"\xef\xbb\xbfa\r\nb\r\n"


def test_rows_are_written_in_the_language_of_the_request():
    def rows():
        yield [translation.get_language()]

    with translation.override("en"):
        response = csv_download(rows(), filename="x.csv")

    assert b"".join(response.streaming_content) == "\ufeffen\r\n".encode()


@pytest.mark.parametrize("signup_count", (5, 11))
def test_the_signups_csv_reads_the_database_a_chunk_at_a_time(
    client, cast, monkeypatch, django_assert_max_num_queries, signup_count
):
    monkeypatch.setattr("challenges.views.organiser.CHUNK_SIZE", 4)
    challenge = ChallengeFactory(territory=cast.territory, title="Se déplacer")
    for index in range(signup_count):
        SignUpFactory(
            territory=cast.territory, full_name=f"Personne {index:02}", challenges=[challenge]
        )
    client.force_login(cast.organiser)
    chunks = -(-signup_count // 4)

    # session, user, territory, roles; then per chunk: sign-ups, their challenges
    with django_assert_max_num_queries(4 + 2 * chunks):
        response = client.get(reverse("signups_csv", args=[cast.territory.slug]))
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()

    assert response.streaming
    assert [line.split(";")[0] for line in lines[1:]] == [
        f"Personne {index:02}" for index in range(signup_count)
    ]
    assert all(line.split(";")[4] == "Se déplacer" for line in lines[1:])
