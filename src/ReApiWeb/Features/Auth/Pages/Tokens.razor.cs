using MudBlazor;
using ReApiWeb.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReApiWeb.Features.Api;
using ReApiWeb.Features.Auth.Tokens;

namespace ReApiWeb.Features.Auth.Pages;

public sealed partial class Tokens
{
    private IReadOnlyList<TokenView>? _tokens;
    private string? _name;
    private string? _nameError;
    private int _lifetimeDays = 90;
    private string? _secret;
    private CurrentUser? _user;

    [Inject]
    public required PersonalTokens Store { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private string ApiBase => Navigation.BaseUri.TrimEnd('/') + ReApiCompatibleApi.Prefix;

    protected override async Task OnInitializedAsync()
    {
        _user = CurrentUser.From((await AuthenticationState).User);
        if (!Store.LifetimeChoices.Contains(_lifetimeDays))
        {
            _lifetimeDays = Store.LifetimeChoices[0];
        }

        await LoadAsync();
    }

    private async Task LoadAsync() => _tokens = _user is null ? [] : await Store.ListAsync(_user.Id, CancellationToken.None);

    private async Task CreateAsync()
    {
        _nameError = null;
        _secret = null;
        if (string.IsNullOrWhiteSpace(_name) || _name.Trim().Length > PersonalTokens.MaxNameLength)
        {
            _nameError = $"Give the token a name (1 to {PersonalTokens.MaxNameLength} characters).";
            return;
        }

        var (_, secret) = await Store.CreateAsync(_user!.Id, _name, _lifetimeDays == 0 ? null : TimeSpan.FromDays(_lifetimeDays), CancellationToken.None);
        _secret = secret;
        _name = null;
        await LoadAsync();
    }

    private async Task RevokeAsync(TokenView token)
    {
        if (!await Dialogs.ConfirmAsync($"Revoke “{token.Name}”?", "Scripts using this token stop working at once. This cannot be undone.", "Revoke"))
        {
            return;
        }

        await Store.RevokeAsync(_user!, token.Id, CancellationToken.None);
        await LoadAsync();
    }

    private static string Day(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
