namespace Mellanrum.Hub.IntegrationTests.Infrastructure;

/// <summary>
/// Where tests keep what they make for people to look at (screenshots, accessibility reports): <c>TestResults/</c> at
/// the repository root, next to the test results <c>scripts/test.sh</c> writes; ignored by git.
/// </summary>
public static class TestOutput
{
    public static string Root { get; } = Path.Combine(RepositoryRoot(), "TestResults");

    /// <summary>A folder under <see cref="Root"/>, created on first use.</summary>
    public static string Folder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Hub.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Hub.sln not found above " + AppContext.BaseDirectory);
    }
}
