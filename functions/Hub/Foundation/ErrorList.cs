namespace Mellanrum.Hub.Foundation;

/// <summary>
/// Collects the <see cref="InvalidParameter"/>s of a 422, in the order they are found. The same property for the same
/// reason is listed once (the first value is kept). At most <see cref="Problem.MaxListedParameters"/> are kept; the rest
/// are only counted (<see cref="Omitted"/>), so a hostile body of a million bad items costs no more memory than fifty.
/// Nothing is allocated beyond this object until the first error, so the success path stays cheap.
/// </summary>
public sealed class ErrorList
{
    private List<InvalidParameter>? _errors;

    /// <summary>True while nothing has been added.</summary>
    public bool IsEmpty => _errors is null;

    /// <summary>How many failing fields were found beyond the ones kept.</summary>
    public int Omitted { get; private set; }

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

        if (_errors.Count >= Problem.MaxListedParameters)
        {
            Omitted++;
            return;
        }

        _errors.Add(new InvalidParameter(property, reason, value));
    }

    /// <summary>Adds each of <paramref name="errors"/> and counts <paramref name="omitted"/> more.</summary>
    public void AddRange(IEnumerable<InvalidParameter> errors, int omitted = 0)
    {
        foreach (var error in errors)
        {
            Add(error.Property, error.Reason, error.Value);
        }

        Omitted += omitted;
    }

    /// <summary>Every error added so far, in order; an empty list when there is none. A view, not a copy.</summary>
    public IReadOnlyList<InvalidParameter> ToReadOnlyList() => _errors is null ? [] : _errors;
}
