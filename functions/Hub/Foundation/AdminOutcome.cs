namespace Mellanrum.Hub.Foundation;

/// <summary>What an administrative change came to: created, updated, refused with every failing field, or nothing to change.</summary>
public abstract record AdminOutcome<T>
{
    public sealed record Created(T Value) : AdminOutcome<T>;

    public sealed record Updated(T Value) : AdminOutcome<T>;

    public sealed record Invalid(IReadOnlyList<InvalidParameter> Errors) : AdminOutcome<T>;

    public sealed record NotFound : AdminOutcome<T>;
}
