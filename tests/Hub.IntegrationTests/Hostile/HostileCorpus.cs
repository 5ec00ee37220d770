using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mellanrum.Hub.IntegrationTests.Infrastructure;

namespace Mellanrum.Hub.IntegrationTests.Hostile;

/// <summary>
/// What the corpus needs of a hub: who is registered (two sources, one whose first key and secret were revoked, one
/// partner), a stored update, its collaboration, a kept rejection, and a signed update whose webhook-id the corpus
/// sends again with another body.
/// </summary>
public sealed record HostileWorld(
    Uri Server,
    string AdminKey,
    RegisteredSource A,
    RegisteredSource B,
    string KeyCredentialId,
    RegisteredSource Revoked,
    string PartnerId,
    string PartnerKey,
    string UpdateId,
    string CollaborationId,
    string RejectionId,
    string ReplayedWebhookId,
    string ReplayedUpdateId);

/// <summary>
/// The hostile corpus: bad requests of every kind a careless or malicious client sends, each with what a user must see.
/// Routes come from <c>functions.metadata</c> (<see cref="HttpRoute.FromMetadata"/>), so every route gets its path
/// tricks, its wrong methods and, under <c>/admin/</c>, its missing and wrong keys, and a new route gets them too.
/// </summary>
public sealed class HostileCorpus(HostileWorld world, IReadOnlyList<HttpRoute> routes)
{
    public const string MalformedJson = "malformed JSON";
    public const string DeepJson = "deeply nested JSON";
    public const string HugeBodies = "huge bodies";
    public const string SlowBodies = "slow bodies and headers";
    public const string WrongTypes = "wrong JSON types";
    public const string InvalidUtf8 = "invalid UTF-8";
    public const string DuplicateKeys = "duplicate JSON keys";
    public const string Credentials = "wrong, replayed and cross-source credentials";
    public const string PathTricks = "path tricks";
    public const string HeaderInjection = "header injection";
    public const string MalformedHttp = "malformed HTTP (Kestrel's own refusals)";
    public const string Framing = "body framing";
    public const string ContentTypes = "content types and charsets";
    public const string AdminKeys = "admin routes without the admin key";
    public const string OtherKeys = "keyed routes with the wrong key";
    public const string Methods = "unsupported methods";
    public const string QueryTricks = "query tricks";

    private const string Json = "application/json";
    private const string IngestRoute = "api/v1/sources/{sourceId}/updates";
    private const string SourceRoute = "api/v1/admin/sources/{sourceId}";
    private const string PartnerRoute = "api/v1/admin/partners/{partnerId}";
    private const string CollaborationRoute = "api/v1/collaborations/{id}";
    private const int Limit = 256 * 1024;

    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND"];

    /// <summary>Path segments as they are sent (already escaped), none of them an id of anything.</summary>
    private static readonly string[] SegmentTricks =
    [
        "..", "%2e%2e", "%2E%2E", "..%2F..%2F..", "%2e%2e%2f%2e%2e%2fadmin", "a%2Fb", "a%5Cb", "%00", "a%00b",
        new('a', 3000), "%C3%A5%C3%A4%C3%B6", "%F0%9F%98%80", "%E2%80%AE", "%EF%BB%BF", "ABC-DEF", "%20", "a%0D%0Ab",
        "%25", "%ff%fe", "~", "a;b", "a%3Fb", "a%23b", "*", "-", "%252e%252e",
    ];

    /// <summary>Path segments only a socket sends: a raw NUL, raw UTF-8, a byte that is not UTF-8, a raw space.</summary>
    private static readonly string[] RawSegmentTricks = ["a\0b", "\u00c3\u00a5", "\u00ff", "a b", "a\tb"];

    private int _unique;

    /// <summary>The cases that take their time (trickled bodies and headers), to start first and run side by side.</summary>
    public IReadOnlyList<HostileCase> Slow() => [.. SlowCases()];

    /// <summary>Everything else.</summary>
    public IReadOnlyList<HostileCase> Quick() =>
    [
        .. MalformedJsonCases(), .. DeepJsonCases(), .. HugeBodyCases(), .. WrongTypeCases(), .. InvalidUtf8Cases(),
        .. DuplicateKeyCases(), .. CredentialCases(), .. PathTrickCases(), .. HeaderInjectionCases(), .. MalformedHttpCases(),
        .. FramingCases(), .. ContentTypeCases(), .. AdminKeyCases(), .. OtherKeyCases(), .. MethodCases(), .. QueryCases(),
    ];

    // ---- what the cases are sent to -------------------------------------------------------------------------------

    /// <summary>A route that takes a JSON body, with a caller that gets past its key check.</summary>
    private sealed record BodyTarget(string Name, HttpMethod Method, string Path, string Route, string Key, bool Ingest);

    private IEnumerable<BodyTarget> BodyTargets(bool ingestOnly = false)
    {
        yield return new("ingest", HttpMethod.Post, $"/api/v1/sources/{world.A.Id}/updates", IngestRoute, world.A.Key, true);
        if (ingestOnly)
        {
            yield break;
        }

        yield return new("source", HttpMethod.Put, "/api/v1/admin/sources/hostile-never-registered", SourceRoute, world.AdminKey, false);
        yield return new("partner", HttpMethod.Put, "/api/v1/admin/partners/hostile-never-registered", PartnerRoute, world.AdminKey, false);
        yield return new("collaboration", HttpMethod.Put, $"/api/v1/collaborations/{world.CollaborationId}", CollaborationRoute, world.AdminKey, false);
    }

    private string Unique(string prefix) => $"{prefix}-{Interlocked.Increment(ref _unique)}";

    /// <summary>A valid canonical update with an idempotency key of its own.</summary>
    private JsonObject Update(string prefix = "HOSTILE") =>
        JsonNode.Parse(Payloads.Canonical(Unique(prefix), collaboration: world.CollaborationId))!.AsObject();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Bytes exactly as written, one char one byte (so "\0" and "\u00ff" are those bytes).</summary>
    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private Uri Exact(string pathAndQuery) =>
        new(world.Server.ToString().TrimEnd('/') + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    private HttpRequestMessage Request(HttpMethod method, string pathAndQuery, string? key, byte[]? body = null, string? contentType = Json)
    {
        var request = new HttpRequestMessage(method, Exact(pathAndQuery));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        return request;
    }

    /// <summary>Whether a client sends <paramref name="function"/> a body: adding a member is the one PUT without one.</summary>
    private static bool TakesBody(string function) =>
        function != nameof(Mellanrum.Hub.Functions.Collaborations.CollaborationFunctions.AddCollaborationMember);

    private static HostileCase Case(string category, string name, string route, Func<HttpRequestMessage> request, Expect expect) =>
        new(category, name, route, new HostileSend.Client(request), expect);

    /// <summary>
    /// Whether the server answers a path as some other path, or not as a path at all: a dot segment it resolves
    /// (<c>..</c>, <c>%2e%2e</c>) or a NUL it refuses. The answer then belongs to no operation of the route, so it is
    /// not held to the route's part of the OpenAPI document (only to being a 4xx problem).
    /// </summary>
    private static bool ServerRewrites(string trick) =>
        trick.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase) is ".." or "." || trick.Contains("%00", StringComparison.Ordinal);

    private HostileCase Body(string category, string name, BodyTarget target, Func<byte[]> body, Expect expect, string contentType = Json) =>
        Case(category, $"{target.Name}: {name}", target.Route, () => Request(target.Method, target.Path, target.Key, body(), contentType), expect);

    private HostileCase Raw(string category, string name, string route, string head, RawHttp.Writing? body, Expect expect, bool headRequest = false) =>
        new(category, name, route, new HostileSend.Raw(Bytes(head), body, headRequest), expect);

    private string Host => $"Host: {world.Server.Authority}\r\n";

    /// <summary>Fails when the answer carries a header the request tried to inject.</summary>
    private static string? NothingInjected(Answer answer) =>
        answer.Headers.Any(h => h.Key.Equals("X-Injected", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            ? "an injected header came back in the answer"
            : null;

    // ---- bodies ---------------------------------------------------------------------------------------------------

    private IEnumerable<HostileCase> MalformedJsonCases()
    {
        string[] broken =
        [
            "{\"collaboration\":", "{", "}", "[", "{\"title\" \"x\"}", "{'title':'x'}", "{title:\"x\"}", "{\"title\":\"x\",}",
            "{/* note */\"title\":\"x\"}", "{\"title\":NaN}", "{\"title\":Infinity}", "{\"sequence\":01}", "{\"title\":\"a\u0001b\"}",
            "{\"title\":\"line\nbreak\"}", "{\"title\":\"\\x41\"}", "{\"title\":\"\\u12\"}", "{} {}", "{} trailing", "", "   \r\n\t ",
            "\"unterminated", "[1,2", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":.5}", "<update/>",
        ];
        string[] wrongShape = ["null", "[]", "[{}]", "42", "\"a string\"", "true", "1e999999"];
        foreach (var target in BodyTargets())
        {
            foreach (var text in broken)
            {
                yield return Body(MalformedJson, Describe(text), target, () => Utf8(text), Expect.Status(400));
            }

            foreach (var text in wrongShape)
            {
                yield return Body(MalformedJson, "valid JSON, not an object: " + text, target, () => Utf8(text), target.Ingest ? Expect.Status(400, 422) : Expect.Status(400));
            }
        }
    }

    private IEnumerable<HostileCase> DeepJsonCases()
    {
        var cases = new (string Name, Func<string> Body)[]
        {
            ("10,000 nested arrays", () => new string('[', 10_000) + new string(']', 10_000)),
            ("10,000 nested objects", () => string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)),
            ("100,000 unclosed arrays", () => new string('[', 100_000)),
            ("65 levels, one past the limit", () => new string('[', 65) + new string(']', 65)),
            ("arrays and objects alternating, 5,000 deep", () => string.Concat(Enumerable.Repeat("[{\"a\":", 2_500)) + "1" + string.Concat(Enumerable.Repeat("}]", 2_500))),
        };
        foreach (var target in BodyTargets())
        {
            foreach (var (name, body) in cases)
            {
                yield return Body(DeepJson, name, target, () => Utf8(body()), Expect.Status(400));
            }
        }

        var ingest = BodyTargets(ingestOnly: true).Single();
        yield return Body(DeepJson, "a title of 10,000 nested arrays", ingest, () => Utf8(Update().ToJsonString().Replace("\"title\":\"", "\"title\":" + new string('[', 10_000) + new string(']', 10_000) + ",\"x\":\"", StringComparison.Ordinal)), Expect.Status(400));
        yield return Body(DeepJson, "a CloudEvent whose data is 10,000 deep", ingest, () => Utf8("{\"specversion\":\"1.0\",\"id\":\"deep\",\"source\":\"/x\",\"type\":\"t\",\"data\":" + string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000) + "}"), Expect.Status(400), "application/cloudevents+json");
        yield return Body(DeepJson, "a mapping profile 10,000 deep", BodyTargets().Single(t => t.Name == "source"), () => Utf8("{\"organisation\":\"0182\",\"name\":\"x\",\"format\":\"profile\",\"profile\":" + string.Concat(Enumerable.Repeat("{\"fields\":", 10_000)) + "1" + new string('}', 10_000) + "}"), Expect.Status(400));
    }

    /// <summary>128 chunks of 64 KiB of spaces, then the last chunk.</summary>
    private static readonly Lazy<byte[]> EightMiBChunked = new(() =>
    {
        using var body = new MemoryStream();
        var chunk = Bytes("10000\r\n" + new string(' ', 65536) + "\r\n");
        for (var i = 0; i < 128; i++)
        {
            body.Write(chunk);
        }

        body.Write("0\r\n\r\n"u8);
        return body.ToArray();
    });

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>1 GiB of spaces inside braces, gzipped to about a megabyte: 64 gzip members of 16 MiB each (readers take one after another).</summary>
    private static byte[] GzipBomb()
    {
        var spaces = new byte[16 * 1024 * 1024];
        Array.Fill(spaces, (byte)' ');
        var member = Gzip(spaces);
        return [.. Gzip("{"u8.ToArray()), .. Enumerable.Range(0, 64).SelectMany(_ => member), .. Gzip("}"u8.ToArray())];
    }

    private static byte[] BrotliBomb()
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest))
        {
            brotli.Write("{"u8);
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < 64; i++)
            {
                brotli.Write(spaces);
            }

            brotli.Write("}"u8);
        }

        return output.ToArray();
    }

    private IEnumerable<HostileCase> HugeBodyCases()
    {
        var bomb = new Lazy<byte[]>(GzipBomb);
        var brotliBomb = new Lazy<byte[]>(BrotliBomb);
        byte[] Spaces(int length) => [(byte)'{', .. Enumerable.Repeat((byte)' ', length - 2), (byte)'}'];
        foreach (var target in BodyTargets())
        {
            yield return Body(HugeBodies, "300 KiB, declared", target, () => Spaces(300 * 1024), Expect.Status(413));
            yield return Body(HugeBodies, "exactly one byte over the limit", target, () => Spaces(Limit + 1), Expect.Status(413));
            yield return Case(HugeBodies, $"{target.Name}: 300 KiB, chunked", target.Route, () =>
            {
                var request = Request(target.Method, target.Path, target.Key);
                request.Content = new StreamContent(new MemoryStream(Spaces(300 * 1024)));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(Json);
                request.Headers.TransferEncodingChunked = true;
                return request;
            }, Expect.Status(413));
            yield return Case(HugeBodies, $"{target.Name}: a gzip bomb (1 GiB of JSON in 1 MB)", target.Route, () =>
            {
                var request = Request(target.Method, target.Path, target.Key, bomb.Value);
                request.Content!.Headers.ContentEncoding.Add("gzip");
                return request;
            }, Expect.Status(413));
            yield return Case(HugeBodies, $"{target.Name}: a brotli bomb (64 MiB)", target.Route, () =>
            {
                var request = Request(target.Method, target.Path, target.Key, brotliBomb.Value);
                request.Content!.Headers.ContentEncoding.Add("br");
                return request;
            }, Expect.Status(413));
            foreach (var (encoding, body, status) in new (string, Func<byte[]>, int)[]
                     {
                         ("gzip", () => Utf8("{\"title\":\"not gzip at all\"}"), 400),
                         ("br", () => Gzip(Utf8(Update().ToJsonString())), 400),
                         ("gzip, gzip", () => Gzip(Gzip(Utf8("{}"))), 415),
                         ("deflate", () => Utf8("{}"), 415),
                         ("x-bomb", () => Utf8("{}"), 415),
                     })
            {
                yield return Case(HugeBodies, $"{target.Name}: Content-Encoding {encoding}, body not so", target.Route, () =>
                {
                    var request = Request(target.Method, target.Path, target.Key, body());
                    request.Content!.Headers.TryAddWithoutValidation("Content-Encoding", encoding);
                    return request;
                }, Expect.Status(status));
            }

            var head = $"{target.Method.Method} {target.Path} HTTP/1.1\r\n{Host}Authorization: Bearer {target.Key}\r\nContent-Type: application/json\r\n";
            yield return Raw(HugeBodies, $"{target.Name}: 8 MiB chunked, the answer read while it is sent", target.Route, head + "Transfer-Encoding: chunked\r\n\r\n",
                new RawHttp.Writing(EightMiBChunked.Value), Expect.Status(413));
            yield return Raw(HugeBodies, $"{target.Name}: Content-Length of 10 GiB, 1 KiB sent", target.Route, head + "Content-Length: 10737418240\r\n\r\n",
                new RawHttp.Writing(new byte[1024]), Expect.Status(413));
        }

        var ingest = BodyTargets(ingestOnly: true).Single();
        yield return Body(HugeBodies, "a valid update with a 300 KiB summary", ingest, () =>
        {
            var update = Update();
            update["summary"] = new string('ö', 150 * 1024);
            return Utf8(update.ToJsonString());
        }, Expect.Status(413));
        yield return Body(HugeBodies, "200 KiB within the limit, 20,000 participants", ingest, () =>
        {
            var update = Update();
            update["participants"] = new JsonArray(Enumerable.Range(0, 20_000).Select(_ => (JsonNode)"0136").ToArray());
            return Utf8(update.ToJsonString());
        }, Expect.Status(422));
    }

    private IEnumerable<HostileCase> WrongTypeCases()
    {
        JsonNode?[] Wrong() => [true, false, 42, -1.5, new JsonObject(), new JsonObject { ["a"] = 1 }, new JsonArray(new JsonArray("x")), new JsonArray(new JsonObject()), new JsonArray(true), new JsonArray(1)];
        var ingest = BodyTargets(ingestOnly: true).Single();
        foreach (var field in new[] { "externalId", "collaboration", "kind", "title", "summary", "status", "area", "participants", "occurredAt", "links", "tags", "collaborationName" })
        {
            // A number is an externalId the contract accepts ("as text or a number").
            foreach (var value in Wrong().Where(v => field != "externalId" || v is not JsonValue { } number || number.GetValueKind() != JsonValueKind.Number))
            {
                var text = value!.ToJsonString();
                yield return Body(WrongTypes, $"{field} = {text}", ingest, () =>
                {
                    var update = Update();
                    update[field] = JsonNode.Parse(text);
                    return Utf8(update.ToJsonString());
                }, Expect.Status(422));
            }
        }

        foreach (var (attribute, text) in new[] { ("specversion", "1"), ("id", "{}"), ("source", "1"), ("type", "[]"), ("data", "\"text\""), ("data", "42"), ("datacontenttype", "true") })
        {
            yield return Body(WrongTypes, $"CloudEvent {attribute} = {text}", ingest, () =>
            {
                var envelope = new JsonObject { ["specversion"] = "1.0", ["id"] = Unique("ce"), ["source"] = "/hostile", ["type"] = "se.hostile", ["data"] = Update() };
                envelope[attribute] = JsonNode.Parse(text);
                return Utf8(envelope.ToJsonString());
            }, Expect.Status(422), "application/cloudevents+json");
        }

        var admin = new (string Target, string Base, string Field, string[] Values)[]
        {
            ("source", """{"organisation":"0182","name":"x"}""", "organisation", ["true", "42", "{}", "[1]"]),
            ("source", """{"organisation":"0182","name":"x"}""", "name", ["true", "42", "{}", "[\"x\"]"]),
            ("source", """{"organisation":"0182","name":"x"}""", "format", ["true", "42", "{}", "[\"profile\"]"]),
            ("source", """{"organisation":"0182","name":"x"}""", "queueIngest", ["\"yes\"", "1", "{}", "[true]"]),
            ("source", """{"organisation":"0182","name":"x","format":"profile"}""", "profile", ["true", "42", "\"fields\"", "[1]", "{\"fields\":42}", "{\"fields\":{\"title\":7}}"]),
            ("partner", """{"organisation":"0136","channels":[{"type":"queue"}]}""", "organisation", ["true", "42", "{}", "[1]"]),
            ("partner", """{"organisation":"0136","channels":[{"type":"queue"}]}""", "channels", ["true", "42", "\"queue\"", "{}", "[1]", "[{\"type\":1}]", "[{\"type\":\"webhook\",\"url\":[]}]"]),
            ("partner", """{"organisation":"0136","channels":[{"type":"queue"}]}""", "filters", ["true", "42", "\"areas\"", "[1]", "{\"areas\":42}"]),
            ("partner", """{"organisation":"0136","channels":[{"type":"queue"}]}""", "includeOwn", ["\"yes\"", "1", "{}", "[true]"]),
            ("partner", """{"organisation":"0136","channels":[{"type":"queue"}]}""", "digest", ["true", "42", "\"sv\"", "[1]", "{\"recipients\":42}", "{\"recipients\":[1]}"]),
            ("collaboration", "{}", "name", ["true", "42", "{}", "[\"x\"]"]),
            ("collaboration", "{}", "description", ["true", "42", "{}", "[\"x\"]"]),
            ("collaboration", "{}", "form", ["true", "42", "{}", "[\"projekt\"]"]),
            ("collaboration", "{}", "status", ["true", "42", "{}", "[\"active\"]"]),
            ("collaboration", "{}", "area", ["true", "42", "{}", "[\"digitalisering\"]"]),
            ("collaboration", "{}", "public", ["\"yes\"", "1", "{}", "[true]"]),
            ("collaboration", "{}", "owner", ["true", "182", "{}", "[\"0182\"]"]),
        };
        foreach (var (name, basis, field, values) in admin)
        {
            var target = BodyTargets().Single(t => t.Name == name);
            foreach (var value in values)
            {
                yield return Body(WrongTypes, $"{field} = {value}", target, () =>
                {
                    var body = JsonNode.Parse(basis)!.AsObject();
                    body[field] = JsonNode.Parse(value);
                    return Utf8(body.ToJsonString());
                }, Expect.Status(400, 422));
            }
        }
    }

    private IEnumerable<HostileCase> InvalidUtf8Cases()
    {
        var sequences = new (string Name, byte[] Bytes)[]
        {
            ("FF FE", [0xff, 0xfe]),
            ("an overlong '/' (C0 AF)", [0xc0, 0xaf]),
            ("a UTF-8 encoded surrogate (ED A0 80)", [0xed, 0xa0, 0x80]),
            ("a sequence cut short (E2 80)", [0xe2, 0x80]),
            ("a lone continuation byte (80)", [0x80]),
            ("Latin-1 'å' (E5)", [0xe5]),
            ("a five-byte form (F8 88 80 80 80)", [0xf8, 0x88, 0x80, 0x80, 0x80]),
            ("past U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80]),
        };
        byte[] Splice(string json, string marker, byte[] broken)
        {
            var at = json.IndexOf(marker, StringComparison.Ordinal);
            return [.. Utf8(json[..at]), .. broken, .. Utf8(json[(at + marker.Length)..])];
        }

        foreach (var target in BodyTargets())
        {
            var (basis, marker) = target.Name switch
            {
                "ingest" => (Update().ToJsonString(), "Beslut"),
                "source" => ("""{"organisation":"0182","name":"MARK"}""", "MARK"),
                "partner" => ("""{"organisation":"0136","channels":[{"type":"queue"}],"digest":{"recipients":["MARK@haninge.se"]}}""", "MARK"),
                _ => ("""{"name":"MARK"}""", "MARK"),
            };
            foreach (var (name, bytes) in sequences)
            {
                yield return Body(InvalidUtf8, $"{name} in a value", target, () => Splice(basis, marker, bytes), Expect.Status(400));
            }

            yield return Body(InvalidUtf8, "FF FE in a property name", target, () => Splice(basis.Replace("\"name\"", "\"naMARKme\"", StringComparison.Ordinal).Replace("\"title\"", "\"tiMARKtle\"", StringComparison.Ordinal), "MARK", [0xff, 0xfe]), Expect.Status(400));
            yield return Body(InvalidUtf8, "UTF-16LE with a BOM, labelled UTF-8", target, () => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(basis)], Expect.Status(400), "application/json; charset=utf-8");
            yield return Body(InvalidUtf8, "UTF-16BE without a BOM", target, () => Encoding.BigEndianUnicode.GetBytes(basis), Expect.Status(400));
        }

        var ingest = BodyTargets(ingestOnly: true).Single();
        yield return Body(InvalidUtf8, "FF in a CloudEvent's data", ingest, () => Splice("{\"specversion\":\"1.0\",\"id\":\"" + Unique("ce") + "\",\"source\":\"/x\",\"type\":\"t\",\"data\":" + Update().ToJsonString() + "}", "Beslut", [0xff]), Expect.Status(400), "application/cloudevents+json");
        yield return Case(InvalidUtf8, "ingest: FF in a binary-mode CloudEvent's body", IngestRoute, () =>
        {
            var json = Update().ToJsonString();
            var at = json.IndexOf("Beslut", StringComparison.Ordinal);
            var request = Request(HttpMethod.Post, $"/api/v1/sources/{world.A.Id}/updates", world.A.Key, [.. Utf8(json[..at]), 0xff, .. Utf8(json[at..])]);
            request.Headers.Add("ce-specversion", "1.0");
            request.Headers.Add("ce-id", Unique("ce"));
            request.Headers.Add("ce-source", "/hostile");
            request.Headers.Add("ce-type", "se.hostile");
            return request;
        }, Expect.Status(400));
    }

    private IEnumerable<HostileCase> DuplicateKeyCases()
    {
        var ingest = BodyTargets(ingestOnly: true).Single();
        foreach (var field in new[] { "title", "collaboration", "externalId", "occurredAt", "kind" })
        {
            yield return Body(DuplicateKeys, $"{field} twice, with two values", ingest, () =>
            {
                var json = Update().ToJsonString();
                return Utf8(json[..^1] + $",\"{field}\":\"Annat värde\"}}");
            }, Expect.Status(400));
        }

        yield return Body(DuplicateKeys, "url twice in links[0]", ingest, () => Utf8(Update().ToJsonString().Replace("\"url\":", "\"url\":\"https://evil.example/\",\"url\":", StringComparison.Ordinal)), Expect.Status(400));
        yield return Body(DuplicateKeys, "the same value twice", ingest, () =>
        {
            var json = Update().ToJsonString();
            return Utf8(json[..^1] + ",\"kind\":\"decision\"}");
        }, Expect.Status(400));
        foreach (var attribute in new[] { "id", "data", "specversion" })
        {
            yield return Body(DuplicateKeys, $"CloudEvent {attribute} twice", ingest, () =>
            {
                var envelope = "{\"specversion\":\"1.0\",\"id\":\"" + Unique("ce") + "\",\"source\":\"/x\",\"type\":\"t\",\"data\":" + Update().ToJsonString();
                var again = attribute switch { "id" => "\"id\":\"other\"", "data" => "\"data\":{}", _ => "\"specversion\":\"0.3\"" };
                return Utf8(envelope + "," + again + "}");
            }, Expect.Status(400), "application/cloudevents+json");
        }

        foreach (var (target, json) in new[]
                 {
                     ("source", """{"organisation":"0182","name":"x","organisation":"0136"}"""),
                     ("source", """{"organisation":"0182","name":"x","name":"y"}"""),
                     ("partner", """{"organisation":"0136","channels":[{"type":"queue"}],"channels":[{"type":"webhook","url":"https://evil.example"}]}"""),
                     ("partner", """{"organisation":"0136","channels":[{"type":"queue","type":"servicebus"}]}"""),
                     ("collaboration", """{"name":"x","name":"y"}"""),
                     ("collaboration", """{"public":true,"public":false}"""),
                 })
        {
            yield return Body(DuplicateKeys, json, BodyTargets().Single(t => t.Name == target), () => Utf8(json), Expect.Status(400));
        }
    }

    // ---- credentials ----------------------------------------------------------------------------------------------

    private IEnumerable<HostileCase> CredentialCases()
    {
        var a = world.A;
        var ingestA = $"/api/v1/sources/{a.Id}/updates";
        HttpRequestMessage Signed(string secret, string? body = null, string? webhookId = null, DateTimeOffset? at = null, string? sourceId = null)
        {
            var request = LocalHubFixture.Signed(sourceId ?? a.Id, secret, body ?? Update("SIGNED").ToJsonString(), webhookId, at);
            request.RequestUri = new Uri(world.Server, request.RequestUri!);
            return request;
        }

        HttpRequestMessage Headers(params (string Name, string Value)[] headers)
        {
            var request = Request(HttpMethod.Post, ingestA, null, Utf8(Update("HEADERS").ToJsonString()));
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            return request;
        }

        var expect401 = Expect.Status(401).And(a => a.Header("WWW-Authenticate") == "Bearer" ? null : "a 401 without WWW-Authenticate: Bearer");
        var cases = new (string Name, Func<HttpRequestMessage> Request)[]
        {
            ("another source's Bearer key", () => Request(HttpMethod.Post, ingestA, world.B.Key, Utf8(Update().ToJsonString()))),
            ("signed with another source's secret", () => Signed(world.B.Secret)),
            ("this source's key, another source's path", () => Request(HttpMethod.Post, $"/api/v1/sources/{world.B.Id}/updates", a.Key, Utf8(Update().ToJsonString()))),
            ("signed by this source, posted to another's path", () => Signed(a.Secret, sourceId: world.B.Id)),
            ("this source's key for a source that does not exist", () => Request(HttpMethod.Post, "/api/v1/sources/hostile-nobody/updates", a.Key, Utf8(Update().ToJsonString()))),
            ("the partner's key as a source key", () => Request(HttpMethod.Post, ingestA, world.PartnerKey, Utf8(Update().ToJsonString()))),
            ("the admin key as a source key", () => Request(HttpMethod.Post, ingestA, world.AdminKey, Utf8(Update().ToJsonString()))),
            ("a revoked Bearer key", () => Request(HttpMethod.Post, $"/api/v1/sources/{world.Revoked.Id}/updates", world.Revoked.Key, Utf8(Update().ToJsonString()))),
            ("signed with a revoked secret", () => Signed(world.Revoked.Secret, sourceId: world.Revoked.Id)),
            ("a timestamp six minutes old", () => Signed(a.Secret, at: DateTimeOffset.UtcNow.AddMinutes(-6))),
            ("a timestamp six minutes ahead", () => Signed(a.Secret, at: DateTimeOffset.UtcNow.AddMinutes(6))),
            ("a timestamp from 1970", () => Signed(a.Secret, at: DateTimeOffset.FromUnixTimeSeconds(1))),
            ("signed over another body", () =>
            {
                var request = Signed(a.Secret, Update("SIGNED").ToJsonString());
                request.Content = new StringContent(Update("SWAPPED").ToJsonString(), Encoding.UTF8, Json);
                return request;
            }),
            ("the replayed webhook-id with another body, unsigned for it", () =>
            {
                var request = Signed(a.Secret, Update("REPLAY-ORIGINAL").ToJsonString(), world.ReplayedWebhookId);
                request.Content = new StringContent(Update("REPLAY-SWAPPED").ToJsonString(), Encoding.UTF8, Json);
                return request;
            }),
            ("webhook-timestamp not a number", () => WithHeader(Signed(a.Secret), "webhook-timestamp", "yesterday")),
            ("webhook-timestamp empty", () => WithHeader(Signed(a.Secret), "webhook-timestamp", string.Empty)),
            ("webhook-timestamp past long.MaxValue", () => WithHeader(Signed(a.Secret), "webhook-timestamp", "99999999999999999999999")),
            ("webhook-timestamp negative", () => WithHeader(Signed(a.Secret), "webhook-timestamp", "-1700000000")),
            ("webhook-signature v1, not base64", () => WithHeader(Signed(a.Secret), "webhook-signature", "v1,!!!not-base64!!!")),
            ("webhook-signature of another scheme (v2)", () => WithHeader(Signed(a.Secret), "webhook-signature", "v2," + Convert.ToBase64String(new byte[32]))),
            ("webhook-signature, 300 wrong ones", () => WithHeader(Signed(a.Secret), "webhook-signature", string.Join(' ', Enumerable.Repeat("v1," + Convert.ToBase64String(new byte[32]), 300)))),
            ("webhook-signature empty", () => WithHeader(Signed(a.Secret), "webhook-signature", string.Empty)),
            ("webhook-id missing", () => Without(Signed(a.Secret), "webhook-id")),
            ("Authorization: Bearer with no key", () => Headers(("Authorization", "Bearer "))),
            ("Authorization: Bearer alone", () => Headers(("Authorization", "Bearer"))),
            ("Authorization: Basic with the key", () => Headers(("Authorization", "Basic " + Convert.ToBase64String(Utf8("x:" + a.Key))))),
            ("the key with one character changed", () => Request(HttpMethod.Post, ingestA, a.Key[..^1] + (a.Key[^1] == 'A' ? 'B' : 'A'), Utf8(Update().ToJsonString()))),
            ("the key cut short", () => Request(HttpMethod.Post, ingestA, a.Key[..^4], Utf8(Update().ToJsonString()))),
            ("the key in the query string", () => Request(HttpMethod.Post, $"{ingestA}?key={Uri.EscapeDataString(a.Key)}&code={Uri.EscapeDataString(a.Key)}", null, Utf8(Update().ToJsonString()))),
            ("the key in X-Api-Key", () => Headers(("X-Api-Key", a.Key))),
            ("the secret as a Bearer key", () => Request(HttpMethod.Post, ingestA, a.Secret, Utf8(Update().ToJsonString()))),
        };
        foreach (var (name, request) in cases)
        {
            yield return Case(Credentials, name, IngestRoute, request, expect401);
        }

        // A header twice (HttpClient folds the values onto one line, so these go raw): only the first could have been
        // verified, so neither is taken.
        foreach (var (header, value) in new[] { ("webhook-id", "msg_other"), ("webhook-timestamp", "1700000000"), ("webhook-signature", "v1," + Convert.ToBase64String(new byte[32])) })
        {
            var body = Utf8(Update("RAW-SIGNED").ToJsonString());
            var id = "msg_" + Guid.NewGuid().ToString("N");
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var signature = Mellanrum.Hub.Ingest.SignatureVerifier.Sign(id, timestamp, body, Mellanrum.Hub.Foundation.Credentials.SecretBytes(a.Secret));
            yield return Raw(Credentials, $"{header} twice, the signed one first", IngestRoute,
                $"POST {ingestA} HTTP/1.1\r\n{Host}webhook-id: {id}\r\nwebhook-timestamp: {timestamp}\r\nwebhook-signature: {signature}\r\n{header}: {value}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n",
                new RawHttp.Writing(body), expect401);
        }

        // Two Authorization headers (HttpClient folds them into one): neither is taken.
        yield return Raw(Credentials, "Authorization twice (the right key and a wrong one)", IngestRoute,
            $"POST {ingestA} HTTP/1.1\r\n{Host}Authorization: Bearer mhk_wrong\r\nAuthorization: Bearer {a.Key}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}", null, expect401);

        // What the contract answers with 200, not a 4xx: the source itself sending a webhook-id again, signed, with another
        // body, is a duplicate of the first update, which stays as it was.
        string? SameFirstUpdate(Answer answer)
        {
            using var json = JsonDocument.Parse(answer.Body);
            return json.RootElement.GetProperty("id").GetString() == world.ReplayedUpdateId && json.RootElement.GetProperty("duplicate").GetBoolean()
                ? null
                : $"not the first update ({world.ReplayedUpdateId}) as a duplicate: {answer.Body}";
        }

        yield return Case(Credentials, "the replayed webhook-id, signed, with another body (contract: 200 duplicate)", IngestRoute,
            () => Signed(a.Secret, Update("REPLAY-SIGNED-AGAIN").ToJsonString(), world.ReplayedWebhookId), Expect.Status(200).And(SameFirstUpdate));
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static HttpRequestMessage Without(HttpRequestMessage request, string name)
    {
        request.Headers.Remove(name);
        return request;
    }

    // ---- paths, headers, HTTP itself --------------------------------------------------------------------------------

    /// <summary>A real value for a route's segment, so that a trick in one segment reaches the function.</summary>
    private string ValueOf(HttpRoute route, string segment) => segment switch
    {
        "sourceId" => world.A.Id,
        "partnerId" => world.PartnerId,
        "id" when route.Template.StartsWith("api/v1/updates/", StringComparison.Ordinal) => world.UpdateId,
        "id" => world.CollaborationId,
        "month" => "2026-01",
        "kind" => "keys",
        "credentialId" => world.KeyCredentialId,
        "rejectionId" => world.RejectionId,
        "organisation" => "0182",
        _ => "hostile",
    };

    private IEnumerable<HostileCase> PathTrickCases()
    {
        foreach (var route in routes)
        {
            var method = new HttpMethod(route.Methods[0]);
            // What a client of the route sends: a JSON body where the operation takes one (adding a member takes none).
            var body = method == HttpMethod.Get || method == HttpMethod.Delete || !TakesBody(route.Function) ? null : Utf8("{}");
            foreach (var segment in route.Segments)
            {
                foreach (var trick in SegmentTricks)
                {
                    var path = route.Path(s => ValueOf(route, s), segment, trick);
                    yield return new(PathTricks, $"{route.Function} {{{segment}}} = {Describe(trick)}", route.Template,
                        new HostileSend.Client(() => Request(method, path, world.AdminKey, body), Validated: !ServerRewrites(trick)), Expect.Any4xx);
                }

                foreach (var trick in RawSegmentTricks)
                {
                    var path = route.Path(s => ValueOf(route, s), segment, trick);
                    var head = $"{route.Methods[0]} {path} HTTP/1.1\r\n{Host}Authorization: Bearer {world.AdminKey}\r\n" + (body is null ? "\r\n" : "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
                    yield return Raw(PathTricks, $"{route.Function} {{{segment}}} = raw {Describe(trick)}", route.Template, head, null, Expect.Any4xx);
                }
            }

            if (route.Segments.Count == 0)
            {
                foreach (var suffix in new[] { "/..%2F..%2Fadmin%2Faudit", "/%2e%2e/admin/audit", "%00", "/x", ";jsessionid=1", "/%C3%A5" })
                {
                    var path = "/" + route.Template + suffix;
                    yield return new(PathTricks, $"{route.Function} + {Describe(suffix)}", route.Template, new HostileSend.Client(() => Request(method, path, null, body), Validated: false), Expect.Any4xx);
                }
            }
        }
    }

    private IEnumerable<HostileCase> HeaderInjectionCases()
    {
        var inject = Expect.Any4xx.And(NothingInjected);
        var ingest = $"/api/v1/sources/{world.A.Id}/updates";
        yield return Case(HeaderInjection, "CR LF and a header in the path", "api/v1/updates/{id}", () => Request(HttpMethod.Get, "/api/v1/updates/a%0D%0AX-Injected:%201%0D%0ASet-Cookie:%20a=b", null), inject);
        yield return Case(HeaderInjection, "CR LF and a header in a query value", "api/v1/collaborations", () => Request(HttpMethod.Get, "/api/v1/collaborations?area=x%0D%0AX-Injected:%201", null), inject);
        yield return Case(HeaderInjection, "CR LF in a month", "api/v1/admin/digests/{month}/send", () => Request(HttpMethod.Post, "/api/v1/admin/digests/2026-01%0D%0AX-Injected:%201/send", world.AdminKey, []), inject);
        foreach (var (name, header) in new[]
                 {
                     ("a bare CR in a header value", "X-Note: a\rX-Injected: 1\r\n"),
                     ("a NUL in a header value", "X-Note: a\0b\r\n"),
                     ("a NUL in the Authorization header", $"Authorization: Bearer {world.A.Key}\0\r\n"),
                     ("obsolete line folding", "X-Note: first\r\n X-Injected: 1\r\n"),
                     ("obsolete line folding of Authorization", $"Authorization: Bearer\r\n {world.A.Key}\r\n"),
                     ("a tab-folded webhook-id", "webhook-id: msg_1\r\n\tX-Injected: 1\r\n"),
                     ("a space in a header name", "X Injected: 1\r\n"),
                     ("a space before the colon", "X-Injected : 1\r\n"),
                     ("an empty header name", ": 1\r\n"),
                     ("a header line without a colon", "X-Injected\r\n"),
                     ("bytes that are not ASCII in a value", "X-Note: \u00ff\u00fe\r\n"),
                     ("a NUL in a header name", "X-In\0jected: 1\r\n"),
                 })
        {
            yield return Raw(HeaderInjection, name, IngestRoute, $"POST {ingest} HTTP/1.1\r\n{Host}{header}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}", null, Expect.Status(400).And(NothingInjected));
        }

        // What Kestrel lets through (a DEL in a name, UTF-8 in a value) reaches the hub as a header of no meaning: here a
        // post without credentials, so a 401, and nothing of it in the answer.
        foreach (var (name, header) in new[] { ("a DEL in a header name", "X-In\u007fjected: 1\r\n"), ("raw UTF-8 in a value", "X-Injected-Note: \u00c3\u00a5\r\n") })
        {
            yield return Raw(HeaderInjection, name, IngestRoute, $"POST {ingest} HTTP/1.1\r\n{Host}{header}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}", null, Expect.Status(401).And(NothingInjected));
        }
    }

    private IEnumerable<HostileCase> MalformedHttpCases()
    {
        const string Route = "(server)";
        var bad = Expect.Status(400);
        foreach (var (name, head, expect) in new (string, string, Expect)[]
                 {
                     ("a NUL in the path", "GET /api/v1/he\0alth HTTP/1.1\r\n{host}\r\n", bad),
                     ("a percent-encoded NUL in the path", "GET /api/v1/health%00 HTTP/1.1\r\n{host}\r\n", bad),
                     ("bytes that are not UTF-8 in the path", "GET /api/v1/updates/\u00ff\u00fe HTTP/1.1\r\n{host}\r\n", bad),
                     ("raw UTF-8 in the path", "GET /api/v1/collaborations/s\u00c3\u00b6dert\u00c3\u00b6rn HTTP/1.1\r\n{host}\r\n", bad),
                     ("HTTP/1.2", "GET /api/v1/health HTTP/1.2\r\n{host}\r\n", bad),
                     ("HTTP/2.0 in text", "GET /api/v1/health HTTP/2.0\r\n{host}\r\n", bad),
                     ("HTTP/3.0 in text", "GET /api/v1/health HTTP/3.0\r\n{host}\r\n", bad),
                     ("a lowercase http/1.1", "GET /api/v1/health http/1.1\r\n{host}\r\n", bad),
                     ("HTTP/1 without a minor version", "GET /api/v1/health HTTP/1\r\n{host}\r\n", bad),
                     ("no HTTP version (HTTP/0.9)", "GET /api/v1/health\r\n\r\n", bad),
                     ("a line of garbage", "GARBAGE\r\n\r\n", bad),
                     ("a TLS ClientHello on the plain port", "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003" + new string('\u0042', 32), bad),
                     ("a method with an '@'", "G@T /api/v1/health HTTP/1.1\r\n{host}\r\n", bad),
                     ("a request target without a '/'", "GET api/v1/health HTTP/1.1\r\n{host}\r\n", bad),
                     ("an absolute target naming another host", "GET http://evil.example/api/v1/health HTTP/1.1\r\n{host}\r\n", bad),
                     ("no Host header", "GET /api/v1/health HTTP/1.1\r\n\r\n", bad),
                     ("two Host headers", "GET /api/v1/health HTTP/1.1\r\n{host}{host}\r\n", bad),
                     ("a Host with a path", "GET /api/v1/health HTTP/1.1\r\nHost: evil.example/x\r\n\r\n", bad),
                     ("CONNECT to an authority", "CONNECT 127.0.0.1:22 HTTP/1.1\r\n{host}\r\n", bad),
                     ("two spaces in the request line", "GET  /api/v1/health HTTP/1.1\r\n{host}\r\n", bad),
                     ("a space in the path", "GET /api/v1/hea lth HTTP/1.1\r\n{host}\r\n", bad),
                     ("a request line of 10 KiB", "GET /api/v1/updates/" + new string('a', 10 * 1024) + " HTTP/1.1\r\n{host}\r\n", Expect.Status(414)),
                     ("200 headers", "GET /api/v1/health HTTP/1.1\r\n{host}" + string.Concat(Enumerable.Range(0, 200).Select(i => $"X-H{i}: a\r\n")) + "\r\n", Expect.Status(431)),
                     ("one header of 40 KiB", "GET /api/v1/health HTTP/1.1\r\n{host}X-Big: " + new string('a', 40 * 1024) + "\r\n\r\n", Expect.Status(431)),
                     ("an Authorization header of 40 KiB", "GET /api/v1/admin/audit HTTP/1.1\r\n{host}Authorization: Bearer " + new string('a', 40 * 1024) + "\r\n\r\n", Expect.Status(431)),
                     ("OPTIONS *", "OPTIONS * HTTP/1.1\r\n{host}\r\n", Expect.Status(404)),
                 })
        {
            yield return Raw(MalformedHttp, name, Route, head.Replace("{host}", Host, StringComparison.Ordinal), null, expect);
        }
    }

    private IEnumerable<HostileCase> FramingCases()
    {
        var ingest = $"POST /api/v1/sources/{world.A.Id}/updates HTTP/1.1\r\n{Host}Authorization: Bearer {world.A.Key}\r\nContent-Type: application/json\r\n";
        var admin = $"PUT /api/v1/admin/sources/hostile-never-registered HTTP/1.1\r\n{Host}Authorization: Bearer {world.AdminKey}\r\nContent-Type: application/json\r\n";
        foreach (var (target, head) in new[] { ("ingest", ingest), ("source", admin) })
        {
            var route = target == "ingest" ? IngestRoute : SourceRoute;
            foreach (var (name, framing, body, expect) in new (string, string, string, Expect)[]
                     {
                         ("two Content-Length headers that differ", "Content-Length: 2\r\nContent-Length: 3\r\n", "{} ", Expect.Status(400)),
                         ("a negative Content-Length", "Content-Length: -1\r\n", "{}", Expect.Status(400)),
                         ("a Content-Length that is not a number", "Content-Length: two\r\n", "{}", Expect.Status(400)),
                         ("a Content-Length past long.MaxValue", "Content-Length: 99999999999999999999999\r\n", "{}", Expect.Status(400)),
                         ("Transfer-Encoding gzip without chunked", "Transfer-Encoding: gzip\r\n", "{}", Expect.Status(400)),
                         ("Transfer-Encoding chunked, then identity", "Transfer-Encoding: chunked, identity\r\n", "{}", Expect.Status(400)),
                         ("a chunk size that is not hex", "Transfer-Encoding: chunked\r\n", "ZZ\r\n{}\r\n0\r\n\r\n", Expect.Status(400)),
                         ("a chunk longer than its size", "Transfer-Encoding: chunked\r\n", "2\r\n{}}}}}\r\n0\r\n\r\n", Expect.Status(400)),
                         ("a chunk size of 2^64", "Transfer-Encoding: chunked\r\n", "10000000000000000\r\n{}\r\n0\r\n\r\n", Expect.Status(400)),
                         // Chunk extensions are legal; a long one is still only a body of "{}" (a 422 for both targets) or refused.
                         ("a chunk extension of 10 KiB", "Transfer-Encoding: chunked\r\n", "2;" + new string('x', 10 * 1024) + "\r\n{}\r\n0\r\n\r\n", Expect.Status(400, 422)),
                         ("Content-Length and chunked together, the body smuggling a request", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nGET /api/v1/admin/audit HTTP/1.1\r\n" + Host + "\r\n", Expect.Status(400)),
                     })
            {
                yield return Raw(Framing, $"{target}: {name}", route, head + framing + "\r\n", new RawHttp.Writing(Bytes(body)), expect);
            }
        }
    }

    private IEnumerable<HostileCase> ContentTypeCases()
    {
        string[] types =
        [
            "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json",
            "application/json; charset=utf-16", "application/json; charset=iso-8859-1", "application/json; charset=\"latin1\"",
            "application/json; charset=utf-8; charset=latin1", "application/jsonx", "application/json-patch+json",
            "application/cloudevents-batch+json", "application/*", "*/*", "json", "a/b/c", "application/json, text/plain", "",
        ];
        foreach (var target in BodyTargets())
        {
            var body = target.Ingest ? (Func<byte[]>)(() => Utf8(Update().ToJsonString())) : () => Utf8("{}");
            foreach (var type in types)
            {
                yield return Body(ContentTypes, $"Content-Type '{type}'", target, body, Expect.Status(415), type);
            }

            yield return Case(ContentTypes, $"{target.Name}: no Content-Type", target.Route, () => Request(target.Method, target.Path, target.Key, body(), null), Expect.Status(415));
            if (!target.Ingest)
            {
                yield return Body(ContentTypes, "Content-Type 'application/cloudevents+json'", target, body, Expect.Status(415), "application/cloudevents+json");
            }

            yield return Raw(ContentTypes, $"{target.Name}: two Content-Type headers", target.Route,
                $"{target.Method.Method} {target.Path} HTTP/1.1\r\n{Host}Authorization: Bearer {target.Key}\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{{}}", null, Expect.Status(400, 415));
        }
    }

    // ---- keys and methods -----------------------------------------------------------------------------------------

    private IEnumerable<(string Name, Action<HttpRequestMessage> Apply)> WrongKeys()
    {
        yield return ("no Authorization", _ => { });
        yield return ("a wrong key", r => r.Headers.Authorization = new("Bearer", "not-the-admin-key"));
        yield return ("the admin key with a character more", r => r.Headers.Authorization = new("Bearer", world.AdminKey + "x"));
        yield return ("the admin key cut short", r => r.Headers.Authorization = new("Bearer", world.AdminKey[..^1]));
        yield return ("the admin key in capitals", r => r.Headers.Authorization = new("Bearer", world.AdminKey.ToUpperInvariant()));
        yield return ("the admin key as Basic", r => r.Headers.Authorization = new("Basic", Convert.ToBase64String(Utf8("admin:" + world.AdminKey))));
        yield return ("the admin key in X-Admin-Key", r => r.Headers.TryAddWithoutValidation("X-Admin-Key", world.AdminKey));
        yield return ("a source's key", r => r.Headers.Authorization = new("Bearer", world.A.Key));
        yield return ("the partner's key", r => r.Headers.Authorization = new("Bearer", world.PartnerKey));
        yield return ("Bearer and nothing", r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer"));
    }

    private IEnumerable<HostileCase> AdminKeyCases()
    {
        var expect = Expect.Status(401).And(a => a.Header("WWW-Authenticate") == "Bearer" ? null : "a 401 without WWW-Authenticate: Bearer");
        foreach (var route in routes.Where(r => r.IsAdmin))
        {
            foreach (var method in route.Methods)
            {
                var path = route.Path(s => ValueOf(route, s));
                foreach (var (name, apply) in WrongKeys())
                {
                    yield return Case(AdminKeys, $"{method} {route.Template}: {name}", route.Template, () =>
                    {
                        var request = Request(new HttpMethod(method), path, null, method is "PUT" or "POST" ? Utf8("{}") : null);
                        apply(request);
                        return request;
                    }, expect);
                }

                yield return Case(AdminKeys, $"{method} {route.Template}: the admin key in the query string", route.Template,
                    () => Request(new HttpMethod(method), $"{path}?code={Uri.EscapeDataString(world.AdminKey)}&key={Uri.EscapeDataString(world.AdminKey)}", null, method is "PUT" or "POST" ? Utf8("{}") : null), expect);
            }
        }
    }

    /// <summary>The routes outside <c>/admin/</c> that take a key: a source's, a member's or a partner's.</summary>
    private IEnumerable<HostileCase> OtherKeyCases()
    {
        var keyed = new Dictionary<string, (string[] Keys, int[] Statuses)>
        {
            ["api/v1/sources/{sourceId}/rejections"] = ([world.B.Key, world.PartnerKey, world.Revoked.Key, "mhk_wrong", string.Empty], [401]),
            ["api/v1/sources/{sourceId}/rejections/{rejectionId}/retry"] = ([world.B.Key, world.PartnerKey, world.Revoked.Key, "mhk_wrong", string.Empty], [401]),
            ["api/v1/partners/{partnerId}/digests/{month}"] = ([world.A.Key, world.B.Key, "mhk_wrong", string.Empty], [401]),
            // Source B is a source, but not a member: 403; the rest are no caller at all: 401.
            ["api/v1/collaborations/{id}"] = ([world.B.Key, world.PartnerKey, world.Revoked.Key, "mhk_wrong", string.Empty], [401, 403]),
            ["api/v1/collaborations/{id}/members/{organisation}"] = ([world.B.Key, world.PartnerKey, world.Revoked.Key, "mhk_wrong", string.Empty], [401, 403]),
        };
        foreach (var route in routes.Where(r => keyed.ContainsKey(r.Template)).DistinctBy(r => r.Template))
        {
            var (keys, statuses) = keyed[route.Template];
            var method = route.Template == CollaborationRoute ? "PUT" : route.Methods[0];
            var path = route.Path(s => ValueOf(route, s));
            foreach (var key in keys)
            {
                var name = key == world.B.Key ? "another source's key" : key == world.PartnerKey ? "the partner's key" : key == world.A.Key ? "a source's key" : key == world.Revoked.Key ? "a revoked key" : key.Length == 0 ? "no key" : "a wrong key";
                yield return Case(OtherKeys, $"{method} {route.Template}: {name}", route.Template, () => Request(new HttpMethod(method), path, key.Length == 0 ? null : key, method is "PUT" or "POST" ? Utf8("{\"name\":\"Kapad\"}") : null), Expect.Status(statuses));
            }
        }
    }

    private IEnumerable<HostileCase> MethodCases()
    {
        foreach (var group in routes.GroupBy(r => r.Template))
        {
            var route = group.First();
            var path = route.Path(s => ValueOf(route, s));
            // Methods of every route the same path matches (a path of one template may also match another's).
            var allowed = routes.Where(r => Matches(r, path)).SelectMany(r => r.Methods).ToHashSet();
            foreach (var method in AllMethods.Where(m => !allowed.Contains(m)))
            {
                var expect = Expect.Status(405).And(a => a.Header("Allow") is { Length: > 0 } ? null : "a 405 without Allow");
                yield return method == "HEAD"
                    ? Raw(Methods, $"HEAD {route.Template}", route.Template, $"HEAD {path} HTTP/1.1\r\n{Host}\r\n", null, expect, headRequest: true)
                    : Case(Methods, $"{method} {route.Template}", route.Template, () => Request(new HttpMethod(method), path, world.AdminKey, method is "POST" or "PUT" or "PATCH" ? Utf8("{}") : null), expect);
            }

            yield return Raw(Methods, $"CONNECT {route.Template}", route.Template, $"CONNECT {path} HTTP/1.1\r\n{Host}\r\n", null, Expect.Status(405));
        }
    }

    private bool Matches(HttpRoute route, string path)
    {
        var template = route.Template.Split('/');
        var parts = path.TrimStart('/').Split('/');
        return template.Length == parts.Length && template.Zip(parts).All(p => p.First.StartsWith('{') || p.First == p.Second);
    }

    private IEnumerable<HostileCase> QueryCases()
    {
        var bad = Expect.Status(400);
        var lists = new (string Route, string Path, string? Key, string[] Queries)[]
        {
            ("api/v1/collaborations", "/api/v1/collaborations", null,
            [
                "limit=100000", "limit=-1", "limit=0", "limit=abc", "limit=1e3", "limit=1.5", "limit=2147483648", "limit=", "limit=+5", "limit=%205",
                "limit=%00", "limit=%D9%A3", "offset=10", "cursor=", "cursor=" + new string('a', 600), "cursor=not-a-cursor", "cursor=%ff%fe", "cursor=" + Uri.EscapeDataString(Convert.ToBase64String(Utf8("{\"a\":1}"))),
                "area=unknown", "area=DIGITALISERING", "status=gone", "form=klubb", "county=99", "county=%00", "member=Atlantis", "participant=0000", "q=" + new string('q', 201),
            ]),
            ("api/v1/collaborations/{id}/updates", $"/api/v1/collaborations/{world.CollaborationId}/updates", null,
                ["limit=100000", "limit=-1", "limit=abc", "offset=0", "cursor=", "cursor=not-a-cursor", "cursor=" + new string('A', 600), "cursor=" + Uri.EscapeDataString(Convert.ToBase64String(Utf8("../../etc/passwd"))).TrimEnd('=')]),
            ("api/v1/sources/{sourceId}/rejections", $"/api/v1/sources/{world.A.Id}/rejections", world.A.Key,
                ["limit=100000", "limit=-1", "limit=abc", "offset=-1", "offset=1000001", "offset=abc", "offset=1e6"]),
            ("api/v1/admin/partners/{partnerId}/deliveries", $"/api/v1/admin/partners/{world.PartnerId}/deliveries", world.AdminKey,
                ["limit=100000", "limit=-1", "limit=abc", "offset=-1", "offset=9999999999"]),
            ("api/v1/admin/audit", "/api/v1/admin/audit", world.AdminKey,
            [
                "from=yesterday", "from=2026-13-45", "to=2026-02-30T25:61:00Z", "from=2026-03-01&to=2026-02-01", "from=2026-03-01&to=2026-03-01",
                "limit=100000", "limit=-1", "offset=5", "cursor=", "cursor=bad", "cursor=" + new string('z', 600), "from=%00",
            ]),
            ("api/v1/partners/{partnerId}/digests/{month}", $"/api/v1/partners/{world.PartnerId}/digests/2026-01", world.AdminKey, ["format=pdf", "format=", "format=HTML", "format=text%00"]),
        };
        foreach (var (route, path, key, queries) in lists)
        {
            foreach (var query in queries)
            {
                yield return Case(QueryTricks, $"{route}?{Describe(query)}", route, () => Request(HttpMethod.Get, $"{path}?{query}", key), bad);
            }
        }

        var replay = $"/api/v1/admin/partners/{world.PartnerId}/deliveries/replay";
        foreach (var query in new[] { string.Empty, "from=2026-01-01T00:00:00Z", "to=2026-01-01T00:00:00Z", "from=x&to=y", "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from=0000-01-01&to=%00", "from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z" })
        {
            yield return Case(QueryTricks, $"replay?{Describe(query)}", "api/v1/admin/partners/{partnerId}/deliveries/replay", () => Request(HttpMethod.Post, $"{replay}?{query}", world.AdminKey, []), bad);
        }
    }

    private IEnumerable<HostileCase> SlowCases()
    {
        var pause = TimeSpan.FromMilliseconds(100);
        var update = Utf8(Update("SLOW").ToJsonString());
        var ingest = $"POST /api/v1/sources/{world.A.Id}/updates HTTP/1.1\r\n{Host}Authorization: Bearer {world.A.Key}\r\nContent-Type: application/json\r\n";
        var timeout = Expect.Status(408);
        yield return Raw(SlowBodies, "ingest: a declared body, a byte every 100 ms", IngestRoute, ingest + $"Content-Length: {update.Length}\r\n\r\n", new RawHttp.Writing(update, pause), timeout);
        yield return Raw(SlowBodies, "ingest: a chunked body, a byte every 100 ms", IngestRoute, ingest + "Transfer-Encoding: chunked\r\n\r\n",
            new RawHttp.Writing([.. Bytes($"{update.Length:x}\r\n"), .. update, .. "\r\n0\r\n\r\n"u8], pause), timeout);
        yield return Raw(SlowBodies, "ingest: 10 bytes of 1,000 declared, then nothing", IngestRoute, ingest + "Content-Length: 1000\r\n\r\n", new RawHttp.Writing(update, StopAfter: 10), timeout);
        yield return Raw(SlowBodies, "ingest: a chunk begun, then nothing", IngestRoute, ingest + "Transfer-Encoding: chunked\r\n\r\n", new RawHttp.Writing(Bytes("400\r\n{\"title\""), StopAfter: 50), timeout);
        var gzipped = Gzip(update);
        yield return Raw(SlowBodies, "ingest: a gzip body, a byte every 100 ms", IngestRoute, ingest + $"Content-Encoding: gzip\r\nContent-Length: {gzipped.Length}\r\n\r\n", new RawHttp.Writing(gzipped, pause), timeout);
        yield return Raw(SlowBodies, "ingest, no key: a declared body, a byte every 100 ms", IngestRoute,
            $"POST /api/v1/sources/{world.A.Id}/updates HTTP/1.1\r\n{Host}Content-Type: application/json\r\nContent-Length: {update.Length}\r\n\r\n", new RawHttp.Writing(update, pause), timeout);
        foreach (var target in BodyTargets().Where(t => !t.Ingest))
        {
            var body = Utf8("{\"organisation\":\"0182\",\"name\":\"" + new string('x', 200) + "\"}");
            yield return Raw(SlowBodies, $"{target.Name}: a declared body, a byte every 100 ms", target.Route,
                $"{target.Method.Method} {target.Path} HTTP/1.1\r\n{Host}Authorization: Bearer {target.Key}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n", new RawHttp.Writing(body, pause), timeout);
        }

        // Headers trickled (slowloris): Kestrel's RequestHeadersTimeout (30 s by default, 5 s in this fixture).
        yield return Raw(SlowBodies, "headers, a byte every 100 ms", "(server)", "GET /api/v1/health HTTP/1.1\r\n", new RawHttp.Writing(Bytes(Host + "X-Slow: " + new string('a', 200) + "\r\n\r\n"), pause), timeout);
        yield return Raw(SlowBodies, "a request line, a byte every 100 ms", "(server)", string.Empty, new RawHttp.Writing(Bytes("GET /api/v1/updates/" + new string('a', 200) + " HTTP/1.1\r\n" + Host + "\r\n"), pause), timeout);
        yield return Raw(SlowBodies, "an admin request's headers, then nothing", "(server)", $"GET /api/v1/admin/audit HTTP/1.1\r\n{Host}Authorization: Bearer {world.AdminKey}\r\n", null, timeout);
    }

    /// <summary>A case's input as a name: control characters shown, long values cut.</summary>
    private static string Describe(string text)
    {
        var shown = string.Concat(text.Select(c => c switch
        {
            '\0' => "\\0",
            '\r' => "\\r",
            '\n' => "\\n",
            '\t' => "\\t",
            < ' ' or '\u007f' => $"\\x{(int)c:x2}",
            _ => c.ToString(),
        }));
        return shown.Length == 0 ? "(empty)" : shown.Length > 60 ? $"{shown[..40]}… ({text.Length} chars)" : shown;
    }
}
