namespace Mellanrum.Hub.Collaborations;

/// <summary>
/// The body of <c>PUT /api/v1/collaborations/{id}</c>: the fields to set (absent fields stay as they are; on creation,
/// <c>name</c> is required and an admin names the <c>owner</c>).
/// </summary>
public sealed record CollaborationChange(
    string? Name = null,
    string? Description = null,
    string? Form = null,
    string? Status = null,
    string? Area = null,
    bool? Public = null,
    string? Owner = null);
