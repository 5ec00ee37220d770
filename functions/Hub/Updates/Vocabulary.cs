namespace Mellanrum.Hub.Updates;

/// <summary>The contract's closed word lists (canonical forms).</summary>
public static class Vocabulary
{
    public static readonly IReadOnlyList<string> Kinds =
    [
        "collaboration-started", "status-report", "decision", "recommendation", "agreement",
        "call-for-partners", "meeting", "milestone", "document", "collaboration-ended",
    ];

    public static readonly IReadOnlyList<string> Statuses = ["planned", "active", "paused", "completed", "cancelled"];

    public static readonly IReadOnlyList<string> Areas =
    [
        "digitalisering", "utbildning", "arbetsmarknad", "social-valfard", "vard-och-omsorg", "samhallsbyggnad",
        "miljo-och-klimat", "kultur-och-fritid", "krisberedskap", "upphandling", "ovrigt",
    ];
}
