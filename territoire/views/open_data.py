"""A territory's open data, public: the page that describes it and its files."""

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from territoire.impact import opendata
from territoire.impact.registry import OpenDataset, open_datasets
from territoire.models import Territory


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory, slug=slug)


def _dataset(key: str) -> OpenDataset:
    for dataset in open_datasets():
        if dataset.key == key:
            return dataset
    raise Http404


def _homepage(request: HttpRequest, territory: Territory) -> str:
    return request.build_absolute_uri(reverse("open_data", kwargs={"territory": territory.slug}))


@require_safe
def open_data(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    return render(
        request,
        "territoire/open_data.html",
        {
            "territory": place,
            "datasets": open_datasets(),
            "licence_url": opendata.LICENCE_URL,
            "licence_title": opendata.LICENCE_TITLE,
        },
    )


@require_safe
def open_data_csv(request: HttpRequest, territory: str, dataset: str) -> StreamingHttpResponse:
    return opendata.dataset_csv_response(_dataset(dataset), _territory(territory))


@require_safe
def open_data_json(request: HttpRequest, territory: str, dataset: str) -> HttpResponse:
    return opendata.dataset_json_response(_dataset(dataset), _territory(territory))


@require_safe
def open_data_package(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    return opendata.datapackage_response(place, _homepage(request, place))


@require_safe
def open_data_readme(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    return opendata.readme_response(place, _homepage(request, place))
