"""Tiny HTML pages behind every ``html_url``, so the links atlas prints open in a browser.

Plain pages, no scripts: a pull request's title, state, branches and body; an issue; a repo's
files; a file at a ref; raw file bytes for ``download_url``.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import unquote

from . import pulls
from .errors import ApiError
from .routing import Response
from .state import ForgeState

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
pre{{background:#f6f8fa;padding:1em;overflow:auto}} .state{{padding:.2em .6em;border-radius:1em;
background:#ddd}} .open{{background:#2da44e;color:#fff}} .merged{{background:#8250df;color:#fff}}
.draft{{background:#6e7781;color:#fff}}</style></head><body>
<p><small>GitHub emulator (atlas demo) &middot; <a href="/{repo}">{repo}</a></small></p>
{body}</body></html>"""


def _page(repo: str, title: str, body: str, status: int = 200) -> Response:
    text = _PAGE.format(title=escape(title), repo=escape(repo), body=body)
    return Response(status, text.encode(), content_type="text/html; charset=utf-8")


def render_page(state: ForgeState, path: str) -> Response:
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if len(parts) < 2:
        return _page("", "Not Found", "<h1>Not Found</h1>", 404)
    full = f"{parts[0]}/{parts[1]}"
    repo = state.repos.get(full.lower())
    if repo is None:
        return _page(full, "Not Found", "<h1>Not Found</h1>", 404)
    rest = parts[2:]
    try:
        if not rest:
            return _files(state, repo, repo.default_branch, "")
        if rest[0] in ("pull", "issues") and len(rest) == 2 and re.fullmatch(r"\d+", rest[1]):
            return _issue(repo, int(rest[1]))
        if rest[0] in ("blob", "tree") and len(rest) >= 2:
            return _files(state, repo, rest[1], "/".join(rest[2:]))
        if rest[0] == "raw" and len(rest) >= 3:
            sha = state.resolve(repo, rest[1])
            entry = repo.git.lookup(repo.git.commits[sha].tree, "/".join(rest[2:]))
            if entry and entry.type == "blob":
                return Response(200, repo.git.blobs[entry.sha], content_type="text/plain; charset=utf-8")
        if rest[0] == "commit" and len(rest) == 2 and rest[1] in repo.git.commits:
            c = repo.git.commits[rest[1]]
            return _page(full, c.message.splitlines()[0] if c.message else c.sha,
                         f"<h1>Commit {c.sha[:7]}</h1><pre>{escape(c.message)}</pre>"
                         f"<p>{escape(c.author.name)} &middot; {c.author.date}</p>")
    except ApiError:
        pass
    return _page(full, "Not Found", "<h1>Not Found</h1>", 404)


def _issue(repo, number: int) -> Response:
    issue = repo.issues.get(number)
    if issue is None:
        return _page(repo.full_name, "Not Found", "<h1>Not Found</h1>", 404)
    state = issue.state
    extra = ""
    if issue.pull:
        pr = pulls.sync(repo, issue)
        state = "merged" if pr.merged else "draft" if pr.draft and state == "open" else state
        extra = (f"<p>wants to merge <code>{escape(pr.head_ref)}</code> into "
                 f"<code>{escape(pr.base_ref)}</code> &middot; head <code>{pr.head_sha[:7]}</code></p>")
    labels = " ".join(f"<code>{escape(x)}</code>" for x in issue.labels)
    kind = "Pull request" if issue.pull else "Issue"
    body = (f"<h1>{escape(issue.title)} <small>#{issue.number}</small></h1>"
            f"<p><span class='state {state}'>{state}</span> {kind} by {escape(issue.user)} "
            f"&middot; {issue.created_at}</p>{extra}<p>{labels}</p><pre>{escape(issue.body)}</pre>")
    for c in issue.comments:
        body += f"<h3>{escape(c.user)} &middot; {c.created_at}</h3><pre>{escape(c.body)}</pre>"
    return _page(repo.full_name, f"{issue.title} · {repo.full_name}#{issue.number}", body)


def _files(state: ForgeState, repo, ref: str, path: str) -> Response:
    sha = state.resolve(repo, ref)
    entry = repo.git.lookup(repo.git.commits[sha].tree, path)
    if entry is None:
        return _page(repo.full_name, "Not Found", "<h1>Not Found</h1>", 404)
    title = f"{repo.full_name}/{path}" if path else repo.full_name
    if entry.type == "blob":
        text = repo.git.blobs[entry.sha].decode("utf-8", "replace")
        return _page(repo.full_name, title, f"<h1>{escape(path)}</h1><p>at <code>{escape(ref)}</code></p>"
                                            f"<pre>{escape(text)}</pre>")
    items = "".join(
        f"<li><a href='/{repo.full_name}/{'tree' if e.type == 'tree' else 'blob'}/{escape(ref)}/"
        f"{escape((path + '/' if path else '') + e.name)}'>{escape(e.name)}{'/' if e.type == 'tree' else ''}</a></li>"
        for e in repo.git.trees[entry.sha])
    return _page(repo.full_name, title, f"<h1>{escape(title)}</h1><p>{escape(repo.description)}</p>"
                                        f"<p>at <code>{escape(ref)}</code></p><ul>{items}</ul>")
