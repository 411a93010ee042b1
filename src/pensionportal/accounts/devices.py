"""A short description of the browser and system behind a session ("Firefox on Windows"),
for the signed-in sessions page (issue 17: OWASP ASVS 5.0, 7.5; docs/security.md,
"Sessions"). Only this summary is kept, never the User-Agent header itself.

The families come from ua-parser (Browserscope's rules, pinned in requirements.lock), asked
for the browser and the system only and with its rules compiled as they are first needed,
so the first request of a process does not compile the whole rule set. Parses are cached
by the header's text; the header is cut to `_READ` characters first, as the rules are
regular expressions run on text the client chose.
"""

from __future__ import annotations

from ua_parser import BasicResolver, Cache, CachingResolver, Domain, Parser, load_lazy_builtins

MAX_LENGTH = 80  # UserSession.device
_READ = 512
UNKNOWN = "Unknown browser"

_parser = Parser(CachingResolver(BasicResolver(load_lazy_builtins()), Cache(500)))

# ua-parser's names where a user knows another.
_BROWSERS = {
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Android WebView",
    "HeadlessChrome": "Chrome (headless)",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Samsung Internet": "Samsung Internet",
}
_SYSTEMS = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}


def describe(user_agent: str) -> str:
    """'Firefox on Windows', 'Safari on iOS', 'Chrome', 'Unknown browser on Linux'."""
    text = user_agent[:_READ].strip()
    if not text:
        return UNKNOWN
    found = _parser(text, Domain.USER_AGENT | Domain.OS)
    browser = found.user_agent.family if found.user_agent else "Other"
    system = found.os.family if found.os else "Other"
    browser = UNKNOWN if browser == "Other" else _BROWSERS.get(browser, browser)
    if system == "Other":
        return browser[:MAX_LENGTH]
    return f"{browser} on {_SYSTEMS.get(system, system)}"[:MAX_LENGTH]
