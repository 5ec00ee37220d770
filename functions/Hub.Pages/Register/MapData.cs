using System.Globalization;
using System.Text;
using System.Text.Json;
using Mellanrum.Hub.Pages.Shell;
using Mellanrum.Hub.Register;

namespace Mellanrum.Hub.Pages.Register;

/// <summary>
/// The network as the map's script reads it, written into the page as a JSON data block (not run as script, so the
/// Content-Security-Policy holds): <c>nodes</c>, each <c>{id, kind ("o" organisation, "c" collaboration), label,
/// colour, x, y, size, href, text}</c> where <c>text</c> is what is read out when the keyboard selects it, and
/// <c>edges</c> as pairs of node indexes. Characters that could end the block (<c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>)
/// are written escaped.
/// </summary>
public static class MapData
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default };

    public static string Json(RegisterNetwork network, PageLanguage language)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteStartArray("nodes");
            var byCollaboration = network.Collaborations.ToDictionary(c => c.Id, StringComparer.Ordinal);
            var byOrganisation = network.Organisations.ToDictionary(o => o.Id, StringComparer.Ordinal);
            foreach (var node in network.Nodes)
            {
                var organisation = node.Kind == NetworkNode.Organisation;
                json.WriteStartObject();
                json.WriteString("id", node.Id);
                json.WriteString("kind", organisation ? "o" : "c");
                json.WriteString("label", node.Label);
                json.WriteString("colour", organisation ? "#1b1b1b" : RegisterText.Colour(node.Area));
                json.WriteNumber("x", node.X);
                json.WriteNumber("y", node.Y);
                json.WriteNumber("size", organisation ? Math.Round(10 + (3 * Math.Sqrt(node.Degree)), 1) : 7);
                json.WriteString("href", language.Link(organisation ? RegisterText.OrganisationPath(byOrganisation[node.Key]) : RegisterText.CollaborationPath(node.Key)));
                json.WriteString("text", organisation ? OrganisationText(byOrganisation[node.Key], node.Degree, language) : CollaborationText(byCollaboration[node.Key], language));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("edges");
            foreach (var edge in network.Edges)
            {
                json.WriteNumberValue(edge.Organisation);
                json.WriteNumberValue(edge.Collaboration);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string OrganisationText(RegisterOrganisation organisation, int degree, PageLanguage language)
    {
        var where = organisation.CountyName is { } county ? $"{organisation.Name}, {county}" : organisation.Name;
        var count = degree.ToString(CultureInfo.InvariantCulture);
        return language == PageLanguage.English
            ? $"{where}: {count} {(degree == 1 ? "collaboration" : "collaborations")}."
            : $"{where}: {count} {(degree == 1 ? "samverkan" : "samverkningar")}.";
    }

    private static string CollaborationText(RegisterEntry entry, PageLanguage language) =>
        language == PageLanguage.English
            ? $"{entry.Name} ({RegisterText.Area(entry.Collaboration.Area, language)}): {entry.Members.Count} members."
            : $"{entry.Name} ({RegisterText.Area(entry.Collaboration.Area, language)}): {entry.Members.Count} medlemmar.";
}
