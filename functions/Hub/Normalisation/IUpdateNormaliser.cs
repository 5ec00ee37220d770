using System.Text.Json;

namespace Mellanrum.Hub.Normalisation;

/// <summary>Any accepted update shape in, one canonical update (or every error) out. Pure: no I/O.</summary>
public interface IUpdateNormaliser
{
    NormalisationResult Normalise(JsonElement payload, NormalisationContext context);
}
