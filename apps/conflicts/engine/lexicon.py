"""Small hand-written word lists the detector reasons with.

They describe *kinds of language* (negation, modality, quantifiers, opposites, units), not any
particular data set, so they carry over to domains the engine has never seen.
"""

from __future__ import annotations

STOPWORDS = frozenset(
    {
        "a", "an", "the", "of", "to", "and", "or", "in", "on", "at", "by", "for", "from", "with", "as",
        "into", "onto", "than", "then", "that", "this", "these", "those", "it", "its", "it's", "is", "are",
        "was", "were", "be", "been", "being", "do", "does", "did", "has", "have", "had", "having", "there",
        "their", "they", "them", "which", "who", "whom", "whose", "what", "when", "where", "while", "if",
        "so", "such", "per", "via", "about", "over", "under", "up", "down", "out", "off", "i", "we", "you",
        "he", "she", "our", "your", "his", "her", "my", "me", "us", "also", "both", "either", "each", "etc",
        "e.g", "i.e", "eg", "ie", "able", "ability", "capable", "possible"
    }
)

# Words that change the strength or polarity of an obligation; kept out of the content tokens.
MODAL_MUST = frozenset({"must", "shall", "required", "require", "requires", "mandatory", "will", "need",
                        "needs", "has", "have", "obliged", "always"})
MODAL_SHOULD = frozenset({"should", "recommended", "preferably", "ideally", "prefer", "preferred"})
MODAL_MAY = frozenset({"may", "can", "could", "optional", "optionally", "allowed", "permitted",
                       "acceptable", "fine", "ok", "okay", "might"})

NEGATORS = frozenset({"not", "no", "never", "cannot", "cant", "can't", "won't", "wont", "without",
                      "none", "nor", "neither", "nothing", "nobody", "prohibited", "forbidden",
                      "disallowed", "prevent", "prevents", "prevented", "isn't", "aren't", "don't",
                      "doesn't", "shouldn't", "mustn't", "shan't", "avoid", "unable", "incapable",
                      "impossible"})

# Prefixes that negate an adjective ("authenticated" / "unauthenticated").
NEG_PREFIXES = ("un", "non", "in", "im", "dis", "ir", "il")

UNIVERSAL = frozenset({"all", "every", "each", "any", "always", "entire", "whole", "everyone",
                       "everything", "everywhere", "anyone", "full", "fully", "complete", "completely",
                       "unlimited", "both", "multiple", "many"})
RESTRICTIVE = frozenset({"only", "some", "specific", "certain", "selected", "select", "few", "several",
                         "single", "subset", "part", "partial", "partially", "limited", "exclusively",
                         "solely", "just", "sometimes", "occasionally", "one", "exactly", "particular",
                         "none", "no", "never", "unique", "distinct"})

# Words whose appearance in one statement but not the other often signals a changed rule rather
# than a paraphrase: restrictions, overrides, bypasses, exceptions.
OVERRIDE_CUES = frozenset({"only", "instead", "bypass", "bypassing", "bypasses", "directly", "disregard",
                           "disregarding", "regardless", "ignore", "ignoring", "ignores", "reject",
                           "rejects", "rejecting", "refuse", "refuses", "skip", "skipping", "skips",
                           "immediately", "exclusively", "solely", "unless", "except", "excluding",
                           "override", "overrides", "overriding", "without", "prevent", "prevents",
                           "block", "blocks", "deny", "denies", "disable", "disables", "automatically",
                           "manually", "never", "not", "no", "prior", "before", "after", "until",
                           "restrict", "restricts", "restricted", "allow", "allowing", "permit",
                           "lock", "locked", "suspend", "suspends", "hide", "hidden", "delete",
                           "deleted", "remove", "removed", "discard", "discards", "cannot"})

# Opposite pairs (after light stemming). Symmetric lookup is built below.
_OPPOSITES = """
accept reject; allow deny; allow block; allow forbid; allow prohibit; enable disable; enabled disabled;
include exclude; included excluded; inclusive exclusive; show hide; visible invisible; visible hidden;
public private; internal external; open closed; open close; online offline; manual automatic;
manually automatically; synchronous asynchronous; sync async; encrypt decrypt; encrypted unencrypted;
encrypted plaintext; secure insecure; secure vulnerable; mandatory optional; required optional;
permanent temporary; increase decrease; maximum minimum; max min; maximise minimise; maximize minimize;
upper lower; high low; higher lower; fast slow; faster slower; before after; earlier later; first last;
start end; begin end; current past; current previous; past future; new old; new existing; read write;
send receive; transmit receive; upload download; import export; input output; inbound outbound;
push pull; add remove; create delete; insert delete; retain delete; keep delete; keep purge; retain purge;
store delete; archive delete; grant revoke; approve reject; approved rejected; valid invalid; same different;
identical different; single multiple; one many; centralized decentralized; centralised decentralised;
central local; global local; remote local; cloud on-premises; online in-store; day night; daylight night;
light dark; ground air; above below; inside outside; before after; opt-in opt-out; explicit implicit;
accurate approximate; exact approximate; precise approximate; concurrently sequentially;
concurrent sequential; parallel sequential; simultaneously sequentially; predefined user-defined;
pre-defined user-defined; static dynamic; fixed variable; fixed configurable; hard soft;
success failure; pass fail; on off; up down; yes no; true false; real-time batch; realtime batch;
real-time nightly; real-time daily; live batch; stateful stateless; free paid; anonymous identified;
anonymised identifiable; anonymized identifiable; pseudonymised identifiable; upon automatically;
editable read-only; writable read-only; mutable immutable; reversible irreversible; allowed prohibited;
permitted prohibited; horizontal vertical; ascending descending; inclusive exclusive; internal public;
centralized distributed; monolith microservices; monolithic microservices; weekly daily; monthly weekly;
monthly daily; hourly daily; annually monthly; yearly monthly; b2b b2c; red green; red blue; green blue;
black white; left right; front back; forward backward; behind ahead; underneath above; top bottom;
distance direction; minimal maximal; least most; lowest highest; cheapest fastest; short long;
shorter longer; small large; smaller larger; narrow wide; lightweight heavyweight; opt-in opt-out;
secure open; protected open; protected vulnerable; audio visual; audio video; sound light; sound visual;
single double; periodic continuous; periodically continuously; intermittent continuous;
intermittently continuously; manual autonomous; manually autonomously
"""

OPPOSITES: dict[str, frozenset[str]] = {}
for _pair in _OPPOSITES.replace("\n", " ").split(";"):
    _words = _pair.split()
    if len(_words) != 2:
        continue
    _x, _y = _words
    OPPOSITES.setdefault(_x, frozenset())
    OPPOSITES.setdefault(_y, frozenset())
    OPPOSITES[_x] = OPPOSITES[_x] | {_y}
    OPPOSITES[_y] = OPPOSITES[_y] | {_x}

# Canonical forms: words that requirement writers use interchangeably. Mapping word -> canonical.
_SYNONYMS = """
user users customer customers client clients: customer;
delete erase purge remove destroy discard: delete;
retain keep store preserve archive hold: retain;
display show present render: display;
send transmit deliver push: send;
receive get obtain: receive;
data information info: data;
app application: app;
feed stream streaming video: feed;
influence control affect: control;
authorised authorized authenticated permitted allowed: authorized;
unauthorised unauthorized unauthenticated: unauthorized;
picture photo image: image;
fast quick rapid: fast;
secure securely safe protected: secure;
connect link attach: connect;
disconnect unlink detach: disconnect;
begin start initiate commence launch: start;
stop end terminate finish halt: stop;
display screen view page: page;
support provide offer enable allow: support;
utilise utilize use employ leverage: use;
using via: with;
automatic automatically auto: automatic;
manual manually: manual;
immediately instantly promptly: immediately;
real-time realtime instant live: real-time;
mail email e-mail: email;
login log-in signin sign-in logon: login;
logout log-out signout sign-out: logout;
dashboard dashboards report reports reporting: report;
hosted host hosting deployed deploy run runs running: host;
website site web: website;
mobile smartphone phone: mobile;
purchase buy order: purchase;
pilot operator: pilot;
speed velocity: speed;
maximum max: max;
minimum min: min;
colour color: colour;
grey gray: grey;
centre center: centre;
optimise optimize: optimise;
analyse analyze: analyse;
organisation organization: organisation;
personalise personalize: personalise;
anonymise anonymize: anonymise;
prioritise prioritize: prioritise;
modify edit change update alter amend: modify;
produce generate create: create;
personnel staff employees employee: staff;
day daytime day-time daylight: day;
night nighttime night-time: night;
permit let enables: support
"""

SYNONYMS: dict[str, str] = {}
for _group in _SYNONYMS.replace("\n", " ").split(";"):
    if ":" not in _group:
        continue
    _left, _canon = _group.split(":")
    for _w in _left.split():
        SYNONYMS.setdefault(_w, _canon.strip())

# Verbs that remove data versus keep it: a deadline on deletion is an upper bound on retention.
REMOVE_VERBS = frozenset({"delete", "deleted", "deletes", "deleting", "deletion", "erase", "erased",
                          "erasure", "purge", "purged", "purging", "remove", "removed", "removal",
                          "destroy", "destroyed", "discard", "discarded", "anonymise", "anonymised",
                          "anonymize", "anonymized", "expire", "expires", "expired", "dispose",
                          "disposed", "disposal"})
KEEP_VERBS = frozenset({"retain", "retained", "retains", "retention", "keep", "kept", "keeps", "store",
                        "stored", "stores", "storing", "archive", "archived", "preserve", "preserved",
                        "hold", "held", "persist", "persisted"})

# Markers that a requirement is, or is not, in scope of the project / release.
OUT_OF_SCOPE_PATTERNS = (
    r"\bout of scope\b", r"\bnot in scope\b", r"\bdescoped\b", r"\bde-scoped\b", r"\bwon'?t have\b",
    r"\bnot (?:be )?(?:included|delivered|part of)\b", r"\bdeferred\b", r"\bpostponed\b",
    r"\b(?:next|later|future) (?:phase|release|year)\b", r"\bnot (?:a )?priority\b", r"\bno plans? to\b",
    r"\bexcluded from\b", r"\bnot required\b", r"\bnot needed\b", r"\bnice[- ]to[- ]have\b",
)
PRIORITY_RANK = {"must": 3, "should": 2, "could": 1, "wont": 0}

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100,
    "dozen": 12, "single": 1, "half": 0.5, "thousand": 1000,
}

# Words of presentation (how something looks, not what it does). A clause that only adds how a
# thing is shown ("… displayed in grey") rarely contradicts a rule about what the thing does.
PRESENTATION = frozenset({"colour", "color", "coloured", "colored", "colours", "colors", "grey", "gray", "greyed",
                          "grayed", "greyscale", "grayscale", "monochrome", "green", "red", "blue", "yellow",
                          "orange", "purple", "black", "white", "pink", "brown", "bold", "italic", "italics",
                          "underlined", "font", "fonts", "typeface", "strikethrough", "highlight", "highlighted",
                          "shade", "shaded", "muted", "faded", "translucent", "transparent", "icon", "icons",
                          "style", "styled", "theme", "layout", "background", "colourful", "colorful"})

# Groups of general-purpose paraphrases (used only to recognise an *equivalent* substitution in a
# pair diff, not to normalise text): replacing one by another rewords rather than changes a rule.
PARAPHRASE_GROUPS = (
    "simultaneously concurrently together at-once same-time in-parallel",
    "automatically autonomously automatic autonomous",
    "request demand ask command instruct order",
    "capability capacity ability function functionality feature",
    "start begin initiate commence launch",
    "end stop terminate finish halt",
    "obtain get receive acquire",
    "show display present",
    "send transmit transfer deliver communicate",
    "connect link attach",
    "secure protected safe",
    "fast quick rapid",
    "return go-back come-back",
    "starting initial original home",
    "user person individual",
    "modify change alter edit update",
    "delete remove erase",
    "create add generate make",
    "verify check validate confirm",
    "allow let permit enable",
    "within inside",
    "approximately about around roughly",
    # a connection that stops working, however the writer puts it
    "lost broken interrupted dropped fails failed failure loss outage",
    "malfunction malfunctions fault faults problem problems issue issues error errors",
)
