using System.Globalization;
using Mellanrum.Hub.Pages.Shell;

namespace Mellanrum.Hub.Pages.Portal;

/// <summary>How the partner page writes times, outcomes and channels, in the page's language.</summary>
public static class PortalFormat
{
    /// <summary>A moment in Swedish local time, as <c>2026-12-01 09:30:12</c>.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } value ? Stockholm.LocalOf(value).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "–";

    public static string Duration(double milliseconds) => milliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static Text Outcome(string? status) => status switch
    {
        "delivered" => new("Levererad", "Delivered"),
        "failed" => new("Misslyckad", "Failed"),
        "retrying" => new("Försöks igen", "Retrying"),
        "dead-lettered" => new("Död", "Dead-lettered"),
        "queued" => new("I kö", "Queued"),
        _ => new(status ?? "–", status ?? "–"),
    };

    public static string OutcomeClass(string? status) => status switch
    {
        "delivered" => "ok",
        "queued" or "retrying" => "warning",
        _ => "error",
    };

    public static Text Channel(string? type) => type switch
    {
        "webhook" => new("Webhook", "Webhook"),
        "queue" => new("Lagringskö", "Storage queue"),
        "servicebus" => new("Service Bus", "Service Bus"),
        _ => new(type ?? "–", type ?? "–"),
    };

    /// <summary>An update's area (the contract's word list) in words.</summary>
    public static Text Area(string? area) => area switch
    {
        "digitalisering" => new("Digitalisering", "Digitalisation"),
        "utbildning" => new("Utbildning", "Education"),
        "arbetsmarknad" => new("Arbetsmarknad", "Labour market"),
        "social-valfard" => new("Social välfärd", "Social welfare"),
        "vard-och-omsorg" => new("Vård och omsorg", "Health and care"),
        "samhallsbyggnad" => new("Samhällsbyggnad", "Urban planning and building"),
        "miljo-och-klimat" => new("Miljö och klimat", "Environment and climate"),
        "kultur-och-fritid" => new("Kultur och fritid", "Culture and leisure"),
        "krisberedskap" => new("Krisberedskap", "Emergency preparedness"),
        "upphandling" => new("Upphandling", "Procurement"),
        "ovrigt" => new("Övrigt", "Other"),
        _ => new(area ?? "–", area ?? "–"),
    };

    /// <summary>An update's kind (the contract's word list) in words.</summary>
    public static Text Kind(string? kind) => kind switch
    {
        "collaboration-started" => new("Samverkan startad", "Collaboration started"),
        "status-report" => new("Lägesrapport", "Status report"),
        "decision" => new("Beslut", "Decision"),
        "recommendation" => new("Rekommendation", "Recommendation"),
        "agreement" => new("Överenskommelse", "Agreement"),
        "call-for-partners" => new("Söker partner", "Call for partners"),
        "meeting" => new("Möte", "Meeting"),
        "milestone" => new("Milstolpe", "Milestone"),
        "document" => new("Dokument", "Document"),
        "collaboration-ended" => new("Samverkan avslutad", "Collaboration ended"),
        _ => new(kind ?? "–", kind ?? "–"),
    };

    public static Text Circuit(string circuit) => circuit switch
    {
        "open" => new("Öppen: försök pausas efter upprepade fel", "Open: attempts paused after repeated failures"),
        "disabled" => new("Avstängd: adressen svarade 410 Gone", "Disabled: the address answered 410 Gone"),
        _ => new("Stängd: leveranser går fram", "Closed: deliveries go through"),
    };
}
