using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Mellanrum.Hub.Digest;

/// <summary>A digest as an email: subject, HTML part and plain-text part with the same content.</summary>
public sealed record RenderedDigest(string Subject, string Html, string Text);

/// <summary>
/// Renders a <see cref="PartnerDigest"/> for mail clients: Swedish unless the partner asked for English;
/// HTML built from tables with inline CSS only (Outlook ignores style sheets and max-width, so a conditional
/// 600 px table holds the column there), no scripts, no images, at most 600 px wide and fluid below that
/// for phones; every text from updates is HTML-encoded. The plain-text part lists the same items.
/// </summary>
public sealed class DigestRenderer(IOptions<DigestOptions> options)
{
    private const int SummaryLength = 280;
    private const string Font = "font-family:Arial,Helvetica,sans-serif;";
    private const string Ink = "#1d2b2f";
    private const string Muted = "#5b6b70";
    private const string Accent = "#1f5f6b";
    private const string Wrap = "overflow-wrap:anywhere;word-break:break-word;";

    private readonly string _baseUrl = options.Value.BaseUrl.TrimEnd('/');

    public RenderedDigest Render(PartnerDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var words = digest.Language == "en" ? Words.English : Words.Swedish;
        var subject = string.Format(CultureInfo.InvariantCulture, words.Subject, digest.Month.NameIn(digest.Language));
        return new RenderedDigest(subject, Html(digest, words, subject), Text(digest, words));
    }

    /// <summary>The address of a collaboration's page in the public register (<c>/samverkan/{id}</c>).</summary>
    public string CollaborationUrl(string collaborationId) => $"{_baseUrl}/samverkan/{Uri.EscapeDataString(collaborationId)}";

    private string Html(PartnerDigest digest, Words words, string subject)
    {
        var month = digest.Month.NameIn(digest.Language);
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(digest.Language).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"x-apple-disable-message-reformatting\">\n")
            .Append("<title>").Append(Encode(subject)).Append("</title>\n</head>\n")
            .Append("<body style=\"margin:0;padding:0;background-color:#eef1f0;\">\n")
            .Append("<div style=\"display:none;max-height:0;overflow:hidden;\">").Append(Encode(Preheader(digest, words))).Append("</div>\n")
            .Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"background-color:#eef1f0;\">\n")
            .Append("<tr><td align=\"center\" style=\"padding:16px 8px;\">\n")
            .Append("<!--[if mso]><table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td><![endif]-->\n")
            .Append("<table role=\"presentation\" class=\"digest\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" ")
            .Append("style=\"width:100%;max-width:600px;background-color:#ffffff;border-collapse:collapse;\">\n");

        // Header band.
        html.Append("<tr><td style=\"background-color:").Append(Accent).Append(";padding:20px 24px;").Append(Font).Append("\">")
            .Append("<div style=\"font-size:13px;letter-spacing:2px;text-transform:uppercase;color:#cfe3e6;\">Mellanrum</div>")
            .Append("<h1 style=\"margin:4px 0 0 0;font-size:24px;line-height:30px;font-weight:bold;color:#ffffff;\">")
            .Append(Encode(Capitalise(string.Format(CultureInfo.InvariantCulture, words.Heading, month)))).Append("</h1>")
            .Append("<div style=\"margin-top:6px;font-size:15px;line-height:21px;color:#e4eff1;").Append(Wrap).Append("\">")
            .Append(Encode(string.Format(CultureInfo.InvariantCulture, words.For, digest.OrganisationName))).Append("</div>")
            .Append("</td></tr>\n");

        if (digest.Collaborations.Count > 0)
        {
            SectionHeading(html, words.OwnHeading, words.OwnIntro);
            foreach (var section in digest.Collaborations)
            {
                CollaborationSection(html, section, words, digest);
            }

            if (digest.MoreCollaborations.Count > 0)
            {
                html.Append("<tr><td style=\"padding:14px 24px 4px 24px;").Append(Font).Append(Wrap).Append("font-size:15px;line-height:22px;color:").Append(Ink).Append(";\">")
                    .Append("<div style=\"font-weight:bold;\">").Append(Encode(words.MoreCollaborations)).Append("</div>");
                html.AppendJoin("<br>", digest.MoreCollaborations.Select(m =>
                    Link(CollaborationUrl(m.CollaborationId), m.Title, Accent) + " (" + m.UpdateCount.ToString(CultureInfo.InvariantCulture) + ")"));
                html.Append("</td></tr>\n");
            }
        }

        if (digest.Late.Count > 0)
        {
            SectionHeading(html, words.LateHeading, words.LateIntro);
            foreach (var section in digest.Late)
            {
                CollaborationSection(html, section, words, digest);
            }
        }

        if (digest.News.Count > 0)
        {
            SectionHeading(html, words.NewsHeading, words.NewsIntro);
            foreach (var item in digest.News)
            {
                NewsItem(html, item, words, digest);
            }
        }

        if (digest.Suggestions.Count > 0)
        {
            SectionHeading(html, words.BetweenHeading, words.BetweenIntro);
            foreach (var suggestion in digest.Suggestions)
            {
                Suggestion(html, suggestion, words);
            }
        }

        html.Append("<tr><td style=\"padding:20px 24px 24px 24px;border-top:1px solid #dde3e2;").Append(Font)
            .Append("font-size:13px;line-height:19px;color:").Append(Muted).Append(";").Append(Wrap).Append("\">")
            .Append(Encode(string.Format(CultureInfo.InvariantCulture, words.Footer, digest.PartnerId))).Append("</td></tr>\n")
            .Append("</table>\n<!--[if mso]></td></tr></table><![endif]-->\n</td></tr>\n</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void SectionHeading(StringBuilder html, string heading, string intro) =>
        html.Append("<tr><td style=\"padding:24px 24px 4px 24px;").Append(Font).Append("\">")
            .Append("<h2 style=\"margin:0;font-size:20px;line-height:26px;color:").Append(Accent).Append(";\">").Append(Encode(heading)).Append("</h2>")
            .Append("<p style=\"margin:4px 0 0 0;font-size:14px;line-height:20px;color:").Append(Muted).Append(";\">").Append(Encode(intro)).Append("</p>")
            .Append("</td></tr>\n");

    private void CollaborationSection(StringBuilder html, DigestCollaborationSection section, Words words, PartnerDigest digest)
    {
        html.Append("<tr><td style=\"padding:14px 24px 4px 24px;").Append(Font).Append("\">")
            .Append("<h3 style=\"margin:0;font-size:17px;line-height:23px;").Append(Wrap).Append("\">")
            .Append(Link(CollaborationUrl(section.CollaborationId), section.Title, Ink)).Append("</h3>");
        if (section.Status is { } status)
        {
            html.Append("<div style=\"font-size:13px;line-height:19px;color:").Append(Muted).Append(";\">")
                .Append(Encode(words.StatusLabel)).Append(": ").Append(Encode(words.Status(status))).Append("</div>");
        }

        html.Append("</td></tr>\n");
        foreach (var item in section.Updates)
        {
            var border = item.IsHighlight ? "#d08a2c" : "#c9d3d1";
            html.Append("<tr><td style=\"padding:6px 24px 6px 24px;").Append(Font).Append("\">")
                .Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>")
                .Append("<td style=\"border-left:4px solid ").Append(border).Append(";padding:2px 0 2px 12px;").Append(Font).Append(Wrap).Append("\">")
                .Append("<div style=\"font-size:13px;line-height:19px;color:").Append(Muted).Append(";\">")
                .Append(item.IsHighlight ? "<strong style=\"color:#8a5314;\">" : "<strong>").Append(Encode(words.Kind(item.Kind))).Append("</strong>")
                .Append(" &middot; ").Append(Encode(FormatDate(item.Date, digest)))
                .Append(" &middot; ").Append(Encode(item.SenderName)).Append("</div>")
                .Append("<div style=\"font-size:16px;line-height:22px;color:").Append(Ink).Append(";font-weight:bold;\">").Append(Encode(item.Title)).Append("</div>");
            if (Shorten(item.Summary) is { } summary)
            {
                html.Append("<div style=\"font-size:15px;line-height:21px;color:").Append(Ink).Append(";\">").Append(Encode(summary)).Append("</div>");
            }

            var links = item.Links.Where(l => IsWebAddress(l.Url)).ToArray();
            if (links.Length > 0)
            {
                html.Append("<div style=\"font-size:14px;line-height:20px;\">");
                html.AppendJoin(" &middot; ", links.Select(l => Link(l.Url, l.Title ?? words.Document, Accent)));
                html.Append("</div>");
            }

            html.Append("</td></tr></table></td></tr>\n");
        }

        if (section.MoreUpdates > 0)
        {
            html.Append("<tr><td style=\"padding:2px 24px 6px 40px;").Append(Font).Append("font-size:14px;line-height:20px;\">")
                .Append(Link(CollaborationUrl(section.CollaborationId), string.Format(CultureInfo.InvariantCulture, words.More, section.MoreUpdates), Accent))
                .Append("</td></tr>\n");
        }
    }

    private void NewsItem(StringBuilder html, DigestNewsItem item, Words words, PartnerDigest digest)
    {
        html.Append("<tr><td style=\"padding:10px 24px 6px 24px;").Append(Font).Append(Wrap).Append("\">")
            .Append("<div style=\"font-size:13px;line-height:19px;color:").Append(Muted).Append(";\"><strong style=\"color:#8a5314;\">")
            .Append(Encode(item.Kind == DigestNewsKind.CallForPartners ? words.Call : words.New)).Append("</strong> &middot; ")
            .Append(Encode(FormatDate(item.Date, digest))).Append(" &middot; ").Append(Encode(Reason(item, words))).Append("</div>")
            .Append("<div style=\"font-size:16px;line-height:22px;font-weight:bold;\">").Append(Link(CollaborationUrl(item.CollaborationId), item.Title, Ink)).Append("</div>");
        if (Shorten(item.Summary) is { } summary)
        {
            html.Append("<div style=\"font-size:15px;line-height:21px;color:").Append(Ink).Append(";\">").Append(Encode(summary)).Append("</div>");
        }

        html.Append("<div style=\"font-size:13px;line-height:19px;color:").Append(Muted).Append(";\">").Append(Encode(NameList(item.OrganisationNames, words))).Append("</div>")
            .Append("</td></tr>\n");
    }

    private void Suggestion(StringBuilder html, DigestSuggestion suggestion, Words words) =>
        html.Append("<tr><td style=\"padding:10px 24px 12px 24px;").Append(Font).Append(Wrap).Append("\">")
            .Append("<div style=\"font-size:16px;line-height:22px;font-weight:bold;\">").Append(Link(CollaborationUrl(suggestion.CollaborationId), suggestion.Title, Ink)).Append("</div>")
            .Append("<div style=\"font-size:13px;line-height:19px;color:").Append(Muted).Append(";\">").Append(Encode(NameList(suggestion.OrganisationNames, words))).Append("</div>")
            .Append("<div style=\"font-size:15px;line-height:21px;color:").Append(Ink).Append(";\">").Append(Encode(Why(suggestion, words))).Append("</div>")
            .Append("</td></tr>\n");

    private string Text(PartnerDigest digest, Words words)
    {
        var month = digest.Month.NameIn(digest.Language);
        var text = new StringBuilder(8 * 1024);
        Heading(text, Capitalise(string.Format(CultureInfo.InvariantCulture, words.Heading, month)), '=');
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, words.For, digest.OrganisationName)).AppendLine();
        if (digest.Collaborations.Count > 0)
        {
            Heading(text, words.OwnHeading, '-');
            text.AppendLine(words.OwnIntro).AppendLine();
            foreach (var section in digest.Collaborations)
            {
                TextSection(text, section, words, digest);
            }

            if (digest.MoreCollaborations.Count > 0)
            {
                text.AppendLine(words.MoreCollaborations);
                foreach (var mention in digest.MoreCollaborations)
                {
                    text.Append("- ").Append(mention.Title).Append(" (").Append(mention.UpdateCount.ToString(CultureInfo.InvariantCulture)).AppendLine(")");
                    text.Append("  ").AppendLine(CollaborationUrl(mention.CollaborationId));
                }

                text.AppendLine();
            }
        }

        if (digest.Late.Count > 0)
        {
            Heading(text, words.LateHeading, '-');
            text.AppendLine(words.LateIntro).AppendLine();
            foreach (var section in digest.Late)
            {
                TextSection(text, section, words, digest);
            }
        }

        if (digest.News.Count > 0)
        {
            Heading(text, words.NewsHeading, '-');
            text.AppendLine(words.NewsIntro).AppendLine();
            foreach (var item in digest.News)
            {
                text.Append("- ").Append(item.Kind == DigestNewsKind.CallForPartners ? words.Call : words.New).Append(" · ")
                    .Append(FormatDate(item.Date, digest)).Append(" · ").AppendLine(Reason(item, words));
                text.Append("  ").AppendLine(item.Title);
                if (Shorten(item.Summary) is { } summary)
                {
                    text.Append("  ").AppendLine(summary);
                }

                text.Append("  ").AppendLine(NameList(item.OrganisationNames, words));
                text.Append("  ").AppendLine(CollaborationUrl(item.CollaborationId)).AppendLine();
            }
        }

        if (digest.Suggestions.Count > 0)
        {
            Heading(text, words.BetweenHeading, '-');
            text.AppendLine(words.BetweenIntro).AppendLine();
            foreach (var suggestion in digest.Suggestions)
            {
                text.Append("- ").AppendLine(suggestion.Title);
                text.Append("  ").AppendLine(NameList(suggestion.OrganisationNames, words));
                text.Append("  ").AppendLine(Why(suggestion, words));
                text.Append("  ").AppendLine(CollaborationUrl(suggestion.CollaborationId)).AppendLine();
            }
        }

        text.AppendLine("--").AppendLine(string.Format(CultureInfo.InvariantCulture, words.Footer, digest.PartnerId));
        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private void TextSection(StringBuilder text, DigestCollaborationSection section, Words words, PartnerDigest digest)
    {
        text.Append("## ").AppendLine(section.Title);
        if (section.Status is { } status)
        {
            text.Append(words.StatusLabel).Append(": ").AppendLine(words.Status(status));
        }

        text.AppendLine(CollaborationUrl(section.CollaborationId));
        foreach (var item in section.Updates)
        {
            text.Append(item.IsHighlight ? "* " : "- ").Append(words.Kind(item.Kind)).Append(" · ").Append(FormatDate(item.Date, digest))
                .Append(" · ").AppendLine(item.SenderName);
            text.Append("  ").AppendLine(item.Title);
            if (Shorten(item.Summary) is { } summary)
            {
                text.Append("  ").AppendLine(summary);
            }

            foreach (var link in item.Links.Where(l => IsWebAddress(l.Url)))
            {
                text.Append("  ").Append(link.Title ?? words.Document).Append(": ").AppendLine(link.Url);
            }
        }

        if (section.MoreUpdates > 0)
        {
            text.Append("  ").AppendLine(string.Format(CultureInfo.InvariantCulture, words.More, section.MoreUpdates));
        }

        text.AppendLine();
    }

    private static void Heading(StringBuilder text, string heading, char underline) =>
        text.AppendLine(heading).AppendLine(new string(underline, heading.Length));

    private static string Preheader(PartnerDigest digest, Words words) =>
        string.Format(CultureInfo.InvariantCulture, words.Preheader, digest.Collaborations.Sum(c => c.Updates.Count + c.MoreUpdates) + digest.MoreCollaborations.Sum(m => m.UpdateCount), digest.News.Count, digest.Suggestions.Count);

    private static string Reason(DigestNewsItem item, Words words) =>
        string.Join(", ", new[] { item.InArea && item.Area is { } area ? words.Area(area) : null, item.InCounty ? words.InCounty : null }.OfType<string>());

    private static string Why(DigestSuggestion suggestion, Words words) =>
        string.Format(CultureInfo.InvariantCulture, words.Why, JoinWords(suggestion.SharedWords, words.And), suggestion.LikeCollaborationTitle);

    private static string NameList(IReadOnlyList<string> names, Words words) =>
        names.Count <= DigestComposer.MaxOrganisationNames
            ? JoinWords(names, words.And)
            : string.Join(", ", names.Take(DigestComposer.MaxOrganisationNames - 1)) + " " + string.Format(CultureInfo.InvariantCulture, words.AndMore, names.Count - DigestComposer.MaxOrganisationNames + 1);

    private static string JoinWords(IReadOnlyList<string> words, string and) =>
        words.Count <= 1 ? string.Join("", words) : string.Join(", ", words.Take(words.Count - 1)) + " " + and + " " + words[^1];

    private static string FormatDate(LocalDate date, PartnerDigest digest)
    {
        var month = new DigestMonth(date.Year, date.Month).NameIn(digest.Language);
        var name = month[..month.LastIndexOf(' ')];
        var day = date.Day.ToString(CultureInfo.InvariantCulture);
        return date.Year == digest.Month.Year ? $"{day} {name}" : $"{day} {month}";
    }

    private static string? Shorten(string? summary)
    {
        if (string.IsNullOrWhiteSpace(summary))
        {
            return null;
        }

        var trimmed = summary.Trim();
        if (trimmed.Length <= SummaryLength)
        {
            return trimmed;
        }

        var cut = trimmed.LastIndexOf(' ', SummaryLength);
        return trimmed[..(cut > SummaryLength / 2 ? cut : SummaryLength)].TrimEnd(',', '.', ';', ':', ' ') + " …";
    }

    private static string Capitalise(string value) => value.Length == 0 ? value : char.ToUpperInvariant(value[0]) + value[1..];

    private static bool IsWebAddress(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static string Link(string url, string text, string colour) =>
        $"<a href=\"{Encode(url)}\" style=\"color:{colour};text-decoration:underline;\">{Encode(text)}</a>";

    /// <summary>Encodes text for HTML element content and double-quoted attributes.</summary>
    internal static string Encode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var encoded = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            encoded.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return encoded.ToString();
    }

    private sealed record Words(
        string Subject,
        string Heading,
        string For,
        string Preheader,
        string OwnHeading,
        string OwnIntro,
        string NewsHeading,
        string NewsIntro,
        string BetweenHeading,
        string BetweenIntro,
        string StatusLabel,
        string More,
        string MoreCollaborations,
        string New,
        string Call,
        string InCounty,
        string Why,
        string And,
        string AndMore,
        string Document,
        string Footer,
        IReadOnlyDictionary<string, string> Kinds,
        IReadOnlyDictionary<string, string> Statuses,
        IReadOnlyDictionary<string, string> Areas)
    {
        public static readonly Words Swedish = new(
            "Mellanrum: månadsbrev {0}",
            "Månadsbrev {0}",
            "Till {0}",
            "{0} uppdateringar i er samverkan, {1} nyheter i era områden, {2} tips från mellanrummet.",
            "Er samverkan",
            "Det som hänt i samverkan ni deltar i. Beslut och statusändringar först.",
            "Nytt i era områden och ert län",
            "Nya samverkan och sökta partner som kan angå er.",
            "I mellanrummet",
            "Samverkan på andra håll som liknar er egen – kanske värd ett samtal.",
            "Status",
            "{0} uppdateringar till",
            "Fler samverkan med nya uppdateringar:",
            "Ny samverkan",
            "Söker partner",
            "i ert län",
            "Delar orden {0} med er samverkan ”{1}”.",
            "och",
            "och {0} till",
            "Dokument",
            "Du får det här brevet som mottagare av Mellanrums månadsbrev för partnern {0}. Mottagare och språk ändras på partnersidan (/portal/manadsbrev) eller av hubbens administratör.",
            new Dictionary<string, string>
            {
                ["collaboration-started"] = "Samverkan startad", ["status-report"] = "Lägesrapport", ["decision"] = "Beslut",
                ["recommendation"] = "Rekommendation", ["agreement"] = "Överenskommelse", ["call-for-partners"] = "Söker partner",
                ["meeting"] = "Möte", ["milestone"] = "Milstolpe", ["document"] = "Dokument", ["collaboration-ended"] = "Samverkan avslutad",
            },
            new Dictionary<string, string>
            {
                ["planned"] = "planerad", ["active"] = "pågår", ["paused"] = "pausad", ["completed"] = "avslutad", ["cancelled"] = "avbruten",
            },
            new Dictionary<string, string>
            {
                ["digitalisering"] = "digitalisering", ["utbildning"] = "utbildning", ["arbetsmarknad"] = "arbetsmarknad",
                ["social-valfard"] = "social välfärd", ["vard-och-omsorg"] = "vård och omsorg", ["samhallsbyggnad"] = "samhällsbyggnad",
                ["miljo-och-klimat"] = "miljö och klimat", ["kultur-och-fritid"] = "kultur och fritid", ["krisberedskap"] = "krisberedskap",
                ["upphandling"] = "upphandling", ["ovrigt"] = "övrigt",
            })
        {
            LateHeading = "Rapporterat i efterhand",
            LateIntro = "Sådant som hände tidigare månader men rapporterades in efter att den månadens brev hade sammanställts.",
        };

        public static readonly Words English = new(
            "Mellanrum: monthly digest {0}",
            "Monthly digest {0}",
            "For {0}",
            "{0} updates in your collaborations, {1} new in your areas, {2} tips from in between.",
            "Your collaborations",
            "What happened in the collaborations you take part in. Decisions and status changes first.",
            "New in your areas and county",
            "New collaborations and calls for partners that may concern you.",
            "I mellanrummet – in between",
            "Work elsewhere that looks like yours – perhaps worth a call.",
            "Status",
            "{0} more updates",
            "More collaborations with new updates:",
            "New collaboration",
            "Looking for partners",
            "in your county",
            "Shares the words {0} with your collaboration “{1}”.",
            "and",
            "and {0} more",
            "Document",
            "You receive this email as a recipient of Mellanrum's monthly digest for the partner {0}. Recipients and language are changed on the partner page (/portal/manadsbrev) or by the hub's administrator.",
            new Dictionary<string, string>
            {
                ["collaboration-started"] = "Collaboration started", ["status-report"] = "Status report", ["decision"] = "Decision",
                ["recommendation"] = "Recommendation", ["agreement"] = "Agreement", ["call-for-partners"] = "Looking for partners",
                ["meeting"] = "Meeting", ["milestone"] = "Milestone", ["document"] = "Document", ["collaboration-ended"] = "Collaboration ended",
            },
            new Dictionary<string, string>
            {
                ["planned"] = "planned", ["active"] = "active", ["paused"] = "paused", ["completed"] = "completed", ["cancelled"] = "cancelled",
            },
            new Dictionary<string, string>
            {
                ["digitalisering"] = "digitalisation", ["utbildning"] = "education", ["arbetsmarknad"] = "labour market",
                ["social-valfard"] = "social welfare", ["vard-och-omsorg"] = "health and care", ["samhallsbyggnad"] = "urban planning",
                ["miljo-och-klimat"] = "environment and climate", ["kultur-och-fritid"] = "culture and leisure", ["krisberedskap"] = "emergency preparedness",
                ["upphandling"] = "procurement", ["ovrigt"] = "other",
            })
        {
            LateHeading = "Reported late",
            LateIntro = "What happened in earlier months but was reported after that month's digest had been composed.",
        };

        public required string LateHeading { get; init; }

        public required string LateIntro { get; init; }

        public string Kind(string kind) => Kinds.GetValueOrDefault(kind, kind);

        public string Status(string status) => Statuses.GetValueOrDefault(status, status);

        public string Area(string area) => Areas.GetValueOrDefault(area, area);
    }
}
