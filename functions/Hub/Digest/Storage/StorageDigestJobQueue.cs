namespace Mellanrum.Hub.Digest.Storage;

/// <summary>The <c>digests</c> storage queue (its name from <c>HubDigestsQueue</c>).</summary>
public sealed class StorageDigestJobQueue(HubStorage storage) : IDigestJobQueue
{
    public async Task EnqueueAsync(DigestJob job, TimeSpan? delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queue = await storage.QueueAsync(HubStorage.DigestsQueue, cancellationToken);
        await queue.SendMessageAsync(job.ToJson(), visibilityTimeout: delay, cancellationToken: cancellationToken);
    }
}
