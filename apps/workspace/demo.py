"""The demo scenario of an integrative PMO, written from each workstream's perspective.

It contains real cross-workstream contradictions (retention periods, cloud platform, the meaning
of "active customer", page-speed targets, analytics tooling) and a few duplicates, so detection,
alignment and sign-off have something true to work on.
"""
from __future__ import annotations

DEMO_PASSWORD = "demo-pass-2026"
ENGAGEMENT_NAME = "Customer Platform Renewal"

ORGANIZATIONS = [
    ("Northwind Retail", "client"),
    ("Fabrikam Digital", "partner"),
    ("Contoso Data Partners", "partner"),
]

# email, full name, organization, role, workstream slug
USERS = [
    ("pmo@example.com", "Paula Moreno", "Northwind Retail", "pmo", None),
    ("it.lead@example.com", "Ivan Taylor", "Fabrikam Digital", "lead", "it"),
    ("marketing.lead@example.com", "Maria Keller", "Northwind Retail", "lead", "marketing"),
    ("data.lead@example.com", "Dev Anand", "Contoso Data Partners", "lead", "data"),
    ("customer@example.com", "Claire Ustinov", "Northwind Retail", "approver", None),
    ("observer@example.com", "Oscar Bernard", "Fabrikam Digital", "observer", None),
]

OBJECTIVES = [
    ("OBJ-1", "One view of every customer", "Marketing, service and analytics see the same customer profile."),
    ("OBJ-2", "Fast, trustworthy digital experience", "The renewed web shop and app feel instant and stay available."),
    ("OBJ-3", "Compliant by design", "GDPR and retention obligations are met without manual clean-ups."),
    ("OBJ-4", "Campaigns that measure themselves", "Every campaign reports reach, conversion and ROI within a day."),
]

# workstream, kind, priority, title, body, tags, objectives
INPUTS: list[tuple[str, str, str, str, str, list[str], list[str]]] = [
    # --- IT -------------------------------------------------------------------------------
    ("it", "requirement", "must", "Retain customer interaction logs for audits",
     "Customer interaction logs must be retained for at least 24 months to support fraud investigations "
     "and audits.\n\nLogs are stored encrypted at rest.", ["retention", "security"], ["OBJ-3"]),
    ("it", "constraint", "must", "Hosting platform",
     "The customer platform must be hosted on Microsoft Azure, in the West Europe region, "
     "to reuse the group's enterprise agreement.", ["cloud", "hosting"], ["OBJ-2"]),
    ("it", "requirement", "must", "Page response time budget",
     "Product and checkout pages must respond with a p95 latency under 200 ms measured at the edge.",
     ["performance"], ["OBJ-2"]),
    ("it", "requirement", "must", "Single sign-on for staff",
     "All staff tools must use single sign-on through the corporate identity provider with OpenID Connect.",
     ["security", "sso"], ["OBJ-2"]),
    ("it", "requirement", "should", "Nightly backups",
     "Databases must be backed up every night and backups must be kept for 35 days.", ["backup"], ["OBJ-3"]),
    ("it", "requirement", "must", "Availability target",
     "The web shop must reach an availability of at least 99.9% per month.", ["availability"], ["OBJ-2"]),
    ("it", "assumption", "should", "Legacy CRM stays until 2027",
     "We assume the legacy CRM remains in service until the end of 2027 and is read through its API only.",
     ["crm"], ["OBJ-1"]),
    ("it", "requirement", "must", "Encrypt personal data",
     "All personal data must be encrypted in transit with TLS 1.2 or higher.", ["security", "gdpr"], ["OBJ-3"]),
    ("it", "risk", "should", "Vendor lock-in",
     "Building on proprietary managed services may lock the platform into one provider; keep interfaces portable.",
     ["cloud"], ["OBJ-2"]),
    ("it", "requirement", "should", "Mobile app technology",
     "The customer app should be built as a cross-platform app so one team can maintain iOS and Android.",
     ["mobile"], ["OBJ-2"]),
    ("it", "requirement", "must", "Deployment frequency",
     "The platform must support deployments at least once per day without downtime.", ["delivery"], ["OBJ-2"]),
    # --- Marketing ------------------------------------------------------------------------
    ("marketing", "viewpoint", "must", "Rich media before raw speed",
     "Product pages may respond in up to 800 ms when rich media loads first. Campaign impact matters more than "
     "shaving milliseconds.",
     ["performance", "campaigns"], ["OBJ-4"]),
    ("marketing", "definition", "must", "Active customer (Marketing)",
     "An active customer is defined as a person who opened a newsletter or visited the shop in the last 12 months.",
     ["active-customer", "definitions"], ["OBJ-1", "OBJ-4"]),
    ("marketing", "requirement", "must", "Campaign tracking history",
     "Campaign click logs must be kept for 36 months to compare seasonal campaigns year over year.",
     ["retention", "campaigns"], ["OBJ-4"]),
    ("marketing", "requirement", "must", "Consent before tracking",
     "Marketing cookies must only be set after the visitor has given explicit consent.",
     ["gdpr", "consent"], ["OBJ-3"]),
    ("marketing", "requirement", "should", "Newsletter sign-up on every page",
     "Every page must show the newsletter sign-up in the footer.", ["newsletter"], ["OBJ-4"]),
    ("marketing", "viewpoint", "should", "Native app for the best experience",
     "The customer app should be a native app on iOS and Android, because campaign features rely on native "
     "push and wallet integration.", ["mobile"], ["OBJ-4"]),
    ("marketing", "requirement", "must", "Campaign reporting in Tableau",
     "Campaign performance dashboards must be built in Tableau so the agency can reuse its templates.",
     ["bi", "campaigns"], ["OBJ-4"]),
    ("marketing", "requirement", "should", "Personalised offers",
     "Returning visitors should see personalised offers based on their last three orders.",
     ["personalisation"], ["OBJ-1", "OBJ-4"]),
    ("marketing", "requirement", "must", "Customer profile for campaigns",
     "Marketing needs one customer profile that combines shop orders, newsletter activity and service tickets.",
     ["profile"], ["OBJ-1"]),
    ("marketing", "requirement", "should", "Fast deployment of landing pages",
     "Marketing must be able to publish a new landing page without a release of the platform.",
     ["campaigns", "cms"], ["OBJ-4"]),
    # --- Data -----------------------------------------------------------------------------
    ("data", "requirement", "must", "Delete interaction logs after 90 days",
     "Customer interaction logs must be deleted within 90 days unless the customer consented to longer storage, "
     "following data minimisation.", ["retention", "gdpr"], ["OBJ-3"]),
    ("data", "constraint", "must", "Analytics platform on AWS",
     "The analytics platform and the data lake must run on AWS, where the group data lake already lives.",
     ["cloud", "hosting"], ["OBJ-1"]),
    ("data", "definition", "must", "Active customer (Data)",
     "An active customer is defined as a person who placed at least one order in the last 6 months.",
     ["active-customer", "definitions"], ["OBJ-1"]),
    ("data", "requirement", "must", "BI standard",
     "All dashboards must be built in Power BI, the group's reporting standard.", ["bi"], ["OBJ-1", "OBJ-4"]),
    ("data", "requirement", "must", "Single customer profile",
     "We need one customer profile that combines orders, newsletter activity and service tickets for each customer.",
     ["profile"], ["OBJ-1"]),
    ("data", "requirement", "must", "Pseudonymise analytics data",
     "Personal data in the analytics platform must be pseudonymised before it reaches the data lake.",
     ["gdpr", "analytics"], ["OBJ-3"]),
    ("data", "requirement", "should", "Daily data refresh",
     "Campaign data must be refreshed in the warehouse at least once per day.", ["campaigns", "analytics"], ["OBJ-4"]),
    ("data", "requirement", "must", "Data quality checks",
     "Every load into the warehouse must pass automated data quality checks before it is published.",
     ["quality"], ["OBJ-1"]),
    ("data", "requirement", "should", "Encryption of personal data in transit",
     "Personal data must be encrypted in transit using TLS version 1.2 or newer.", ["security"], ["OBJ-3"]),
    ("data", "requirement", "wont", "Real-time personalisation",
     "Personalised offers for returning visitors are out of scope for the first release.",
     ["personalisation"], ["OBJ-4"]),
    ("data", "requirement", "could", "Self-service exports",
     "Analysts could export aggregated campaign figures as CSV for ad-hoc analysis.", ["analytics"], ["OBJ-4"]),
]

SECOND_ENGAGEMENT = "Warehouse Relocation"
SECOND_INPUTS = [
    ("it", "requirement", "must", "Network at the new site",
     "The new warehouse must have redundant network links before go-live.", ["network"], []),
]
