using Mellanrum.Hub.Digest;
using Mellanrum.Hub.Organisations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mellanrum.Hub.Tests.Digest;

/// <summary>
/// The digest's runner over in-memory storage and queue, with the queue host played in process: a message whose job
/// throws is delivered again (up to five times, then to the poison handler), a delayed one once its wait has passed.
/// </summary>
public sealed class DigestHarness
{
    public const int MaxDequeueCount = 5;

    public DigestHarness(IDigestMailer mailer, InMemoryDigestSource? source = null, InMemoryDigestLedger? ledger = null, FakeTimeProvider? time = null, string from = "Mellanrum Hubb <digest@mellanrum.example>")
    {
        Source = source ?? DigestSeed.Source();
        Ledger = ledger ?? new InMemoryDigestLedger();
        Time = time ?? new FakeTimeProvider(DateTimeOffset.Parse("2026-04-01T05:00:10Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = Options.Create(new DigestOptions { BaseUrl = "https://hub.example.se", CutoffGrace = TimeSpan.Zero, PartnersPerJob = 2 });
        var months = new DigestMonths(Source, Runs, new DigestCarryOver(Source, Ledger, NullLogger<DigestCarryOver>.Instance), options, Time, NullLogger<DigestMonths>.Instance);
        Months = months;
        Runner = new DigestRunner(
            Source, Ledger, mailer, new DigestComposer(OrganisationRegistry.Shared), new DigestRenderer(options), months, Runs, Jobs, options,
            Options.Create(new SmtpOptions { From = from }), Time, NullLogger<DigestRunner>.Instance);
    }

    public InMemoryDigestSource Source { get; }

    public InMemoryDigestLedger Ledger { get; }

    public InMemoryDigestRunStore Runs { get; } = new();

    public InMemoryDigestJobQueue Jobs { get; } = new();

    public FakeTimeProvider Time { get; }

    public DigestMonths Months { get; }

    public DigestRunner Runner { get; }

    /// <summary>Messages that failed every attempt (and went to the poison handler).</summary>
    public List<string> Poisoned { get; } = [];

    /// <summary>Starts a run of the month and runs its jobs to the end; answers its progress.</summary>
    public async Task<DigestRunView> RunAsync(DigestMonth month, CancellationToken cancellationToken = default)
    {
        Time.Advance(TimeSpan.FromSeconds(1));
        var run = await Runner.StartAsync(month, "admin", cancellationToken) ?? throw new InvalidOperationException($"{month} has not ended.");
        await DrainAsync(cancellationToken);
        return (await Runner.ProgressAsync(month, cancellationToken))!;
    }

    /// <summary>Runs every queued job (and what they queue) as the Functions host would.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (Jobs.TryTake(out var message, out var delay))
        {
            if (delay is { } wait)
            {
                Time.Advance(wait);
            }

            try
            {
                await Runner.ProcessAsync(message, cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                attempts[message] = attempts.GetValueOrDefault(message) + 1;
                if (attempts[message] >= MaxDequeueCount)
                {
                    Poisoned.Add(message);
                    await Runner.FailedAsync(message, cancellationToken);
                }
                else
                {
                    await Jobs.EnqueueAsync(DigestJob.Parse(message)!, null, cancellationToken);
                }
            }
        }
    }
}
