"""Choice sets: groups of mutually exclusive options (AWS / Azure / GCP ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogue import CATALOGUE, GENERIC_SETS


@dataclass(frozen=True)
class ChoiceSet:
    """One decision with exclusive options; each option is a tuple of synonyms (lower case)."""

    name: str
    options: tuple[tuple[str, ...], ...]


def _cs(name: str, *options: str) -> ChoiceSet:
    return ChoiceSet(name, tuple(tuple(s.strip() for s in opt.split("|")) for opt in options))


DEFAULT_CHOICE_SETS: tuple[ChoiceSet, ...] = (
    _cs("cloud provider", "aws|amazon web services|amazon cloud", "azure|microsoft azure",
        "gcp|google cloud|google cloud platform", "oracle cloud|oci", "ibm cloud", "alibaba cloud"),
    _cs("hosting model", "on-premises|on-premise|on-prem|on premises|in-house data centre|own data center"
        "|in-house data center|own data centre",
        "saas|software as a service|vendor-hosted", "cloud-hosted|public cloud|cloud hosted|in the cloud"),
    _cs("BI tool", "tableau", "power bi|powerbi", "looker|looker studio", "qlik|qlik sense|qlikview",
        "metabase", "superset|apache superset", "microstrategy", "sisense", "ibm cognos|cognos",
        "sap analytics cloud"),
    _cs("app technology", "native app|native apps|native mobile app|native ios and android",
        "cross-platform|cross platform|react native|flutter|xamarin", "web app|progressive web app|pwa|web-only"),
    _cs("database", "postgresql|postgres", "mysql|mariadb", "oracle database|oracle db|oracle",
        "sql server|mssql|microsoft sql server", "mongodb|mongo", "dynamodb", "snowflake", "bigquery",
        "redshift", "databricks"),
    _cs("CRM", "salesforce|sales cloud|service cloud", "hubspot", "dynamics|dynamics 365|microsoft dynamics",
        "zoho|zoho crm", "pipedrive", "sugarcrm", "sap sales cloud|sap c4c"),
    _cs("programming language", "python", "java", "javascript|node.js|nodejs|node", "typescript",
        "c#|.net|dotnet", "golang", "ruby", "php", "kotlin", "scala", "rust"),
    # (no iOS / Android set: an app is usually wanted on both, so naming one does not exclude the other)
    _cs("SSO protocol", "saml|saml 2.0|saml2", "oidc|openid connect", "ldap", "kerberos"),
    _cs("processing mode", "batch|nightly batch|batch processing|nightly load|daily batch",
        "real-time|realtime|real time|streaming|near real-time|near-real-time"),
    _cs("analytics tool", "google analytics|ga4", "adobe analytics", "matomo|piwik", "mixpanel", "amplitude"),
    _cs("marketing automation", "marketo", "pardot|account engagement", "mailchimp", "braze",
        "salesforce marketing cloud|marketing cloud", "klaviyo", "adobe campaign",
        "emarsys"),
    _cs("message broker", "kafka|apache kafka|confluent|confluent cloud", "rabbitmq", "kinesis",
        "pub/sub|pubsub|google pub/sub", "sqs", "azure service bus|service bus", "activemq|amazon mq", "ibm mq", "nats",
        "azure event hubs|event hubs"),
    _cs("consent model", "opt-in|opt in|explicit consent", "opt-out|opt out"),
    _cs("architecture", "microservices|microservice", "monolith|monolithic"),
    _cs("api style", "rest|restful|rest api", "graphql", "grpc", "soap"),
    _cs("container platform", "kubernetes|k8s|eks|aks|gke", "ecs|fargate", "openshift"),
    _cs("data region", "eu|europe|european union|eea", "us|united states|usa", "apac|asia"),
    _cs("authentication factor", "single-factor|password only|password-only", "mfa|multi-factor|2fa|two-factor"),
    # how often something recurs (deployments, reports, digests, refreshes): one thing has one cadence
    _cs("cadence", "hourly|every hour", "daily|every day|nightly|every night", "weekly|every week",
        "fortnightly|biweekly|every two weeks", "monthly|every month", "quarterly|every quarter",
        "yearly|annual|annually|every year"),
    # the day a weekly thing happens ("the newsletter is sent on Tuesdays" / "… on Thursdays")
    _cs("weekday", "monday|mondays", "tuesday|tuesdays", "wednesday|wednesdays", "thursday|thursdays",
        "friday|fridays", "saturday|saturdays", "sunday|sundays"),
    # one system for all sites versus one per site / country
    _cs("deployment topology", "one central|single central|central|centralised|centralized|single global|global "
        "instance|single instance|one instance|one shared", "per country|per-country|each country|per site|per-site|"
        "each plant|per plant|its own instance|own instance|locally hosted|local instance|decentralised|"
        "decentralized"),
    # build it ourselves versus buy a product
    _cs("sourcing", "build our own|built in-house|build in-house|develop our own|custom-built|custom built|"
        "in-house development|develop it ourselves|build it ourselves",
        "buy a product|bought from|buy from|packaged product|packaged service|off-the-shelf|off the shelf|"
        "commercial product|license a product|licence a product|saas subscription"),
) + tuple(_cs(name, *options) for name, options in CATALOGUE)


def is_product_category(set_name: str) -> bool:
    """A product category (built-in catalogue or an engagement's own set): one product per function."""
    return set_name not in GENERIC_SETS

_NEGATING_BEFORE = re.compile(
    r"(?:\bnot\b|\bno\b|\bnever\b|\bwithout\b|\binstead of\b|\brather than\b|\bmigrat\w* (?:away )?from\b|"
    r"\bmove\w* (?:away )?from\b|\breplac\w*\b|\bretire\w*\b|\bdecommission\w*\b|\bexcept\b|\bphase out\b|"
    r"\bexit\w*\b|\bavoid\w*\b|\bdrop\w*\b|\bother than\b|\bnor\b|\bbut not\b|\bexcluding\b)"
    r"(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ChoiceMention:
    set_name: str
    option: int
    text: str
    start: int
    end: int
    negated: bool


class ChoiceMatcher:
    """All synonyms of all options in one regular expression (hashable by identity)."""

    def __init__(self, choice_sets: tuple[ChoiceSet, ...]) -> None:
        self.choice_sets = choice_sets
        self.lookup: dict[str, tuple[str, int]] = {}
        for cs in choice_sets:
            for i, syns in enumerate(cs.options):
                for syn in syns:
                    # a later set wins: an engagement's own sets come after the built-in catalogue, and the
                    # PMO's name for a category ("CDN vendor") is the one its people should read
                    self.lookup[syn.lower()] = (cs.name, i)
        alts = "|".join(re.escape(s) for s in sorted(self.lookup, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<![\w.#-])(?:{alts})(?![\w#-]|\.\w)", re.IGNORECASE) if alts else None
        self._cache: dict[str, tuple[ChoiceMention, ...]] = {}

    def mentions(self, text: str) -> tuple[ChoiceMention, ...]:
        hit = self._cache.get(text)
        if hit is None:
            hit = tuple(self._find(text))
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[text] = hit
        return hit

    def _find(self, text: str) -> list[ChoiceMention]:
        out: list[ChoiceMention] = []
        if self.pattern is None:
            return out
        for m in self.pattern.finditer(text):
            surface = m.group(0)
            low = surface.lower()
            if low in _AMBIGUOUS and not surface[0].isupper():
                continue
            if low == "us" and surface != "US":
                continue
            set_name, option = self.lookup[low]
            before = text[max(0, m.start() - 60):m.start()]
            out.append(ChoiceMention(set_name, option, surface, m.start(), m.end(),
                                     bool(_NEGATING_BEFORE.search(before))))
        return out


# ordinary words unless capitalised
_AMBIGUOUS = frozenset({"us", "eu", "rest", "node", "dynamics", "snowflake", "looker", "rust", "java", "ruby",
                        "oracle", "here", "box", "square", "canvas", "banner", "epic", "sits", "zoom", "slack", "bird",
                        "paragon", "mux", "remedy", "stripe", "workday", "sabre", "rhapsody", "entra", "synapse",
                        "mirth", "nats", "sinch", "sapiens", "bankid", "csg", "ortec", "prometheus", "talend"})
_MATCHERS: dict[int, tuple[tuple[ChoiceSet, ...], ChoiceMatcher]] = {}


def matcher_for(choice_sets: tuple[ChoiceSet, ...] | list[ChoiceSet]) -> ChoiceMatcher:
    entry = _MATCHERS.get(id(choice_sets))
    if entry is not None and entry[0] is choice_sets:
        return entry[1]
    m = ChoiceMatcher(tuple(choice_sets))
    if len(_MATCHERS) > 64:
        _MATCHERS.clear()
    _MATCHERS[id(choice_sets)] = (choice_sets, m)  # type: ignore[assignment]
    return m
