"""A shipped catalogue of product and vendor categories, as choice sets.

One organisation normally runs one product per function (one identity provider, one CRM, one MES…),
so two statements naming two different products of one category for the same function clash even when
they share no other word ("Entra ID is the identity provider" / "… sign in with Okta"). The catalogue is
general market knowledge, not taken from any data set; a PMO adds its own products through the
engagement's choice sets (``ChoiceSet`` rows), which are matched the same way.

Each option lists its spellings in lower case; the first is the canonical name. Categories are kept
apart from the generic choice sets in ``choices.py`` (cadence, region, consent model …) because a
product category alone is evidence of a shared function (``PRODUCT_CATEGORIES``).
"""

from __future__ import annotations


def _cs(name: str, *options: str) -> tuple[str, tuple[str, ...]]:
    return name, options  # built into ChoiceSet objects by ``choices`` (which imports this module)


CATALOGUE: tuple[tuple[str, tuple[str, ...]], ...] = (
    _cs("identity provider", "okta", "microsoft entra id|entra id|entra|azure ad|azure active directory",
        "ping identity|pingfederate|pingone", "auth0", "keycloak", "onelogin", "forgerock", "cyberark identity",
        "google identity|google workspace login|google account|sign in with google",
        "national eid|eid scheme|national eid scheme|bankid|itsme|digid"),
    _cs("ticketing system", "servicenow", "jira service management|jira service desk|jira", "zendesk",
        "freshdesk|freshservice", "bmc remedy|remedy|bmc helix", "topdesk", "ivanti service manager"),
    _cs("email delivery", "sendgrid|twilio sendgrid", "mailgun", "amazon ses|aws ses", "postmark", "sparkpost",
        "mandrill|mailchimp transactional"),
    _cs("SMS provider", "twilio", "vonage|nexmo", "messagebird|bird", "sinch", "plivo"),
    _cs("payment processor", "stripe", "adyen", "paypal|braintree", "worldpay", "checkout.com",
        "mollie", "square"),
    _cs("ERP", "sap s/4hana|s/4hana|sap erp|sap ecc", "oracle fusion|oracle erp|oracle e-business suite",
        "microsoft dynamics 365 finance|dynamics 365 finance|business central", "netsuite|oracle netsuite",
        "infor|infor m3|infor ln", "workday financials"),
    _cs("HR and payroll system", "workday|workday hcm", "sap successfactors|successfactors", "adp|adp workforce now",
        "personio", "bamboohr", "ukg|ukg pro", "oracle hcm|oracle hcm cloud", "dayforce|ceridian dayforce"),
    _cs("MES", "siemens opcenter|opcenter", "rockwell factorytalk|factorytalk|factorytalk productioncentre",
        "aveva mes|wonderware", "dassault delmia apriso|apriso", "critical manufacturing", "sap digital manufacturing"),
    _cs("claims system", "guidewire claimcenter|guidewire|claimcenter", "duck creek claims|duck creek",
        "sapiens", "majesco"),
    _cs("electronic health record", "epic|epic systems", "oracle health|cerner", "meditech", "allscripts",
        "intersystems trakcare|trakcare"),
    _cs("integration engine", "intersystems healthshare|healthshare", "mirth connect|mirth|nextgen connect",
        "rhapsody", "mulesoft|anypoint", "boomi|dell boomi", "azure integration services", "apache camel"),
    _cs("monitoring tool", "datadog", "new relic", "dynatrace", "splunk", "elastic observability",
        "prometheus", "appdynamics"),
    _cs("CDN", "cloudflare", "akamai", "fastly", "amazon cloudfront|cloudfront", "azure front door"),
    _cs("e-signature", "docusign", "adobe sign|adobe acrobat sign", "signnow", "yousign"),
    _cs("contact centre platform", "genesys|genesys cloud", "five9", "nice cxone|cxone", "amazon connect",
        "talkdesk", "avaya"),
    _cs("collaboration suite", "microsoft teams|ms teams", "slack", "zoom", "webex|cisco webex", "google meet"),
    _cs("code hosting", "github", "gitlab", "bitbucket", "azure devops"),
    _cs("e-commerce platform", "shopify|shopify plus", "adobe commerce|magento", "salesforce commerce cloud",
        "sap commerce|hybris", "bigcommerce", "woocommerce"),
    _cs("content management system", "wordpress", "drupal", "adobe experience manager|aem", "contentful",
        "sitecore", "optimizely"),
    _cs("maps provider", "google maps", "here|here maps", "mapbox", "openstreetmap|osm", "esri|arcgis"),
    _cs("document storage", "sharepoint|onedrive", "box", "dropbox", "google drive"),
    _cs("data integration tool", "informatica", "fivetran", "talend", "azure data factory", "matillion", "airbyte"),
    _cs("search engine", "elasticsearch", "opensearch", "algolia", "apache solr|solr"),
    _cs("learning management system", "moodle", "canvas|canvas lms", "blackboard|blackboard learn",
        "d2l brightspace|brightspace"),
    _cs("student information system", "ellucian banner|banner", "peoplesoft campus solutions|peoplesoft",
        "workday student", "tribal sits|sits"),
    _cs("airline reservation system", "amadeus altea|amadeus", "sabre|sabresonic", "navitaire"),
    _cs("video platform", "brightcove", "kaltura", "jw player", "vimeo", "mux"),
    _cs("telecom BSS", "amdocs", "netcracker", "ericsson charging|ericsson bss", "csg", "oracle communications brm"),
    _cs("utility billing system", "sap is-u|sap isu|is-u", "oracle customer cloud service|oracle ccs",
        "oracle customer care and billing|oracle cc&b"),
    _cs("route planning", "descartes", "google or-tools|or-tools", "ortec", "paragon", "routific"),
)

# generic decisions (not products): naming two options of one of these needs a shared subject as well
GENERIC_SETS: frozenset[str] = frozenset({
    "hosting model", "app technology", "programming language", "SSO protocol", "processing mode", "consent model",
    "architecture", "api style", "data region", "authentication factor", "cadence", "weekday", "deployment topology",
    "sourcing",
})
