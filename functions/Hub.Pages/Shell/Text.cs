namespace Mellanrum.Hub.Pages.Shell;

/// <summary>One piece of page text in Swedish and in English; a page shows the one its <see cref="PageLanguage"/> asks for.</summary>
public readonly record struct Text(string Sv, string En)
{
    public string In(PageLanguage language) => language == PageLanguage.English ? En : Sv;
}
