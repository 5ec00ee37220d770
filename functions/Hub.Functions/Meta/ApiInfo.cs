namespace Mellanrum.Hub.Functions.Meta;

/// <summary>What <c>GET /api/v1/api-info</c> answers (DIGG's API profile asks for it).</summary>
public sealed record ApiInfo(string ApiName, string ApiVersion, string ApiReleased, string ApiDocumentation, string ApiStatus, string Description)
{
    public static readonly ApiInfo Current = new(
        "mellanrum-hub",
        "1.0.0",
        "2026-11-30",
        "/api/v1/openapi",
        "active",
        "Mellanrum: the samverkan integration hub for Swedish municipalities.");
}

/// <summary>What <c>GET /api/v1/health</c> answers when storage is reachable.</summary>
public sealed record HealthAnswer(string Status, string Storage);
