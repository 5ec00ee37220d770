namespace Mellanrum.Hub.Digest;

/// <summary>What <c>POST /api/v1/admin/digests/{yyyy-MM}/send</c> answers: the run's counts.</summary>
public sealed record DigestSendAnswer(
    string Month,
    int Partners,
    int Digests,
    int Sent,
    int Skipped,
    int Failed,
    int Uncertain,
    int InvalidRecipients)
{
    public static DigestSendAnswer Of(DigestRunResult run) => new(
        run.Month.ToString(), run.Partners, run.Digests, run.Sent, run.AlreadySent, run.Retryable + run.Rejected, run.Uncertain, run.InvalidRecipients);
}
