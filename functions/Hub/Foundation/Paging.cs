namespace Mellanrum.Hub.Foundation;

/// <summary><c>limit</c>/<c>offset</c> paging as the national API profile has it: default limit 20, at most 100.</summary>
public readonly record struct Paging(int Limit, int Offset)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
}
