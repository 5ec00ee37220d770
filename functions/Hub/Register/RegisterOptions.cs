using System.ComponentModel.DataAnnotations;

namespace Mellanrum.Hub.Register;

/// <summary>Configuration <c>Hub:Register</c>: the public register and its open data.</summary>
public sealed class RegisterOptions
{
    public const string Section = "Hub:Register";

    /// <summary>
    /// How old the register a page or an export is read from may grow before it is read again (in the background). A
    /// change made through this instance is seen at the next request; one made through another instance within this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Collaborations per page of <c>/samverkan</c>.</summary>
    [Range(5, 100)]
    public int PageSize { get; set; } = 20;

    /// <summary>Who publishes the register (the catalogue's and dataset's <c>dcterms:publisher</c>).</summary>
    [Required]
    public string Publisher { get; set; } = "Mellanrum";

    /// <summary>The publisher's organisationsnummer; with it, the publisher is named by its dataportal.se URI.</summary>
    public string? PublisherOrganisationsnummer { get; set; }

    /// <summary>Where questions about the data go (the dataset's <c>dcat:contactPoint</c>).</summary>
    [Required]
    [EmailAddress]
    public string ContactEmail { get; set; } = "register@mellanrum.se";
}
