using Mellanrum.Hub.Register;
using System.Security.Cryptography;
using System.Text;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Delivery;
using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Functions.Meta;
using Mellanrum.Hub.Ingest;
using Mellanrum.Hub.Partners;
using Mellanrum.Hub.Sources;
using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Functions.OpenApi;

/// <summary>
/// One story told by instances of the very records the hub reads and writes: Nacka's diarium posts a decision about
/// the Södertörn e-archive, Haninge's IT department receives it. The document's examples are these instances,
/// serialised with <see cref="HubJson.Options"/>, so an example cannot drift from what the code writes; its tests
/// validate every one against its schema.
/// </summary>
public static class ApiSamples
{
    public const string SourceId = "nacka-diarium";
    public const string PartnerId = "haninge-it";
    public const string CollaborationId = "e-arkiv-sodertorn";
    public const string Month = "2026-03";

    private const string Title = "Beslut om gemensam upphandling av e-arkiv";

    public static readonly string UpdateId = Ids.Deterministic(SourceId, "KS-2026-0042");
    public static readonly string EarlierUpdateId = Ids.Deterministic(SourceId, "KS-2026-0031");

    /// <summary>When the decision was taken, and when the hub received it (UTC, as returned).</summary>
    public static readonly DateTimeOffset OccurredAt = new(2026, 3, 19, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset ReceivedAt = OccurredAt.AddSeconds(3);

    public static readonly string RejectionId = ReverseChronological.Key(new DateTimeOffset(2026, 3, 18, 14, 5, 0, TimeSpan.Zero)) + "k2q7va";

    public static readonly string WebhookSecret = Credentials.SecretPrefix + Convert.ToBase64String(Bytes("webhook secret"));
    public static readonly string RotatedSecret = Credentials.SecretPrefix + Convert.ToBase64String(Bytes("rotated secret"));
    public static readonly string SourceKey = Credentials.KeyPrefix + Base64Url(Bytes("source key"));
    public static readonly string PartnerKey = Credentials.KeyPrefix + Base64Url(Bytes("partner key"));

    public static readonly UpdateLink Link = new("Protokoll", "https://www.nacka.se/protokoll/ks-2026-03-19");

    /// <summary>What Nacka posts: canonical words, participants by code and by name, a local time with its offset.</summary>
    public static readonly CanonicalUpdate Posted = new(
        "KS-2026-0042",
        CollaborationId,
        "decision",
        Title,
        "Kommunstyrelsen beslutade att delta i den gemensamma upphandlingen av e-arkiv.",
        "active",
        "digitalisering",
        ["0136", "Tyresö kommun", "0127"],
        new DateTimeOffset(2026, 3, 19, 9, 0, 0, TimeSpan.FromHours(1)),
        [Link],
        ["e-arkiv", "upphandling"]);

    /// <summary>What the hub made of it.</summary>
    public static readonly NormalisedUpdate Update = new(
        UpdateId,
        SourceId,
        Posted.ExternalId,
        "0182",
        CollaborationId,
        Posted.Kind,
        Title,
        Posted.Summary,
        Posted.Status,
        Posted.Area,
        ["0127", "0136", "0138", "0182"],
        OccurredAt,
        ReceivedAt,
        [Link],
        Posted.Tags);

    private static readonly DateTimeOffset Started = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    public static readonly Collaboration Collaboration = new(
        CollaborationId,
        "Gemensamt e-arkiv Södertörn",
        "Södertörnskommunerna upphandlar och driver ett gemensamt e-arkiv.",
        "avtalssamverkan",
        "digitalisering",
        "active",
        "0182",
        [new Member("0127", Started), new Member("0136", Started), new Member("0138", ReceivedAt), new Member("0182", Started)],
        true,
        Started,
        Started,
        OccurredAt,
        3);

    public static readonly CollaborationSummary CollaborationSummary = new(
        Collaboration.Id,
        Collaboration.Name,
        Collaboration.Description,
        Collaboration.Form,
        Collaboration.Area,
        Collaboration.Status,
        Collaboration.Public,
        Collaboration.Organisations,
        ["01"],
        Collaboration.LastActivity);

    public const string NextCursor = "eyJTbmFwc2hvdCI6MTc3MzkwNzIwMDAwMCwiQWZ0ZXIiOiIwNjM4Nzc4In0";

    public static readonly CollaborationChange CollaborationChange = new(Name: "Gemensamt e-arkiv Södertörn", Form: "avtalssamverkan", Description: Collaboration.Description);

    public static readonly IngestAnswer Accepted = new(UpdateId, "accepted", null);
    public static readonly IngestAnswer Duplicate = new(UpdateId, "accepted", true);

    public static readonly CursorPage<CollaborationSummary> Collaborations = new([CollaborationSummary], Paging.DefaultLimit, NextCursor);
    public static readonly CursorPage<NormalisedUpdate> Timeline = new([Update], Paging.DefaultLimit, null);

    /// <summary>A post that failed, was retried after its source's profile was fixed, and failed again.</summary>
    public static readonly Rejection Rejection = new(
        RejectionId,
        SourceId,
        "http",
        422,
        "Validation failed",
        [new InvalidParameter("kind", "Required: one of collaboration-started, status-report, decision, ….")],
        "application/json",
        new Dictionary<string, string> { ["webhook-id"] = "msg_2fZk1yQ8", ["content-type"] = "application/json" },
        """{"externalId":"KS-2026-0041","collaboration":"e-arkiv-sodertorn","title":"Protokoll från styrgruppen","occurredAt":"2026-03-18"}""",
        false,
        new DateTimeOffset(2026, 3, 18, 14, 5, 0, TimeSpan.Zero),
        "open",
        null,
        new DateTimeOffset(2026, 3, 18, 15, 40, 0, TimeSpan.Zero));

    public static readonly Page<Rejection> Rejections = new([Rejection], Paging.DefaultLimit, 0);

    public static readonly SourceRegistration SourceRegistration = new("0182", "Nacka diarium", Source.CanonicalFormat, null, false);

    private static readonly DateTimeOffset Registered = new(2026, 1, 12, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Rotated = new(2026, 3, 19, 10, 15, 0, TimeSpan.Zero);

    private static readonly CredentialView[] OneSecret = [new("sec_5c1f0a9e22d4", Registered, null)];
    private static readonly CredentialView[] OneKey = [new("key_81a9c3f0b7e2", Registered, null)];

    /// <summary>A secret rotated out: it still verifies until validUntil.</summary>
    public static readonly CredentialView RotatedOut = new("sec_5c1f0a9e22d4", Registered, Rotated.AddHours(24));

    public static readonly SourceRegistrationResult SourceRegistered = new(SourceId, "0182", "Nacka diarium", Source.CanonicalFormat, false, OneSecret, OneKey, WebhookSecret, SourceKey);
    public static readonly SourceRegistrationResult SourceUpdated = SourceRegistered with { Secret = null, Key = null };
    public static readonly SourceRegistrationResult SourceRevoked = SourceUpdated with { Keys = [new("key_2d7e55a1c09b", Rotated, null)] };

    public static readonly IssuedCredential SecretRotation = new(SourceId, "sec_77b0e3a4f912", RotatedSecret, null, Rotated.AddHours(24));
    public static readonly IssuedCredential KeyRotation = new(SourceId, "key_2d7e55a1c09b", null, SourceKey, Rotated.AddHours(24));
    public static readonly IssuedCredential PartnerSecretRotation = SecretRotation with { Id = PartnerId, CredentialId = "sec_0ae4c61d5b38" };
    public static readonly IssuedCredential PartnerKeyRotation = KeyRotation with { Id = PartnerId, CredentialId = "key_c48f12e9a0d7", Key = PartnerKey };

    public static readonly Portal.PortalLinkAnswer PortalLink = new(
        "pl_0k3v9q2m7x4d8r1a",
        "https://mellanrum.se/portal/logga-in?token=pl_0k3v9q2m7x4d8r1a.kR2v0aQm9ZtX4pLw7nHc3sYb6uEf1gJd8oVi5yTqB0M",
        Rotated.AddHours(24));

    public static readonly AuditEntry AuditEntry = new(Ids.Deterministic("audit", "1"), Rotated, "admin:3f9a0c12de45", "source.secret.rotated", SourceId, "sec_77b0e3a4f912");
    public static readonly CursorPage<AuditEntry> Audit = new([AuditEntry], Paging.DefaultLimit, null);

    private static readonly PartnerChannel[] Channels =
    [
        new(PartnerChannel.Queue),
        new(PartnerChannel.Webhook, "https://integration.haninge.se/mellanrum/updates"),
    ];

    private static readonly PartnerFilters Filters = new(Areas: ["digitalisering"], Counties: ["01"]);

    private static readonly DigestSettings DigestRecipients = new(["it@haninge.se"]);

    public static readonly PartnerRegistration PartnerRegistration = new("0136", Channels, Filters, false, DigestRecipients);

    public static readonly PartnerView PartnerRegistered = new(PartnerId, "0136", Channels, Filters, false, DigestRecipients, [], OneSecret, OneKey, WebhookSecret, PartnerKey);
    public static readonly PartnerView PartnerUpdated = PartnerRegistered with { Secret = null, Key = null };

    public static readonly DeliveryAttempt Delivered = new(PartnerId, UpdateId, PartnerChannel.Webhook, 1, DeliveryLog.Delivered, 200, 182.5, null, ReceivedAt.AddSeconds(2));
    public static readonly DeliveryAttempt Queued = new(PartnerId, UpdateId, PartnerChannel.Queue, 1, "queued", null, 0, null, ReceivedAt.AddSeconds(1));

    public static readonly DeadLetter DeadLetter = new(PartnerId, EarlierUpdateId, PartnerChannel.Webhook, 8, "HTTP 503 Service Unavailable", new DateTimeOffset(2026, 3, 12, 7, 45, 0, TimeSpan.Zero));

    public static readonly DeliveryPage Deliveries = new([Delivered, Queued], [DeadLetter], Paging.DefaultLimit, 0);

    public static readonly ReplayResult Replay = new(
        PartnerId,
        new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero),
        1,
        [Delivered with { Attempt = 1, At = new DateTimeOffset(2026, 3, 20, 10, 30, 0, TimeSpan.Zero) }]);

    public static readonly DigestRunView DigestRun = new(
        Month, "7980651718734000000-3f9a1c", "admin", Mellanrum.Hub.Digest.DigestRun.Done, new DateTimeOffset(2026, 4, 1, 5, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 4, 1, 5, 0, 1, TimeSpan.Zero), 42, 1, 12, 0, 11, 10, 1, 0, 0, 0, 0);

    public static readonly HealthAnswer Healthy = new("healthy", "reachable");

    public static readonly RegisterMember RegisterMember = new("0182", "Nacka", "01", null, null);

    public static readonly RegisterItem RegisterItem = new(
        Collaboration.Id,
        Collaboration.Name,
        Collaboration.Description,
        Collaboration.Form,
        Collaboration.Area,
        Collaboration.Status,
        Collaboration.Owner,
        [new("0127", "Botkyrka", "01", null, null), new("0136", "Haninge", "01", null, null), new("0138", "Tyresö", "01", null, null), RegisterMember],
        ["01"],
        ["e-arkiv", "upphandling"],
        Collaboration.FirstActivity,
        Collaboration.LastActivity,
        Collaboration.UpdateCount,
        "https://mellanrum.example.se/samverkan/" + Collaboration.Id);

    public static readonly RegisterDocument Register = new(RegisterExport.Title, RegisterExport.Description, "Mellanrum", RegisterExport.License, Collaboration.LastActivity, 1, [RegisterItem]);

    private static readonly Dictionary<Type, object> ByType = new object[]
    {
        Register, RegisterItem, RegisterMember,
        Posted, Update, Collaboration, CollaborationSummary, CollaborationChange, Accepted, Collaborations, Timeline, Rejection, Rejections, SourceRegistration, SourceRegistered,
        SecretRotation, AuditEntry, Audit, Collaboration.Members[0], RotatedOut, PartnerRegistration, PartnerRegistered, Delivered, DeadLetter, Deliveries, Replay, DigestRun, ApiInfo.Current, Healthy, Link, PortalLink,
    }.ToDictionary(o => o.GetType());

    /// <summary>The sample of a record, where there is one.</summary>
    public static object? Of(Type type) => ByType.GetValueOrDefault(type);

    /// <summary>The update as a CloudEvents 1.0 structured event, written by the CloudEvents SDK as the hub reads it.</summary>
    public static System.Text.Json.Nodes.JsonNode PostedAsCloudEvent()
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = "KS-2026-0042",
            Source = new Uri("https://diarium.nacka.se", UriKind.Absolute),
            Type = "se.nacka.diarium.beslut",
            Time = Posted.OccurredAt,
            DataContentType = "application/json",
            Data = System.Text.Json.JsonSerializer.SerializeToElement(Posted, HubJson.Options),
        };
        var body = new JsonEventFormatter(HubJson.Options, default).EncodeStructuredModeMessage(cloudEvent, out _);
        return System.Text.Json.Nodes.JsonNode.Parse(body.Span)!;
    }

    private static byte[] Bytes(string seed) => SHA256.HashData(Encoding.UTF8.GetBytes("mellanrum sample " + seed));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
