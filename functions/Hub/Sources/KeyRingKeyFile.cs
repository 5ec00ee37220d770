using System.Security.AccessControl;
using System.Security.Cryptography;
using System.Security.Principal;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Mellanrum.Hub.Sources;

/// <summary>
/// The KEK on one machine (Hub.Local, tests): a file holding 32 random bytes (base64), created on first use with
/// permissions for its owner only (mode 0600 on Linux and macOS, an ACL of the owner alone on Windows). Its version is
/// a fingerprint of the key, so an element names the file key it needs without revealing it. Never in storage: keep
/// it out of backups of the Azurite data, or at least apart from them.
/// </summary>
public sealed partial class KeyRingKeyFile(string path, ILogger<KeyRingKeyFile> logger) : IKeyEncryptionKeySource
{
    public const string SourceName = "file";

    private readonly Lock _gate = new();
    private KeyEncryptionKey? _key;

    public string Name => SourceName;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public Task LoadAsync(CancellationToken cancellationToken)
    {
        Current();
        return Task.CompletedTask;
    }

    public KeyEncryptionKey Current()
    {
        lock (_gate)
        {
            return _key ??= Load();
        }
    }

    public KeyEncryptionKey? Find(string version) => Current() is { } key && key.Version == version ? key : null;

    /// <summary>The version a key has: the first 8 bytes of SHA-256 over a label and the key, in hex.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> key)
    {
        var label = "mellanrum-hub keyring kek fingerprint\n"u8;
        var input = new byte[label.Length + key.Length];
        label.CopyTo(input);
        key.CopyTo(input.AsSpan(label.Length));
        var hash = SHA256.HashData(input);
        CryptographicOperations.ZeroMemory(input);
        return Convert.ToHexStringLower(hash, 0, 8);
    }

    private KeyEncryptionKey Load()
    {
        if (!File.Exists(Path))
        {
            Create();
        }
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(Path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            LogReadableByOthers(logger, Path);
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(Path).Trim());
        }
        catch (FormatException)
        {
            throw new KeyRingException($"The key ring's key file {Path} does not hold a base64 key. Restore the file it was, or the key ring cannot be read.");
        }

        if (key.Length != KeyEncryptionKey.Size)
        {
            throw new KeyRingException($"The key ring's key file {Path} holds {key.Length} bytes, not {KeyEncryptionKey.Size}. Restore the file it was, or the key ring cannot be read.");
        }

        var kek = new KeyEncryptionKey(SourceName, Fingerprint(key), key);
        CryptographicOperations.ZeroMemory(key);
        return kek;
    }

    /// <summary>
    /// Writes a new key to a temporary file beside the target, owner-only from its creation, and moves it into place,
    /// all under a lock file (<c>.lock</c> beside it): two hubs starting at once end with one key, the first one's.
    /// The move is atomic, so a reader sees the whole key or none.
    /// </summary>
    private void Create()
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(folder);
        using var held = Lock(Path + ".lock");
        if (File.Exists(Path))
        {
            return; // another hub made it meanwhile: theirs is the key
        }

        var temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        var key = RandomNumberGenerator.GetBytes(KeyEncryptionKey.Size);
        try
        {
            using (var stream = CreateOwnerOnly(temporary, FileMode.CreateNew))
            {
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: false);
            LogCreated(logger, Path, Fingerprint(key));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            File.Delete(temporary);
        }
    }

    /// <summary>An exclusive lock (FileShare.None: an OS lock on Windows, flock on Unix), waited for up to 30 seconds.</summary>
    private static FileStream Lock(string file)
    {
        var giveUp = Environment.TickCount64 + 30_000;
        while (true)
        {
            try
            {
                return CreateOwnerOnly(file, FileMode.OpenOrCreate);
            }
            catch (IOException) when (Environment.TickCount64 < giveUp && File.Exists(file))
            {
                Thread.Sleep(20);
            }
        }
    }

    private static FileStream CreateOwnerOnly(string file, FileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            var security = new FileSecurity();
            security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
            security.AddAccessRule(new FileSystemAccessRule(WindowsIdentity.GetCurrent().User!, FileSystemRights.FullControl, AccessControlType.Allow));
            return new FileInfo(file).Create(mode, FileSystemRights.FullControl, FileShare.None, 4096, FileOptions.None, security);
        }

        return new FileStream(file, new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the key ring's key file {Path} (KEK file {Version}); keep it: without it the key ring, and so every whsec_ secret, cannot be read")]
    private static partial void LogCreated(ILogger logger, string path, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The key ring's key file {Path} can be read by others than its owner: chmod 600 it")]
    private static partial void LogReadableByOthers(ILogger logger, string path);
}
