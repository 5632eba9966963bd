using MudBlazor;

namespace ReApiWeb.Components.Shared;

public static class DialogConfirmations
{
    /// <summary>Asks before something that cannot be taken back or that moves money; true only when the person said yes.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string question, string yes) =>
        await dialogs.ShowMessageBoxAsync(title, question, yesText: yes, cancelText: "Cancel") == true;
}
