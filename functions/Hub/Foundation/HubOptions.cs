using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Foundation;

/// <summary>The hub-wide settings of the <c>Hub</c> section, bound and validated at start; each feature binds its own sub-section.</summary>
public sealed class HubOptions
{
    public const string Section = "Hub";

    /// <summary>The operator's key for <c>/api/v1/admin/*</c> and any source's rejections.</summary>
    [Required]
    [MinLength(16)]
    public string AdminKey { get; set; } = string.Empty;

    /// <summary>The public base URL used in links (digest e-mails); Location headers stay relative.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>Prefix of every table name, so several hubs (or test runs) can share one account.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$")]
    public string TablePrefix { get; set; } = "hub";
}
