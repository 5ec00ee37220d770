using Mellanrum.Hub.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mellanrum.Hub.Tests.Sources;

public sealed class KeyRingKeyFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mellanrum-kek-" + Guid.NewGuid().ToString("N"));

    private string File => Path.Combine(_folder, "data", "keyring-kek");

    [Fact]
    public void FirstUse_CreatesA32ByteKey_ReadableByItsOwnerOnly_AndTheNextHubReadsTheSameKey()
    {
        var first = new KeyRingKeyFile(File, NullLogger<KeyRingKeyFile>.Instance).Current();
        var second = new KeyRingKeyFile(File, NullLogger<KeyRingKeyFile>.Instance).Current();

        Assert.Equal(32, Convert.FromBase64String(System.IO.File.ReadAllText(File).Trim()).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File));
        }

        Assert.Equal(first.Version, second.Version);
        Assert.Equal("file", first.Source);
        Assert.Equal(16, first.Version.Length);
        Assert.DoesNotContain(Directory.GetFiles(Path.GetDirectoryName(File)!), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ManyHubsAtOnce_AllEndWithOneKey()
    {
        using var start = new Barrier(6);
        var versions = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return new KeyRingKeyFile(File, NullLogger<KeyRingKeyFile>.Instance).Current().Version;
            },
            TaskCreationOptions.LongRunning)));

        Assert.Single(versions.Distinct());
        Assert.Equal(KeyRingKeyFile.Fingerprint(Convert.FromBase64String(System.IO.File.ReadAllText(File).Trim())), versions[0]);
        Assert.DoesNotContain(Directory.GetFiles(Path.GetDirectoryName(File)!), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("c2hvcnQ=")]
    public void DamagedFile_FailsNamingTheFile(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        System.IO.File.WriteAllText(File, content);

        var refused = Assert.Throws<KeyRingException>(() => new KeyRingKeyFile(File, NullLogger<KeyRingKeyFile>.Instance).Current());

        Assert.Contains(File, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileReadableByOthers_IsUsed_WithAWarningThatNamesTheFileNotTheKey()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix mode to check there
        }

        var key = Convert.ToBase64String(Enumerable.Repeat((byte)3, 32).ToArray());
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        System.IO.File.WriteAllText(File, key);
        System.IO.File.SetUnixFileMode(File, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var logger = new ListLogger<KeyRingKeyFile>();

        new KeyRingKeyFile(File, logger).Current();

        var warning = Assert.Single(logger.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains(File, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Lines, l => l.Message.Contains(key, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
