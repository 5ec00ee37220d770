namespace Mellanrum.Hub.Foundation;

/// <summary>Who asks: the operator (admin key), a source (its own key: its id and organisation), or nobody in particular.</summary>
public abstract record Caller
{
    public static readonly Caller Anonymous = new AnonymousCaller();

    public static readonly Caller Admin = new AdminCaller();

    /// <summary>The operator, with the admin key.</summary>
    public sealed record AdminCaller : Caller;

    /// <summary>A registered source, identified by its own key; it speaks for <paramref name="SourceOrganisation"/>.</summary>
    public sealed record SourceCaller(string SourceId, string SourceOrganisation) : Caller;

    /// <summary>No key (or one that matched nothing).</summary>
    public sealed record AnonymousCaller : Caller;

    public bool IsAdmin => this is AdminCaller;

    /// <summary>The organisation a source caller speaks for; null for the admin and anonymous.</summary>
    public string? Organisation => (this as SourceCaller)?.SourceOrganisation;
}
