"""Access logs without the registrations' (and the newsletter's) personal links: a link
(/agenda/evenements/<slug>/inscription/<signed token>/) opens a person's
registration, so it is a credential, and logs are read by more people and
kept longer than the database. gunicorn uses `Logger` below (--logger-class);
the shipped nginx site masks the same paths with the same rule (a `map` in
deploy/nginx/rfve.conf); tests/deploy/test_access_logs.py checks both."""

import re

from gunicorn.glogging import Logger as GunicornLogger

# The registration's own pages are the only segments after /inscription/
# that are not a token.
# The newsletter's signed links (/lettre/confirmer/<token>/, preferences/,
# desinscription/) carry an address and act for its owner: masked too.
PERSONAL_LINK = re.compile(
    r"(/inscription/(?!(?:confirmee|liste-attente|deja-inscrit)(?:/|$|\?))"
    r"|/lettre/(?:confirmer|preferences|desinscription)/)"
    r"[^/?#\s\"]+"
)
MASK = r"\1[lien-personnel]"


def mask(text):
    return PERSONAL_LINK.sub(MASK, text) if isinstance(text, str) else text


class Logger(GunicornLogger):
    """gunicorn's logger, with personal links masked in every atom that
    carries the address (request line, path, referer, raw headers)."""

    def atoms(self, resp, req, environ, request_time):
        return {
            key: mask(value)
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }


class MaskPersonalLinks:
    """A logging filter for the site's own log (django.request writes "Not
    Found: <path>"): the message with personal links masked."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
