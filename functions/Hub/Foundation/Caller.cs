namespace Mellanrum.Hub.Foundation;

/// <summary>Who asks: the operator (admin key), a source (its own key: its id and organisation), a partner on its partner page, or nobody in particular.</summary>
public abstract record Caller
{
    public static readonly Caller Anonymous = new AnonymousCaller();

    public static readonly Caller Admin = new AdminCaller("admin");

    /// <summary>The operator, with the admin key (named by <paramref name="KeyId"/>, never the key).</summary>
    public sealed record AdminCaller(string KeyId) : Caller;

    /// <summary>A registered source, identified by its own key (<paramref name="KeyId"/>); it speaks for <paramref name="SourceOrganisation"/>.</summary>
    public sealed record SourceCaller(string SourceId, string SourceOrganisation, string KeyId = "") : Caller;

    /// <summary>A partner signed in to its partner page: the session (named by <paramref name="SessionId"/>, never its cookie).</summary>
    public sealed record PortalCaller(string SessionId, string PartnerId) : Caller;

    /// <summary>No key (or one that matched nothing).</summary>
    public sealed record AnonymousCaller : Caller;

    public bool IsAdmin => this is AdminCaller;

    /// <summary>Who acted, as the audit log names it: the key's id, never the key.</summary>
    public string Actor => this switch
    {
        AdminCaller a => $"admin:{a.KeyId}",
        SourceCaller s => $"source:{s.SourceId}:{s.KeyId}",
        PortalCaller p => $"portal:{p.SessionId}",
        _ => "anonymous",
    };

    /// <summary>The organisation a source caller speaks for; null for the admin and anonymous.</summary>
    public string? Organisation => (this as SourceCaller)?.SourceOrganisation;
}
