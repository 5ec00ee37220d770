using System.Text.Json.Nodes;

namespace Mellanrum.Hub.Register;

/// <summary>
/// The register described for dataportal.se (<c>GET /api/v1/dcat</c>): a DCAT-AP-SE catalogue as JSON-LD, holding one
/// dataset (the register) with two distributions, the CSV and the JSON of <c>/api/v1/register</c>. The catalogue's and
/// dataset's publisher is <see cref="RegisterOptions.Publisher"/>; the organisations whose reports make up the data are
/// the dataset's creators, and each with a known organisationsnummer is named by its dataportal.se URI
/// (<c>http://dataportal.se/organisation/SE&lt;orgnr&gt;</c>), as is the publisher when it has one. Controlled
/// vocabularies are the EU Publications Office's (themes, file types, languages, frequencies, access rights), as
/// DCAT-AP-SE asks.
/// </summary>
public static class DcatCatalogue
{
    public const string MediaType = "application/ld+json";

    private const string EuVocabularies = "http://publications.europa.eu/resource/authority/";

    /// <summary>The catalogue of an empty register at <paramref name="baseUrl"/>, with the default options (the API description's example).</summary>
    public static JsonObject Sample(string baseUrl) => Build(new RegisterSnapshot([], 0, DateTimeOffset.MinValue), baseUrl, new RegisterOptions());

    public static JsonObject Build(RegisterSnapshot snapshot, string baseUrl, RegisterOptions options)
    {
        var catalogue = $"{baseUrl}/api/v1/dcat";
        var dataset = catalogue + "#samverkansregistret";
        var publisher = options.PublisherOrganisationsnummer is { } number && Organisations.Organisationsnummer.TryParse(number, out var canonical)
            ? RegisterOrganisation.DataportalPrefix + canonical.Replace("-", string.Empty, StringComparison.Ordinal)
            : catalogue + "#publisher";
        var creators = snapshot.Organisations.Where(o => o.Uri is not null).ToArray();
        var modified = snapshot.Modified is { } latest ? DateTime(latest) : null;

        var graph = new JsonArray
        {
            new JsonObject
            {
                ["@id"] = catalogue,
                ["@type"] = "dcat:Catalog",
                ["dcterms:title"] = Texts("Mellanrums katalog över öppna data", "Mellanrum's catalogue of open data"),
                ["dcterms:description"] = Texts(
                    "Öppna data från Mellanrum, navet för samverkan mellan Sveriges kommuner.",
                    "Open data from Mellanrum, the hub for collaboration between Swedish municipalities."),
                ["dcterms:publisher"] = Id(publisher),
                ["dcterms:language"] = Id(EuVocabularies + "language/SWE"),
                ["dcterms:license"] = Id(RegisterExport.License),
                ["foaf:homepage"] = Id(baseUrl + "/samverkan"),
                ["dcat:dataset"] = Id(dataset),
                ["dcterms:modified"] = modified?.DeepClone(),
            },
            new JsonObject
            {
                ["@id"] = dataset,
                ["@type"] = "dcat:Dataset",
                ["dcterms:title"] = Texts(RegisterExport.Title, "The collaboration register"),
                ["dcterms:description"] = Texts(
                    RegisterExport.Description + " Varje samverkan med namn, beskrivning, form, område, status, ägare och medlemmar (kommunkod, län och organisationsnummer).",
                    "Collaboration between Sweden's municipalities: who works with whom on what, as the members themselves reported it to Mellanrum. Each collaboration with its name, description, form, area, status, owner and members (kommunkod, county and organisationsnummer)."),
                ["dcterms:publisher"] = Id(publisher),
                ["dcterms:creator"] = new JsonArray([.. creators.Select(o => (JsonNode)Id(o.Uri!))]),
                ["dcat:contactPoint"] = new JsonObject
                {
                    ["@type"] = "vcard:Organization",
                    ["vcard:fn"] = options.Publisher,
                    ["vcard:hasEmail"] = Id("mailto:" + options.ContactEmail),
                },
                ["dcat:keyword"] = new JsonArray(
                    Text("samverkan", "sv"), Text("kommuner", "sv"), Text("mellankommunal samverkan", "sv"), Text("kommunalförbund", "sv"),
                    Text("collaboration", "en"), Text("municipalities", "en")),
                ["dcat:theme"] = Id(EuVocabularies + "data-theme/GOVE"),
                ["dcterms:spatial"] = Id(EuVocabularies + "country/SWE"),
                ["dcterms:language"] = Id(EuVocabularies + "language/SWE"),
                ["dcterms:accessRights"] = Id(EuVocabularies + "access-right/PUBLIC"),
                ["dcterms:accrualPeriodicity"] = Id(EuVocabularies + "frequency/UPDATE_CONT"),
                ["dcat:landingPage"] = Id(baseUrl + "/samverkan"),
                ["dcterms:modified"] = modified?.DeepClone(),
                ["dcat:distribution"] = new JsonArray(Id(dataset + "-csv"), Id(dataset + "-json")),
            },
            Distribution(dataset + "-csv", $"{baseUrl}/api/v1/register?format=csv", "CSV", "text/csv", "Samverkansregistret som CSV", "The collaboration register as CSV"),
            Distribution(dataset + "-json", $"{baseUrl}/api/v1/register?format=json", "JSON", "application/json", "Samverkansregistret som JSON", "The collaboration register as JSON"),
            new JsonObject
            {
                ["@id"] = publisher,
                ["@type"] = "foaf:Agent",
                ["foaf:name"] = options.Publisher,
            },
        };
        foreach (var organisation in creators)
        {
            graph.Add(new JsonObject
            {
                ["@id"] = organisation.Uri,
                ["@type"] = "foaf:Organization",
                ["foaf:name"] = organisation.Name,
                ["dcterms:identifier"] = organisation.Organisationsnummer,
            });
        }

        foreach (var node in graph.OfType<JsonObject>())
        {
            foreach (var empty in node.Where(p => p.Value is null).Select(p => p.Key).ToArray())
            {
                node.Remove(empty);
            }
        }

        return new JsonObject
        {
            ["@context"] = new JsonObject
            {
                ["dcat"] = "http://www.w3.org/ns/dcat#",
                ["dcterms"] = "http://purl.org/dc/terms/",
                ["foaf"] = "http://xmlns.com/foaf/0.1/",
                ["vcard"] = "http://www.w3.org/2006/vcard/ns#",
                ["xsd"] = "http://www.w3.org/2001/XMLSchema#",
            },
            ["@graph"] = graph,
        };
    }

    private static JsonObject Distribution(string id, string url, string fileType, string mediaType, string sv, string en) => new()
    {
        ["@id"] = id,
        ["@type"] = "dcat:Distribution",
        ["dcterms:title"] = Texts(sv, en),
        ["dcat:accessURL"] = Id(url),
        ["dcat:downloadURL"] = Id(url),
        ["dcterms:format"] = Id(EuVocabularies + "file-type/" + fileType),
        ["dcat:mediaType"] = Id("https://www.iana.org/assignments/media-types/" + mediaType),
        ["dcterms:license"] = Id(RegisterExport.License),
    };

    private static JsonObject Id(string iri) => new() { ["@id"] = iri };

    private static JsonObject Text(string value, string language) => new() { ["@value"] = value, ["@language"] = language };

    private static JsonArray Texts(string sv, string en) => [Text(sv, "sv"), Text(en, "en")];

    private static JsonObject DateTime(DateTimeOffset value) => new() { ["@value"] = UtcDateTimeOffsetConverter.Format(value), ["@type"] = "xsd:dateTime" };
}
