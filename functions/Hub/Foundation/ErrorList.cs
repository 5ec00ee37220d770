namespace Mellanrum.Hub.Foundation;

/// <summary>
/// Collects the <see cref="InvalidParameter"/>s of a 422, in the order they are found. The same property for the same
/// reason is listed once (the first value is kept). Nothing is allocated beyond this object until the first error, so
/// the success path stays cheap.
/// </summary>
public sealed class ErrorList
{
    private List<InvalidParameter>? _errors;

    /// <summary>True while nothing has been added.</summary>
    public bool IsEmpty => _errors is null;

    /// <summary>Adds a failing property, unless it is already listed for the same reason.</summary>
    public void Add(string property, string reason, string? value = null)
    {
        if (_errors is null)
        {
            _errors = [];
        }
        else
        {
            foreach (var existing in _errors)
            {
                if (existing.Property == property && existing.Reason == reason)
                {
                    return;
                }
            }
        }

        _errors.Add(new InvalidParameter(property, reason, value));
    }

    /// <summary>Every error added so far, in order; an empty list when there is none. A view, not a copy.</summary>
    public IReadOnlyList<InvalidParameter> ToReadOnlyList() => _errors is null ? [] : _errors;
}
