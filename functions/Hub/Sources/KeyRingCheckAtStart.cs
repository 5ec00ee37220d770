using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// At start: reads the KEK (from Key Vault with the app's identity, or the key file) and the whole key ring through
/// <see cref="KeyRingRepository"/>. A KEK that is missing, unreadable or wrong stops the host with a
/// <see cref="KeyRingException"/> that says what to fix; anything passing (storage or the vault not reachable yet) is
/// logged, and the ring is read, and checked, when first needed. Without a KEK: one warning.
/// </summary>
public sealed partial class KeyRingCheckAtStart(KeyRingKeks keks, IOptions<KeyManagementOptions> keyManagement, ILogger<KeyRingCheckAtStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!keks.IsConfigured)
        {
            LogUnencrypted(logger);
        }

        try
        {
            await keks.LoadAsync(cancellationToken).ConfigureAwait(false);
            var repository = keyManagement.Value.XmlRepository ?? throw new InvalidOperationException("Data Protection has no key ring repository.");
            var elements = await Task.Run(repository.GetAllElements, cancellationToken).ConfigureAwait(false);
            var (total, encrypted) = KeyRingRepository.Count(elements);
            if (keks.IsConfigured)
            {
                LogChecked(logger, total, encrypted, keks.Current().ToString());
            }
        }
        catch (KeyRingException e)
        {
            LogRefused(logger, e.Message);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogNotChecked(logger, e.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Data Protection key ring, which protects every whsec_ secret, is stored unencrypted beside them: set Hub:DataProtection:KeyVaultUri (Azure) or Hub:DataProtection:KeyFile (docs/security.md)")]
    private static partial void LogUnencrypted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key ring read at start: {Total} key(s), {Encrypted} of them encrypted; new keys are encrypted with KEK {Kek}")]
    private static partial void LogChecked(ILogger logger, int total, int encrypted, string kek);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The hub does not start: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the key ring at start ({Error}); it is read, and checked, when first needed")]
    private static partial void LogNotChecked(ILogger logger, string error);
}
