"""Crawl the Wagtail admin as a signed-in user and find English left in what the user sees.

What is checked on every page: the visible text (including the forms of inline panels kept in ``<template>`` for
"add another"), and the ``title``, ``aria-label``, ``placeholder`` and ``alt`` attributes and button values. What is
crawled: the admin home, every item of the sidebar menu (and its submenus), and from each listing its "add" form
and the edit form of its first row. English is recognised by a list of English interface words; proper names,
codes, file names, addresses and the demo's own data are left out.
"""

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Interface words that a Vietnamese page never needs (user data and proper names are allowed below).
ENGLISH_WORDS = frozenset(
    [
        "about",
        "account",
        "action",
        "actions",
        "active",
        "add",
        "added",
        "all",
        "allowed",
        "and",
        "any",
        "are",
        "as",
        "at",
        "back",
        "be",
        "before",
        "block",
        "blocks",
        "by",
        "cancel",
        "change",
        "changed",
        "characters",
        "choose",
        "clear",
        "click",
        "close",
        "collapse",
        "comma",
        "confirm",
        "copy",
        "create",
        "created",
        "current",
        "dashboard",
        "date",
        "delete",
        "deleted",
        "description",
        "details",
        "disabled",
        "document",
        "documents",
        "download",
        "draft",
        "edit",
        "editor",
        "editors",
        "empty",
        "enter",
        "error",
        "expand",
        "export",
        "false",
        "field",
        "file",
        "filter",
        "filters",
        "find",
        "first",
        "for",
        "from",
        "go",
        "groups",
        "has",
        "have",
        "help",
        "hide",
        "history",
        "home",
        "if",
        "image",
        "images",
        "import",
        "insert",
        "is",
        "it",
        "item",
        "items",
        "last",
        "latest",
        "list",
        "live",
        "loading",
        "locked",
        "log",
        "logout",
        "main",
        "manage",
        "moderators",
        "more",
        "move",
        "new",
        "next",
        "none",
        "not",
        "nothing",
        "null",
        "of",
        "only",
        "open",
        "option",
        "options",
        "or",
        "order",
        "page",
        "pages",
        "password",
        "please",
        "port",
        "preview",
        "previous",
        "published",
        "recent",
        "remove",
        "rename",
        "report",
        "reports",
        "required",
        "results",
        "revision",
        "save",
        "saved",
        "search",
        "select",
        "separated",
        "settings",
        "show",
        "sidebar",
        "site",
        "snippet",
        "snippets",
        "sort",
        "status",
        "submit",
        "tag",
        "tags",
        "the",
        "there",
        "these",
        "this",
        "title",
        "toggle",
        "true",
        "type",
        "unknown",
        "unlock",
        "unpublished",
        "update",
        "updated",
        "upload",
        "user",
        "username",
        "users",
        "value",
        "view",
        "was",
        "welcome",
        "when",
        "which",
        "with",
        "workflow",
        "yes",
        "you",
        "your",
    ]
)

# Words that are English but are also the Vietnamese way to write a name or a format.
ALLOWED_WORDS = frozenset(
    [
        "admin",
        "csv",
        "email",
        "excel",
        "facebook",
        "fanpage",
        "id",
        "ok",
        "pdf",
        "png",
        "qr",
        "sms",
        "svg",
        "url",
        "vneid",
        "wagtail",
        "xlsx",
        "zalo",
        "youtube",
        "tiktok",
        "bcci",
        "dvc",
        "dvctt",
        "ubnd",
        "kh",
        "vn",
        "www",
        "http",
        "https",
        "html",
        "json",
    ]
)

CHECKED_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SKIPPED_ELEMENTS = {"script", "style", "svg", "noscript", "code", "pre", "textarea"}
# Address-like and code-like pieces are data, not interface text: file names, paths, e-mails, slugs, identifiers.
DATA_LIKE = re.compile(r"\S*[./@_:=\\]\S*|\S+-\S+-\S+|\b[A-Z0-9]{2,}\b")
WORD = re.compile(r"[A-Za-z]+")
# Letters that only Vietnamese uses: a text with them is Vietnamese, unless it holds a run of English words.
VIETNAMESE_LETTERS = re.compile(r"[À-ỹĐđ]")


@dataclass
class Finding:
    url: str
    where: str
    text: str

    def __str__(self):
        return f"{self.url} [{self.where}] {self.text!r}"


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.pieces: list[tuple[str, str]] = []  # (where, text)
        self.depth = 0
        self.hidden_at = None  # depth of an element never shown as rendered

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in _VOID:
            self.depth += 1
            if HIDDEN_UNTIL_SCRIPTED in attributes and self.hidden_at is None:
                self.hidden_at = self.depth
        if self.hidden_at is not None:
            return
        if tag in SKIPPED_ELEMENTS:
            self.skip_depth += 1
        for name in CHECKED_ATTRIBUTES:
            if attributes.get(name):
                self.pieces.append((f"@{name}", attributes[name]))
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.pieces.append(("@value", attributes["value"]))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self.hidden_at is not None and self.depth <= self.hidden_at:
            self.hidden_at = None
        elif tag in SKIPPED_ELEMENTS and self.skip_depth and self.hidden_at is None:
            self.skip_depth -= 1
        self.depth -= 1

    def handle_data(self, data):
        if self.skip_depth or self.hidden_at is not None:
            return
        text = data.strip()
        if text:
            self.pieces.append(("text", text))


# The side panel's counter is rendered hidden ("None") and filled in by script: never seen as rendered. Other
# hidden parts (filter drilldowns, dropdowns, inline form templates) are shown on a click and are checked.
HIDDEN_UNTIL_SCRIPTED = "data-side-panel-toggle-counter"

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _is_english(word: str, data_words: frozenset[str]) -> bool:
    return word in ENGLISH_WORDS and word not in ALLOWED_WORDS and word not in data_words


def english_words(text: str, data_words: frozenset[str] = frozenset()) -> list[str]:
    """The English interface words of ``text``: any of them in a text without Vietnamese letters, or a run of two
    in a row in a text with some ("Lõi Wagtail | trang | Can add page")."""
    cleaned = DATA_LIKE.sub(" ", text)
    words = [word.lower() for word in re.findall(r"[^\W\d_]+", cleaned)]
    if not VIETNAMESE_LETTERS.search(cleaned):
        return [word for word in words if _is_english(word, data_words)]
    runs = [
        f"{first} {second}"
        for first, second in zip(words, words[1:], strict=False)
        if _is_english(first, data_words) and _is_english(second, data_words)
    ]
    return runs


def english_in_html(html: str, url: str, data_words: frozenset[str] = frozenset()) -> list[Finding]:
    collector = _TextCollector()
    collector.feed(html)
    findings = []
    for where, text in collector.pieces:
        if english_words(text, data_words):
            findings.append(Finding(url, where, text[:160]))
    return findings


def sidebar_nodes(html: str):
    """Every object of the sidebar menu, which Wagtail ships as a JSON island for its React sidebar (none without)."""
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    stack = [json.loads(props.group(1))] if props else []
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            yield node
            stack[:0] = list(node.values())
        elif isinstance(node, list):
            stack[:0] = node


def sidebar_urls(html: str) -> list[str]:
    """Every URL of the sidebar menu."""
    urls = [node["url"] for node in sidebar_nodes(html) if isinstance(node.get("url"), str)]
    return list(dict.fromkeys(url for url in urls if url.startswith("/admin/")))


def sidebar_labels(html: str) -> list[str]:
    return [node["label"] for node in sidebar_nodes(html) if isinstance(node.get("label"), str)]


FORM_LINK = re.compile(r'href="(/admin/[^"?#]*/(?:add|new|create)/)"')
EDIT_LINK = re.compile(r'href="(/admin/[^"?#]*/edit/\d+/)"')
PAGE_EDIT_LINK = re.compile(r'href="(/admin/pages/\d+/edit/)"')
# Downloads, destructive or state-changing links are never followed.
SKIPPED_URL = re.compile(r"logout|delete|unpublish|export|\.(?:pdf|xlsx|csv|png|json)$|/chooser/|/action/")


@dataclass
class CrawlResult:
    checked: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def crawl_admin(client, data_words: frozenset[str] = frozenset(), max_pages: int = 120) -> CrawlResult:
    """Home, the menu, and from each listing its add form and its first edit form."""
    result = CrawlResult()
    home = client.get("/admin/")
    assert home.status_code == 200, home.status_code
    html = home.content.decode()
    queue = ["/admin/", *sidebar_urls(html)]
    for label in sidebar_labels(html):
        if english_words(label, data_words):
            result.findings.append(Finding("/admin/", "menu", label))
    seen = set()
    while queue and len(seen) < max_pages:
        url = queue.pop(0)
        if url in seen or SKIPPED_URL.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = response.content.decode()
        result.checked.append(url)
        result.findings.extend(english_in_html(page, url, data_words))
        if url.count("/") <= 4:  # a listing: follow its add form and its first edit form
            for pattern in (FORM_LINK, EDIT_LINK, PAGE_EDIT_LINK):
                match = pattern.search(page)
                if match and match.group(1) not in seen:
                    queue.append(match.group(1))
    return result
