using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Digest;

/// <summary>Configuration <c>Hub:Digest</c>.</summary>
public sealed class DigestOptions
{
    public const string Section = "Hub:Digest";

    /// <summary>The hub's public address; links in the digest point to <c>{BaseUrl}/samverkan/{id}</c>.</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>Updates stored more than this many days after they occurred (a system loading its history) are in no digest.</summary>
    [Range(1, 366)]
    public int MaxLateDays { get; set; } = 90;

    /// <summary>
    /// How long after a month's cutoff its updates are read: every update stored before the cutoff is in storage by then
    /// (see <c>UpdateMonthIndex</c>; at least 30 seconds where more than one process writes).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CutoffGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Partners per job message on the <c>digests</c> queue (each message composes and sends theirs).</summary>
    [Range(1, 500)]
    public int PartnersPerJob { get; set; } = 20;

    public TimeSpan MaxLate => TimeSpan.FromDays(MaxLateDays);
}

/// <summary>Configuration <c>Hub:Smtp</c>; without a <see cref="Host"/> each email is written to <see cref="OutboxPath"/> as <c>.eml</c>.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Hub:Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>STARTTLS after connecting (port 587); false sends in the clear, for a loopback relay only.</summary>
    public bool StartTls { get; set; } = true;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>Mellanrum &lt;no-reply@mellanrum.se&gt;</c>.</summary>
    [Required]
    public string From { get; set; } = "Mellanrum <no-reply@mellanrum.local>";

    /// <summary>Where emails go when no SMTP host is configured (relative to the working directory).</summary>
    [Required]
    public string OutboxPath { get; set; } = Path.Combine(".hub", "outbox");
}
