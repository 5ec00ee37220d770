using Mellanrum.Hub.Updates;

namespace Mellanrum.Hub.Normalisation;

/// <summary>Either a canonical update or every error found, never both.</summary>
public sealed record NormalisationResult(CanonicalUpdate? Update, IReadOnlyList<InvalidParameter> Errors, int OmittedErrors = 0)
{
    public bool IsValid => Update is not null && Errors.Count == 0;

    public static NormalisationResult Success(CanonicalUpdate update) => new(update, []);

    public static NormalisationResult Failure(IReadOnlyList<InvalidParameter> errors, int omitted = 0) => new(null, errors, omitted);
}
