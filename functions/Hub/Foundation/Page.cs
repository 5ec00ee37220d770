namespace Mellanrum.Hub.Foundation;

/// <summary>A page of a list answer.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Limit, int Offset, int? Total = null);

/// <summary>A page of a list that can grow without bound: the items, and the cursor of the next page (null at the end).</summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, int Limit, string? NextCursor);
