using ReApiWeb.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using ReApi.Client;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Admin.Pages;

public sealed partial class Settings
{
    private SharedKeyInfo? _info;
    private bool _sandbox;
    private string? _newKey;
    private string? _keyError;
    private bool _busy;
    private string? _message;
    private Severity _messageSeverity = Severity.Info;

    [Inject]
    public required SharedKeyStore Keys { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required UpstreamMode Mode { get; init; }

    [Inject]
    public required Microsoft.Extensions.Options.IOptions<ReApiWeb.Data.KeyRingOptions> KeyRing { get; init; }

    [Inject]
    public required ReApiClient Client { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override Task OnInitializedAsync() => RefreshAsync();

    private async Task RefreshAsync()
    {
        _info = await Keys.DescribeAsync(CancellationToken.None);
        _sandbox = await Mode.IsSandboxAsync(CancellationToken.None);
    }

    private async Task SaveAsync()
    {
        _keyError = null;
        var key = _newKey?.Trim();
        if (string.IsNullOrEmpty(key) || key.Length < 8 || key.Any(char.IsWhiteSpace))
        {
            _keyError = "Paste the whole key (at least 8 characters, no spaces).";
            return;
        }

        await RunAsync(async () =>
        {
            await Keys.SetAsync(key, await ActorAsync(), CancellationToken.None);
            _newKey = null;
            Show(Severity.Success, $"Saved the key ending in …{key[^4..]}. Use Test connection to check it.");
        });
    }

    private async Task RemoveAsync()
    {
        if (await Dialogs.ConfirmAsync("Remove the shared key?",
                "New jobs cannot be sent until a key is entered again (jobs already running are still followed). The key is not kept anywhere; you will need it from reAPI to enter it again.",
                "Remove key"))
        {
            await RemoveKeyAsync();
        }
    }

    private Task RemoveKeyAsync() => RunAsync(async () =>
    {
        await Keys.ClearAsync(await ActorAsync(), CancellationToken.None);
        Show(Severity.Info, "The key was removed.");
    });

    private Task TestAsync() => RunAsync(async () =>
    {
        try
        {
            var balance = await Client.GetBalanceAsync(CancellationToken.None);
            Show(Severity.Success, $"Connected{(_sandbox ? " to the sandbox" : " to reAPI")}. Balance: {balance:N0} credits (${balance / 1000m:N2}).");
        }
        catch (ReApiException e)
        {
            Show(Severity.Error, $"The test failed: {e.Message}{(e.Code is { } code ? $" (code {code})" : "")}");
        }
    });

    private async Task RunAsync(Func<Task> action)
    {
        _busy = true;
        try
        {
            await action();
            await RefreshAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private void Show(Severity severity, string message)
    {
        _messageSeverity = severity;
        _message = message;
    }

    private async Task<Actor> ActorAsync() => CurrentUser.From((await AuthenticationState).User)!.Actor;
}
