using System.Diagnostics.Metrics;

namespace Mellanrum.Hub.Foundation;

/// <summary>The hub's meter (<c>Mellanrum.Hub</c>) and the instruments every layer may record to.</summary>
public static class HubMetrics
{
    public const string MeterName = "Mellanrum.Hub";

    public static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>
    /// Work spent checking credentials, by <c>operation</c> (<c>hmac</c>, <c>key-compare</c>, <c>unprotect</c>): an
    /// unknown source costs the same as a known one with a wrong credential, which this makes visible.
    /// </summary>
    public static readonly Counter<long> CredentialOperations =
        Meter.CreateCounter<long>("hub.credential.operations", "{operation}", "Credential checks done to authenticate requests.");
}
