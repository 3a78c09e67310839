"""Public pages of the network's voice: news, press, publications."""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import condition

from calendar_app.models import Event
from members.models import LocalAuthority, Member, WorkingGroup
from rfve_site.page_cache import cached_page, canonical_query, keep_until

from .models import Article, Category, Document

ARTICLES_PER_PAGE = 10
YEARS = range(1998, 2101)  # the network was founded in 1998


def json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json">, escaped like Django's
    json_script: "</script>" cannot close the tag."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _article_list(request, articles, template_context: dict):
    # A scheduled article appears at its time.
    keep_until(request, Article.objects.next_publication(timezone.now()))
    page = Paginator(articles.select_related("category"), ARTICLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    canonical_query(request, page=page.number)
    context = {
        "page": page,
        "categories": Category.objects.all(),
        "years": Article.objects.published().datetimes(
            "publish_at", "year", order="DESC"
        ),
    } | template_context
    return render(request, "news/article_list.html", context)


@cached_page(Article, Category, query=("page",))
def article_list(request):
    return _article_list(request, Article.objects.published(), {})


@cached_page(Article, Category, query=("page",))
def category(request, slug: str):
    category = get_object_or_404(Category, slug=slug)
    articles = Article.objects.published().filter(category=category)
    return _article_list(request, articles, {"category": category})


@cached_page(Article, Category, query=("page",))
def year_archive(request, year: int):
    if year not in YEARS:
        raise Http404("Cette année n’est pas couverte.")
    articles = Article.objects.published().filter(publish_at__year=year)
    return _article_list(request, articles, {"year": year})


def _can_edit_articles(request) -> bool:
    return request.user.has_perm("news.change_article")


@cached_page(Article, Category, Document, Event, Member, LocalAuthority, WorkingGroup)
def article_detail(request, slug: str):
    """Published articles for everyone; drafts and scheduled ones only for
    those who edit articles (the admin's "Voir sur le site")."""
    article = get_object_or_404(
        Article.objects.select_related("category", "document"), slug=slug
    )
    is_public = article.is_public()
    if not is_public and not _can_edit_articles(request):
        raise Http404("Cet article n’est pas publié.")
    base_url = request.build_absolute_uri("/").rstrip("/")
    context = {
        "article": article,
        "is_public": is_public,
        "structured_data": json_ld(article.structured_data(base_url)),
        "image_url": base_url + article.image.url if article.image else "",
        "events": article.events.public(),
        "members": article.members.exclude(status=Member.Status.LEFT).select_related(
            "authority"
        ),
        "working_groups": article.working_groups.all(),
    }
    return render(request, "news/article_detail.html", context)


@cached_page(Article, Document, query=("page",))
def press(request):
    keep_until(request, Article.objects.next_publication(timezone.now()))
    releases = Article.objects.published().press_releases().select_related("document")
    page = Paginator(releases, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    canonical_query(request, page=page.number)
    context = {
        "page": page,
        "press_kit": Document.objects.published().filter(in_press_kit=True),
    }
    return render(request, "news/press.html", context)


@cached_page(Document, query=("type", "page"))
def document_list(request):
    documents = Document.objects.published()
    kinds = Document.Kind
    kind = request.GET.get("type", "")
    if kind not in kinds.values:
        kind = ""
    if kind:
        documents = documents.filter(kind=kind)
    page = Paginator(documents, ARTICLES_PER_PAGE * 2).get_page(request.GET.get("page"))
    canonical_query(request, type=kind, page=page.number)
    context = {
        "page": page,
        "kinds": kinds.choices,
        "kind": kind,
        "kind_label": kinds(kind).label if kind else "",
    }
    return render(request, "news/document_list.html", context)


def _visible_documents(request):
    # Without a session the visitor is anonymous: request.user is not read,
    # which would touch the session and keep the page out of the cache.
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.user.has_perm(
        "news.change_document"
    ):
        return Document.objects.all()
    return Document.objects.published()


@cached_page(Document, Event, WorkingGroup)
def document_detail(request, slug: str):
    document = get_object_or_404(_visible_documents(request), slug=slug)
    context = {
        "document": document,
        "events": document.events.public(),
        "working_groups": document.working_groups.all(),
    }
    return render(request, "news/document_detail.html", context)


def _document_changed(request, slug):
    return (
        _visible_documents(request)
        .filter(slug=slug)
        .values_list("updated_at", flat=True)
        .first()
    )


@condition(last_modified_func=_document_changed)
def download(request, slug: str):
    """The file with its real type (read from its content at upload) and its
    title as name; SecurityMiddleware adds nosniff. Served here rather than
    by the web server's /media/ so that type and name are right."""
    document = get_object_or_404(_visible_documents(request), slug=slug)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("Ce fichier n’est plus disponible.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.format.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
