using System.Buffers.Text;
using System.Text;
using Mellanrum.Hub.Collaborations;
using Mellanrum.Hub.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Register;

/// <summary>
/// The public register of collaborations (<c>/samverkan</c>, the map, the open data): only collaborations not marked
/// <c>"public": false</c>, read from <see cref="CollaborationStore"/> into a <see cref="RegisterSnapshot"/> shared by
/// every request. A new snapshot is read when a collaboration changed through this process (that request waits for it,
/// so a collaboration made not public here is gone from the next page) or when it is older than
/// <see cref="RegisterOptions.MaxAge"/> (read in the background; requests meanwhile get the one they have). Only one read
/// runs at a time. A collaboration's own page reads the collaboration itself, so it is never older than the store.
/// </summary>
public sealed class PublicRegister(
    CollaborationStore collaborations,
    CollaborationIndex index,
    UpdateStore updates,
    RegisterDirectory directory,
    IOptions<RegisterOptions> options,
    TimeProvider time,
    ILogger<PublicRegister> logger)
{
    /// <summary>Updates on one page of a collaboration's page.</summary>
    public const int UpdatesPerPage = 20;

    /// <summary>Alike collaborations a page shows.</summary>
    public const int AlikeShown = 5;

    private readonly Lock _gate = new();
    private RegisterSnapshot? _current;
    private Task<RegisterSnapshot>? _reading;
    private long _readingVersion = -1;

    public RegisterOptions Options => options.Value;

    public RegisterDirectory Directory => directory;

    /// <summary>The register as of now: the snapshot, read anew when this process changed a collaboration since.</summary>
    public async Task<RegisterSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        var changes = index.Changes;
        if (current is not null && current.Version == changes)
        {
            if (time.GetUtcNow() - current.BuiltAt > options.Value.MaxAge)
            {
                _ = ReadAsync(changes);
            }

            return current;
        }

        return await ReadAsync(changes).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A collaboration's page: the collaboration as stored now (null when there is none or it is not public), a page of
    /// its updates after <paramref name="cursor"/>, and the collaborations elsewhere that read like it.
    /// </summary>
    public async Task<CollaborationView?> CollaborationAsync(string id, string? cursor, CancellationToken cancellationToken)
    {
        var snapshot = await SnapshotAsync(cancellationToken);
        if (await collaborations.GetAsync(id, cancellationToken) is not { Public: true } collaboration)
        {
            return null;
        }

        var (items, last) = await updates.ListTimelineAsync(id, UpdatesPerPage, cursor is null ? null : ReadCursor(cursor), cancellationToken);
        return new CollaborationView(
            RegisterEntry.Of(collaboration, directory),
            [.. items.Select(u => new RegisterUpdate(u, directory.Of(u.Organisation)))],
            last is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(last)),
            snapshot.AlikeElsewhere(id, AlikeShown));
    }

    /// <summary>
    /// An organisation's page by its kommunkod or organisationsnummer (a name or another form of the number leads to its
    /// id): a municipality always has one; any other organisation when it takes part in a public collaboration.
    /// </summary>
    public async Task<OrganisationLookup> OrganisationAsync(string named, CancellationToken cancellationToken)
    {
        if (!directory.Registry.TryResolve(named, out var organisation))
        {
            return new OrganisationLookup.NotFound();
        }

        if (organisation != named)
        {
            return new OrganisationLookup.Elsewhere(organisation);
        }

        var snapshot = await SnapshotAsync(cancellationToken);
        var own = snapshot.MemberOf(organisation);
        var found = directory.Of(organisation);
        return own.Count == 0 && !found.IsMunicipality
            ? new OrganisationLookup.NotFound()
            : new OrganisationLookup.Found(new OrganisationView(found, own, snapshot.PartnersOf(organisation), snapshot.AlikeElsewhereFor(organisation, AlikeShown)));
    }

    /// <summary>Whether <paramref name="cursor"/> is one a collaboration's page gave (a timeline key, Base64url).</summary>
    public static bool IsCursor(string? cursor) => cursor is { Length: > 0 and <= 200 } && ReadCursor(cursor) is not null;

    private static string? ReadCursor(string cursor)
    {
        try
        {
            var after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return after.Length is > 20 and < 120 && after.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? after : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// A read of the register that began at change count <paramref name="changes"/> or later: the one running, if it did,
    /// else a new one (after the one running, so that one read runs at a time).
    /// </summary>
    private Task<RegisterSnapshot> ReadAsync(long changes)
    {
        lock (_gate)
        {
            var running = _reading is { IsCompleted: false } reading ? reading : null;
            if (running is not null && _readingVersion >= changes)
            {
                return running;
            }

            _reading = running is null
                ? Task.Run(BuildAsync)
                : running.ContinueWith(_ => BuildAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            _readingVersion = changes;
            return _reading;
        }
    }

    private async Task<RegisterSnapshot> BuildAsync()
    {
        // The count is taken before reading: a change while reading leaves this snapshot older than the count, so the
        // next request reads again.
        var version = index.Changes;
        var started = time.GetUtcNow();
        try
        {
            var entries = new List<RegisterEntry>();
            await foreach (var collaboration in collaborations.AllAsync(CancellationToken.None))
            {
                if (collaboration.Public)
                {
                    entries.Add(RegisterEntry.Of(collaboration, directory));
                }
            }

            var snapshot = new RegisterSnapshot(entries, version, started);
            lock (_gate)
            {
                if (_current is null || _current.Version <= version)
                {
                    _current = snapshot;
                }
            }

            logger.LogInformation("Read the public register: {Collaborations} collaborations in {Milliseconds} ms", entries.Count, (time.GetUtcNow() - started).TotalMilliseconds);
            return snapshot;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not read the public register");
            throw;
        }
    }
}
