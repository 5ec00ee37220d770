#!/usr/bin/env python3
"""Writes functions/Hub/Hosting/openapi.json: the OpenAPI 3 description of the contract (docs/contract.md).
Kept in step with the functions by tests/Hub.IntegrationTests/Hosting/OpenApiTests.cs."""
import json, pathlib

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def problem(desc): return {"description": desc, "content": {"application/problem+json": {"schema": ref("Problem")}}}
def ok(desc, schema, status="200", ctype="application/json"):
    return {status: {"description": desc, "content": {ctype: {"schema": schema}}}}
def path_param(name, desc, pattern=None):
    schema = {"type": "string"}
    if pattern: schema["pattern"] = pattern
    return {"name": name, "in": "path", "required": True, "description": desc, "schema": schema}
PAGING = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
]
SLUG = "^[a-z0-9-]{3,64}$"
ADMIN = [{"adminKey": []}]
SOURCE_ID = path_param("sourceId", "The source's id.", SLUG)
PARTNER_ID = path_param("partnerId", "The partner's id.", SLUG)
MONTH = path_param("month", "The month, yyyy-MM.", "^[0-9]{4}-[0-9]{2}$")
E400, E401, E404, E413, E415, E422 = (problem("Unreadable body or bad parameters."), problem("Authentication failed (the same answer for unknown sources)."),
    problem("Not found."), problem("Body over 256 KiB."), problem("Unsupported content type."), problem("Validation failed: invalid-parameters names every failing field."))

def page(item): return {"type": "object", "required": ["items", "limit", "offset"], "properties": {
    "items": {"type": "array", "items": ref(item)}, "limit": {"type": "integer"}, "offset": {"type": "integer"}, "total": {"type": "integer"}}}

paths = {
  "/api/v1/sources/{sourceId}/updates": {"post": {
    "operationId": "PostUpdate", "tags": ["ingest"], "summary": "Post a collaboration update.",
    "description": "Authenticate with Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) or a Bearer source key. Bodies: canonical JSON, the source's own JSON through its mapping profile, CloudEvents 1.0 structured (application/cloudevents+json) or binary (ce-* headers). Idempotency key: externalId, CloudEvents id, webhook-id, Idempotency-Key, first present.",
    "security": [{"standardWebhooks": []}, {"sourceKey": []}],
    "parameters": [SOURCE_ID,
      {"name": "webhook-id", "in": "header", "schema": {"type": "string"}},
      {"name": "webhook-timestamp", "in": "header", "schema": {"type": "string"}, "description": "Unix seconds, within 5 minutes of now."},
      {"name": "webhook-signature", "in": "header", "schema": {"type": "string"}, "description": "v1,<base64 HMAC-SHA256 of {id}.{timestamp}.{body}>; a space-separated list during rotation."},
      {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}},
      {"name": "ce-specversion", "in": "header", "schema": {"type": "string", "enum": ["1.0"]}, "description": "CloudEvents binary mode (with ce-id, ce-source, ce-type)."},
      {"name": "ce-id", "in": "header", "schema": {"type": "string"}},
      {"name": "ce-source", "in": "header", "schema": {"type": "string"}},
      {"name": "ce-type", "in": "header", "schema": {"type": "string"}}],
    "requestBody": {"required": True, "content": {
      "application/json": {"schema": {"oneOf": [ref("CanonicalUpdate"), {"type": "object", "description": "The source's own JSON, read through its mapping profile."}]}},
      "application/cloudevents+json": {"schema": ref("CloudEvent")}}},
    "responses": {
      "202": {"description": "Stored; it will reach every partner it routes to.", "headers": {"Location": {"schema": {"type": "string"}}},
              "content": {"application/json": {"schema": ref("IngestAnswer")}}},
      "200": {"description": "A repeat of an idempotency key: the first update's id.", "content": {"application/json": {"schema": ref("IngestAnswer")}}},
      "400": E400, "401": E401, "413": E413, "415": E415, "422": E422,
      "429": {"description": "Over the source's rate.", "headers": {"Retry-After": {"schema": {"type": "integer"}}},
              "content": {"application/problem+json": {"schema": ref("Problem")}}}}}},
  "/api/v1/updates/{id}": {"get": {"operationId": "GetUpdate", "tags": ["read"], "summary": "The normalised update.",
    "parameters": [path_param("id", "The update id.")], "responses": {**ok("The update.", ref("NormalisedUpdate")), "404": E404}}},
  "/api/v1/collaborations": {"get": {"operationId": "ListCollaborations", "tags": ["read"], "summary": "Collaborations, newest activity first.",
    "parameters": [{"name": "area", "in": "query", "schema": ref("Area")},
                   {"name": "participant", "in": "query", "schema": {"type": "string"}, "description": "kommunkod, municipality name or organisationsnummer."}, *PAGING],
    "responses": {**ok("A page of collaborations.", page("Collaboration")), "400": E400}}},
  "/api/v1/collaborations/{id}": {"get": {"operationId": "GetCollaboration", "tags": ["read"], "summary": "One collaboration.",
    "parameters": [path_param("id", "The collaboration id.", SLUG)], "responses": {**ok("The collaboration.", ref("Collaboration")), "404": E404}},
    "put": {"operationId": "PutCollaboration", "tags": ["collaborations"], "summary": "Create or change a collaboration (a member's source key or the admin key).",
    "security": [{"sourceKey": []}, {"adminKey": []}], "parameters": [path_param("id", "The collaboration id.", SLUG)],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
    "responses": {**ok("Changed.", ref("Collaboration")), **ok("Created.", ref("Collaboration"), "201"), "400": E400, "401": E401, "403": problem("Not a member, or a field only the owner may change."), "415": E415, "422": E422}}},
  "/api/v1/collaborations/{id}/members/{organisation}": {"delete": {"operationId": "RemoveCollaborationMember", "tags": ["collaborations"], "summary": "Remove a member (its own source key or the admin key).",
    "security": [{"sourceKey": []}, {"adminKey": []}], "parameters": [path_param("id", "The collaboration id.", SLUG), path_param("organisation", "The member's kommunkod or organisationsnummer.")],
    "responses": {"204": {"description": "Removed."}, "401": E401, "403": problem("Not that organisation's source."), "404": E404, "409": problem("The owner hands over first.")}}},
  "/api/v1/collaborations/{id}/updates": {"get": {"operationId": "ListCollaborationUpdates", "tags": ["read"], "summary": "A collaboration's updates, newest first.",
    "parameters": [path_param("id", "The collaboration id.", SLUG), *PAGING], "responses": {**ok("A page of updates.", page("NormalisedUpdate")), "400": E400, "404": E404}}},
  "/api/v1/sources/{sourceId}/rejections": {"get": {"operationId": "ListRejections", "tags": ["sources"], "summary": "Payloads that failed, newest first, with reasons and raw body.",
    "security": [{"sourceKey": []}, {"adminKey": []}], "parameters": [SOURCE_ID, *PAGING],
    "responses": {**ok("A page of rejections.", page("Rejection")), "400": E400, "401": E401}}},
  "/api/v1/sources/{sourceId}/rejections/{rejectionId}/retry": {"post": {"operationId": "RetryRejection", "tags": ["sources"], "summary": "Run a rejection again with the source's current settings.",
    "security": [{"sourceKey": []}, {"adminKey": []}], "parameters": [SOURCE_ID, path_param("rejectionId", "The rejection id.")],
    "responses": {"202": {"description": "Stored now.", "content": {"application/json": {"schema": ref("IngestAnswer")}}},
                  "200": {"description": "It was stored before.", "content": {"application/json": {"schema": ref("IngestAnswer")}}},
                  "400": E400, "401": E401, "404": E404, "409": problem("The kept body was cut at the storage limit."), "415": E415, "422": E422}}},
  "/api/v1/admin/sources/{sourceId}": {"put": {"operationId": "PutSource", "tags": ["administration"], "summary": "Register or update a source.",
    "security": ADMIN, "parameters": [SOURCE_ID], "requestBody": {"required": True, "content": {"application/json": {"schema": ref("SourceRegistration")}}},
    "responses": {**ok("Registered: the secret and key are shown this once.", ref("SourceRegistrationResult"), "201"),
                  **ok("Updated; secret and key unchanged and not shown.", ref("SourceRegistrationResult")),
                  "400": E400, "401": E401, "413": E413, "415": E415, "422": E422}}},
  "/api/v1/admin/sources/{sourceId}/secrets": {"post": {"operationId": "RotateSourceSecret", "tags": ["administration"], "summary": "A new webhook secret; the old one stays valid 24 hours.",
    "security": ADMIN, "parameters": [SOURCE_ID],
    "responses": {**ok("The new secret, shown once.", {"type": "object", "properties": {"id": {"type": "string"}, "secret": {"type": "string"}, "previousSecretValidUntil": {"type": "string"}}}),
                  "401": E401, "404": E404}}},
  "/api/v1/admin/partners/{partnerId}": {"put": {"operationId": "PutPartner", "tags": ["administration"], "summary": "Register or update a partner.",
    "security": ADMIN, "parameters": [PARTNER_ID], "requestBody": {"required": True, "content": {"application/json": {"schema": ref("PartnerRegistration")}}},
    "responses": {**ok("Registered: the webhook secret and partner key are shown this once.", ref("Partner"), "201"),
                  **ok("Updated; secret and key unchanged and not shown.", ref("Partner")), "400": E400, "401": E401, "413": E413, "415": E415, "422": E422}}},
  "/api/v1/admin/partners/{partnerId}/deliveries": {"get": {"operationId": "ListDeliveries", "tags": ["administration"], "summary": "A partner's delivery attempts (newest first) and dead letters.",
    "security": ADMIN, "parameters": [PARTNER_ID, *PAGING],
    "responses": {**ok("Attempts and dead letters.", {"type": "object", "properties": {"items": {"type": "array", "items": ref("DeliveryAttempt")},
        "deadLetters": {"type": "array", "items": ref("DeadLetter")}, "limit": {"type": "integer"}, "offset": {"type": "integer"}}}), "400": E400, "401": E401, "404": E404}}},
  "/api/v1/admin/partners/{partnerId}/deliveries/replay": {"post": {"operationId": "ReplayDeliveries", "tags": ["administration"], "summary": "Send a time range again, with the same ids.",
    "security": ADMIN, "parameters": [PARTNER_ID,
      {"name": "from", "in": "query", "required": True, "schema": {"type": "string", "format": "date-time"}},
      {"name": "to", "in": "query", "required": True, "schema": {"type": "string", "format": "date-time"}}],
    "responses": {**ok("What was sent again.", ref("ReplayResult"), "202"), "400": E400, "401": E401, "404": E404}}},
  "/api/v1/partners/{partnerId}/digests/{month}": {"get": {"operationId": "GetPartnerDigest", "tags": ["digest"], "summary": "A partner's monthly digest, as emailed.",
    "description": "The month is a calendar month in Europe/Stockholm time. HTML by default; format=text gives the plain-text part.",
    "security": [{"partnerKey": []}, {"adminKey": []}],
    "parameters": [PARTNER_ID, MONTH, {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["html", "text"], "default": "html"}}],
    "responses": {"200": {"description": "The digest.", "content": {"text/html; charset=utf-8": {"schema": {"type": "string"}}, "text/plain; charset=utf-8": {"schema": {"type": "string"}}}},
                  "400": E400, "401": problem("Neither the admin key nor this partner's key."), "404": problem("No such partner, or nothing happened for it that month (no digest).")}}},
  "/api/v1/admin/digests/{month}/send": {"post": {"operationId": "SendDigests", "tags": ["administration", "digest"], "summary": "Send a month's digests now.",
    "description": "Composes and mails every partner's digest for the month; recipients who already have that month's email are skipped (never two emails).",
    "security": ADMIN, "parameters": [MONTH],
    "responses": {**ok("The run's counts.", ref("DigestSendResult"), "202"), "400": E400, "401": E401}}},
  "/api/v1/api-info": {"get": {"operationId": "GetApiInfo", "tags": ["meta"], "summary": "What this API is.",
    "responses": ok("API information.", {"type": "object", "properties": {k: {"type": "string"} for k in ["apiName", "apiVersion", "apiReleased", "apiDocumentation", "apiStatus", "description"]}})}},
  "/api/v1/health": {"get": {"operationId": "GetHealth", "tags": ["meta"], "summary": "Healthy when storage is reachable.",
    "responses": {**ok("Healthy.", {"type": "object", "properties": {"status": {"type": "string"}, "storage": {"type": "string"}}}), "503": problem("Storage is not reachable.")}}},
  "/api/v1/openapi.json": {"get": {"operationId": "GetOpenApi", "tags": ["meta"], "summary": "This document.", "responses": ok("OpenAPI 3 document.", {"type": "object"})}},
}

KINDS = ["collaboration-started", "status-report", "decision", "recommendation", "agreement", "call-for-partners", "meeting", "milestone", "document", "collaboration-ended"]
STATUSES = ["planned", "active", "paused", "completed", "cancelled"]
AREAS = ["digitalisering", "utbildning", "arbetsmarknad", "social-valfard", "vard-och-omsorg", "samhallsbyggnad", "miljo-och-klimat", "kultur-och-fritid", "krisberedskap", "upphandling", "ovrigt"]
link = {"type": "object", "required": ["url"], "properties": {"title": {"type": "string"}, "url": {"type": "string", "format": "uri", "pattern": "^https://"}}}
schemas = {
  "Kind": {"type": "string", "enum": KINDS}, "Status": {"type": "string", "enum": STATUSES}, "Area": {"type": "string", "enum": AREAS},
  "Link": link,
  "CanonicalUpdate": {"type": "object", "required": ["collaboration", "kind", "title", "occurredAt"], "properties": {
    "externalId": {"type": "string"}, "collaboration": {"type": "string", "pattern": SLUG}, "kind": ref("Kind"),
    "title": {"type": "string", "minLength": 1, "maxLength": 200}, "summary": {"type": "string", "maxLength": 4000}, "status": ref("Status"), "area": ref("Area"),
    "participants": {"type": "array", "items": {"type": "string"}, "description": "kommunkod, municipality name or organisationsnummer."},
    "occurredAt": {"type": "string", "description": "RFC 3339 (any offset); without offset Europe/Stockholm; a date alone is the start of that day."},
    "links": {"type": "array", "items": ref("Link")}, "tags": {"type": "array", "items": {"type": "string"}}}},
  "NormalisedUpdate": {"type": "object", "required": ["id", "sourceId", "organisation", "collaboration", "kind", "title", "participants", "occurredAt", "receivedAt"], "properties": {
    "id": {"type": "string"}, "sourceId": {"type": "string"}, "externalId": {"type": "string"}, "organisation": {"type": "string"},
    "collaboration": {"type": "string"}, "kind": ref("Kind"), "title": {"type": "string"}, "summary": {"type": "string"}, "status": ref("Status"), "area": ref("Area"),
    "participants": {"type": "array", "items": {"type": "string"}}, "occurredAt": {"type": "string", "format": "date-time"}, "receivedAt": {"type": "string", "format": "date-time"},
    "links": {"type": "array", "items": ref("Link")}, "tags": {"type": "array", "items": {"type": "string"}}}},
  "CloudEvent": {"type": "object", "required": ["specversion", "id", "source", "type", "data"], "properties": {
    "specversion": {"type": "string", "enum": ["1.0"]}, "id": {"type": "string"}, "source": {"type": "string"}, "type": {"type": "string"},
    "subject": {"type": "string"}, "time": {"type": "string"}, "datacontenttype": {"type": "string"}, "data": {"type": "object"}}},
  "IngestAnswer": {"type": "object", "required": ["id", "status"], "properties": {"id": {"type": "string"}, "status": {"type": "string", "enum": ["accepted"]}, "duplicate": {"type": "boolean"}}},
  "Collaboration": {"type": "object", "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "area": ref("Area"), "status": ref("Status"),
    "participants": {"type": "array", "items": {"type": "string"}}, "firstActivity": {"type": "string", "format": "date-time"},
    "lastActivity": {"type": "string", "format": "date-time"}, "updateCount": {"type": "integer"}}},
  "InvalidParameter": {"type": "object", "required": ["property", "reason"], "properties": {"property": {"type": "string"}, "reason": {"type": "string"}, "value": {"type": "string"}}},
  "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
    "invalid-parameters": {"type": "array", "items": ref("InvalidParameter")}}},
  "MappingProfile": {"type": "object", "required": ["fields"], "properties": {
    "fields": {"type": "object", "additionalProperties": {"type": "string", "description": "JSON Pointer (RFC 6901)."}},
    "values": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}}},
    "defaults": {"type": "object"}}},
  "SourceRegistration": {"type": "object", "required": ["organisation", "name"], "properties": {
    "organisation": {"type": "string"}, "name": {"type": "string", "maxLength": 200}, "format": {"type": "string", "enum": ["canonical", "profile"], "default": "canonical"},
    "profile": ref("MappingProfile"), "queueIngest": {"type": "boolean", "default": False}}},
  "SourceRegistrationResult": {"type": "object", "properties": {"id": {"type": "string"}, "organisation": {"type": "string"}, "name": {"type": "string"},
    "format": {"type": "string"}, "queueIngest": {"type": "boolean"}, "secret": {"type": "string", "description": "whsec_..., only in the first answer."},
    "key": {"type": "string", "description": "Bearer key, only in the first answer."}}},
  "Rejection": {"type": "object", "properties": {"id": {"type": "string"}, "sourceId": {"type": "string"}, "channel": {"type": "string", "enum": ["http", "queue"]},
    "status": {"type": "integer"}, "title": {"type": "string"}, "reasons": {"type": "array", "items": ref("InvalidParameter")}, "contentType": {"type": "string"},
    "headers": {"type": "object", "additionalProperties": {"type": "string"}}, "body": {"type": "string"}, "bodyTruncated": {"type": "boolean"},
    "receivedAt": {"type": "string", "format": "date-time"}, "state": {"type": "string", "enum": ["open", "resolved"]}, "updateId": {"type": "string"},
    "retriedAt": {"type": "string", "format": "date-time"}}},
}
channel = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["servicebus", "queue", "webhook"]},
    "url": {"type": "string", "description": "https URL, for webhook."}}}
filters = {"type": "object", "description": "A set matches when every named dimension matches (any of its values).", "properties": {
    k: {"type": "array", "items": {"type": "string"}} for k in ["areas", "kinds", "organisations", "counties", "collaborations"]}}
digest = {"type": "object", "properties": {"recipients": {"type": "array", "items": {"type": "string", "format": "email"}}, "language": {"type": "string", "enum": ["sv", "en"], "default": "sv"}}}
schemas.update({
  "PartnerChannel": channel, "PartnerFilters": filters, "DigestSettings": digest,
  "PartnerRegistration": {"type": "object", "required": ["organisation"], "properties": {"organisation": {"type": "string"},
    "channels": {"type": "array", "items": ref("PartnerChannel")}, "filters": ref("PartnerFilters"), "includeOwn": {"type": "boolean", "default": False}, "digest": ref("DigestSettings")}},
  "Partner": {"type": "object", "properties": {"id": {"type": "string"}, "organisation": {"type": "string"}, "channels": {"type": "array", "items": ref("PartnerChannel")},
    "filters": ref("PartnerFilters"), "includeOwn": {"type": "boolean"}, "digest": ref("DigestSettings"), "disabledWebhooks": {"type": "array", "items": {"type": "string"}},
    "webhookSecret": {"type": "string", "description": "whsec_..., only in the first answer."}, "key": {"type": "string", "description": "The partner's key, only in the first answer."}}},
  "DeliveryAttempt": {"type": "object", "properties": {"partnerId": {"type": "string"}, "updateId": {"type": "string"}, "channel": {"type": "string"}, "attempt": {"type": "integer"},
    "status": {"type": "string", "enum": ["delivered", "queued", "retrying", "dead-lettered"]}, "statusCode": {"type": "integer"}, "latencyMs": {"type": "number"},
    "error": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}},
  "DeadLetter": {"type": "object", "properties": {"partnerId": {"type": "string"}, "updateId": {"type": "string"}, "channel": {"type": "string"}, "attempts": {"type": "integer"},
    "reason": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}},
  "DigestSendResult": {"type": "object", "properties": {"month": {"type": "string", "description": "yyyy-MM."},
    **{k: {"type": "integer"} for k in ["partners", "digests", "sent", "skipped", "failed", "uncertain", "invalidRecipients"]}}},
  "ReplayResult": {"type": "object", "properties": {"partnerId": {"type": "string"}, "from": {"type": "string", "format": "date-time"}, "to": {"type": "string", "format": "date-time"},
    "updates": {"type": "integer"}, "attempts": {"type": "array", "items": ref("DeliveryAttempt")}}},
})
extra = pathlib.Path(__file__).with_name("openapi_extra.py")
if extra.exists():
    exec(extra.read_text())

doc = {"openapi": "3.0.3",
  "info": {"title": "Mellanrum hub", "version": "1.0.0", "description": "The samverkan integration hub: municipal systems post collaboration updates; partners receive them; strategists read the monthly digest. See docs/contract.md."},
  "servers": [{"url": "http://127.0.0.1:7071", "description": "Hub.Local"}],
  "paths": paths,
  "components": {"schemas": schemas, "securitySchemes": {
    "adminKey": {"type": "http", "scheme": "bearer", "description": "The operator's admin key (Hub:AdminKey)."},
    "sourceKey": {"type": "http", "scheme": "bearer", "description": "A source's Bearer key."},
    "partnerKey": {"type": "http", "scheme": "bearer", "description": "A partner's key."},
    "standardWebhooks": {"type": "apiKey", "in": "header", "name": "webhook-signature", "description": "Standard Webhooks signature with the source's whsec_ secret."}}}}
out = pathlib.Path(__file__).resolve().parent.parent / "functions/Hub.Functions/OpenApi/openapi.json"
out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
print(f"wrote {out} ({len(paths)} paths)")
