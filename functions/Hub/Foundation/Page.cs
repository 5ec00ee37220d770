namespace Mellanrum.Hub.Foundation;

/// <summary>A page of a list answer.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Limit, int Offset, int? Total = null);
