namespace Mellanrum.Hub.Normalisation;

/// <summary>Who sent the payload and how their format reads.</summary>
public sealed record NormalisationContext(string SourceId, string Organisation, MappingProfile? Profile, DateTimeOffset Now);
