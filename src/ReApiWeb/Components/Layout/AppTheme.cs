using MudBlazor;

namespace ReApiWeb.Components.Layout;

/// <summary>
/// The app's look. The page carries both palettes as CSS variables: the light one on <c>:root</c>, the dark one on
/// <c>:root[data-theme=dark]</c> (wwwroot/theme.js sets the attribute from the browser or the person's choice), so the
/// switch needs no server round trip and no circuit holds a theme.
/// </summary>
public static class AppTheme
{
    public static MudTheme Theme { get; } = Build(":root");

    /// <summary>The same theme, its dark palette scoped to <c>data-theme=dark</c>; rendered with <c>IsDarkMode</c>.</summary>
    public static MudTheme Dark { get; } = Build(":root[data-theme=dark]");

    private static MudTheme Build(string scope) => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            AppbarBackground = "#283593",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8c9eff",
            Secondary = "#4db6ac",
            AppbarBackground = "#1b1e3c",
            Background = "#15161c",
            BackgroundGray = "#1e2028",
            Surface = "#1f2129",
            DrawerBackground = "#1a1c23",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
        PseudoCss = new PseudoCss { Scope = scope },
    };
}
