"""The demo's news and publications: realistic, idempotent, real PDFs."""

import io

from django.urls import reverse
from pypdf import PdfReader

from news.models import Article, Document
from tests.shared_data import load_demo


def test_demo_news_and_publications(client, demo):
    load_demo()  # twice: nothing doubles

    assert Article.objects.count() == 10 and Document.objects.count() == 4
    published = Article.objects.published()
    assert published.press_releases().filter(publish_at__year=2017).exists()
    scheduled = Article.objects.get(
        slug="journee-internationale-de-la-ville-educatrice"
    )
    assert scheduled not in published  # tomorrow 9:00
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert published.values("category").distinct().count() >= 4
    assert not Article.objects.filter(is_demo=False).exists()

    manifesto = Document.objects.get(slug="manifeste-2030")
    response = client.get(manifesto.get_download_url())
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert "Manifeste 2030" in pdf.pages[0].extract_text()
    page = client.get(manifesto.get_absolute_url()).content.decode()
    assert "Nos engagements pour 2030" in page  # the accessible version
    home = client.get(reverse("home")).content.decode()
    assert home.count('class="article-item"') == 3
