using ReApiWeb.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Auth.Tokens;

namespace ReApiWeb.Features.Admin.Pages;

public sealed partial class People
{
    private string? _search;
    private IReadOnlyList<PersonAccount> _people = [];
    private CurrentUser? _me;

    // Bumped when a change is cancelled, so the switch that was flipped is drawn again from the stored value.
    private int _switches;
    private bool _localEnabled;
    private Guid? _tokensOf;
    private bool _shareByDefault;
    private string? _inviteEmail;
    private string? _inviteName;
    private string? _inviteError;
    private string? _link;
    private string? _linkFor;
    private string? _linkUntil;
    private IReadOnlyList<TokenView> _tokens = [];

    [Inject]
    public required PeopleAdmin Admin { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required PersonalTokens Tokens { get; init; }

    [Inject]
    public required SignInMethods Methods { get; init; }

    [Inject]
    public required IOptions<AuthOptions> AuthOptions { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required Auth.Accounts.LocalAccounts Accounts { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required Jobs.JobSharing Sharing { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private bool BreakGlass => AuthOptions.Value.BootstrapAdmin.BreakGlass;

    private async Task SetShareByDefaultAsync(bool shared)
    {
        await Sharing.SetDefaultAsync(shared ? Data.JobVisibility.Team : Data.JobVisibility.Private, _me!.Actor, CancellationToken.None);
        _shareByDefault = shared;
        Snackbar.Add(shared ? "New jobs are shared with the team." : "New jobs are private.", Severity.Success);
    }

    private string InviteDays => $"{AuthOptions.Value.InviteLifetime.TotalDays:0.#} days";

    private async Task InviteAsync()
    {
        _inviteError = null;
        try
        {
            var path = await Accounts.InviteAsync(_inviteEmail ?? "", _inviteName, _me!.Actor, CancellationToken.None);
            ShowLink(path, $"Invitation for {_inviteEmail!.Trim()}", AuthOptions.Value.InviteLifetime);
            (_inviteEmail, _inviteName) = (null, null);
            await LoadAsync();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            _inviteError = e.Message.Split(" (Parameter", 2)[0];
        }
    }

    /// <summary>A reset link for a person with a password; a fresh invitation link for one who has not joined yet.</summary>
    private async Task LinkForAsync(PersonAccount person)
    {
        try
        {
            if (person.HasPassword)
            {
                ShowLink(await Accounts.ResetAsync(person.Id, _me!.Actor, CancellationToken.None), $"Password reset for {person.Email}", AuthOptions.Value.PasswordResetLifetime);
            }
            else
            {
                ShowLink(await Accounts.InviteAsync(person.Email, null, _me!.Actor, CancellationToken.None), $"Invitation for {person.Email}", AuthOptions.Value.InviteLifetime);
            }
        }
        catch (InvalidOperationException e)
        {
            Snackbar.Add(e.Message, Severity.Warning);
        }
    }

    private void ShowLink(string path, string purpose, TimeSpan lifetime)
    {
        _link = Navigation.BaseUri.TrimEnd('/') + path;
        _linkFor = purpose;
        _linkUntil = (Time.GetUtcNow() + lifetime).UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task CopyLinkAsync()
    {
        await JS.InvokeVoidAsync("navigator.clipboard.writeText", _link);
        Snackbar.Add("Link copied.", Severity.Success);
    }

    protected override async Task OnInitializedAsync()
    {
        _me = CurrentUser.From((await AuthenticationState).User);
        _localEnabled = await Methods.LocalEnabledAsync(CancellationToken.None);
        _shareByDefault = await Sharing.DefaultAsync(CancellationToken.None) == Data.JobVisibility.Team;
        await LoadAsync();
    }

    private async Task LoadAsync() => _people = await Admin.ListAsync(_search, CancellationToken.None);

    private async Task SearchAsync(string? search)
    {
        _search = search;
        await LoadAsync();
    }

    private async Task SetAdminAsync(PersonAccount person, bool admin)
    {
        var sure = admin
            ? await Dialogs.ConfirmAsync($"Make {person.Name} an admin?", "Admins manage the reAPI accounts, prices, allowances, people and the audit log, and see every job.", "Make admin")
            : await Dialogs.ConfirmAsync($"Remove {person.Name}'s admin rights?",
                person.IsProviderAdmin
                    ? "They keep their jobs. They stay an admin while the identity provider's admin group says so: take them out of that group too."
                    : "They keep their jobs and lose the admin pages at once.",
                "Remove admin rights");
        if (!sure)
        {
            _switches++; // the switch the person flipped goes back
            return;
        }

        await ChangeAsync(() => Admin.SetAdminAsync(person.Id, admin, _me!.Actor, CancellationToken.None),
            admin ? $"{person.Name} is an admin" : $"{person.Name} is no longer an admin in the app");
    }

    private async Task SetDisabledAsync(PersonAccount person, bool disabled)
    {
        if (disabled && !await Dialogs.ConfirmAsync($"Disable {person.Name}?", "They are signed out everywhere and their API tokens stop working until you make them active again. Their jobs and outputs stay.", "Disable"))
        {
            _switches++;
            return;
        }

        await ChangeAsync(() => Admin.SetDisabledAsync(person.Id, disabled, _me!.Actor, CancellationToken.None),
            disabled ? $"{person.Name} is disabled and signed out" : $"{person.Name} is active again");
    }

    private Task EndSessionsAsync(PersonAccount person) =>
        ChangeAsync(() => Admin.EndSessionsAsync(person.Id, _me!.Actor, CancellationToken.None), $"{person.Name} is signed out everywhere");

    private async Task SetLocalAsync(bool enabled)
    {
        await Methods.SetLocalEnabledAsync(enabled, _me!.Actor, CancellationToken.None);
        _localEnabled = enabled;
        Snackbar.Add(enabled ? "Local sign-in is on." : "Local sign-in is off.", Severity.Success);
    }

    private async Task ToggleTokensAsync(PersonAccount person)
    {
        _tokensOf = _tokensOf == person.Id ? null : person.Id;
        _tokens = _tokensOf is { } id ? await Tokens.ListAsync(id, CancellationToken.None) : [];
    }

    private async Task RevokeAsync(PersonAccount person, TokenView token)
    {
        if (!await Dialogs.ConfirmAsync($"Revoke {person.Name}'s token “{token.Name}”?", "Scripts using it stop working at once. This cannot be undone.", "Revoke"))
        {
            return;
        }

        await Tokens.RevokeAsync(_me!, token.Id, CancellationToken.None);
        _tokens = await Tokens.ListAsync(person.Id, CancellationToken.None);
        await LoadAsync();
        Snackbar.Add($"Token '{token.Name}' revoked.", Severity.Success);
    }

    private string TokenState(TokenView token) =>
        token.RevokedAt is { } revoked ? $"revoked {revoked.UtcDateTime:yyyy-MM-dd}"
        : token.ExpiresAt is { } expires && expires <= Time.GetUtcNow() ? "expired"
        : token.LastUsedAt is { } used ? $"last used {used.UtcDateTime:yyyy-MM-dd HH:mm}" : "never used";

    private async Task ChangeAsync(Func<Task> change, string done)
    {
        try
        {
            await change();
            Snackbar.Add(done, Severity.Success);
        }
        catch (InvalidOperationException e)
        {
            Snackbar.Add(e.Message, Severity.Warning);
        }

        await LoadAsync();
    }
}
