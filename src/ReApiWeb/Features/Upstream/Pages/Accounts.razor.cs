using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;
using ReApiWeb.Components.Shared;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Upstream;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Upstream.Pages;

/// <summary>What an admin types for an account.</summary>
public sealed class AccountForm
{
    public string Name { get; set; } = "";

    public string BaseUrl { get; set; } = "";

    public string? Key { get; set; }

    public int RequestsPerSecond { get; set; } = 10;

    public int RateWindowMilliseconds { get; set; } = 1050;
}

public sealed partial class Accounts
{
    private enum Panel
    {
        Key,
        Settings,
        Chat,
        Groups,
    }

    private IReadOnlyList<AccountInfo>? _accounts;
    private IReadOnlyList<Group> _groups = [];
    private readonly Dictionary<Guid, long> _balances = [];
    private bool _sandbox;
    private bool _busy;
    private string? _message;
    private Guid? _messageAccount;
    private Severity _messageSeverity = Severity.Info;
    private Guid? _open;
    private Panel _panel;
    private string? _newKey;
    private string? _fieldError;
    private string? _addError;
    private AccountForm _form = new();
    private AccountForm _newAccount = new();
    private IReadOnlyCollection<Guid> _groupSelection = [];
    private string? _chatUrl;
    private string? _chatKey;
    private int? _chatBudget;
    private int _groupPriority;

    [Inject]
    public required UpstreamAccounts Store { get; init; }

    [Inject]
    public required UpstreamClients Clients { get; init; }

    [Inject]
    public required UpstreamMode Mode { get; init; }

    [Inject]
    public required QuotaAdmin Quotas { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required IOptions<KeyRingOptions> KeyRing { get; init; }

    [Inject]
    public required IOptions<ReApiOptions> Options { get; init; }

    protected override IEnumerable<EventTopic> Topics => [EventTopic.Accounts];

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        _newAccount = NewForm();
        _groups = await Quotas.GroupsAsync(CancellationToken.None);
        await LoadAsync();
    }

    private AccountForm NewForm() => new()
    {
        BaseUrl = Options.Value.BaseUrl,
        RequestsPerSecond = Options.Value.RequestsPerSecond,
        RateWindowMilliseconds = Options.Value.RateWindowMilliseconds,
    };

    protected override async Task LoadAsync()
    {
        _accounts = await Store.ListAsync(CancellationToken.None);
        _sandbox = await Mode.IsSandboxAsync(CancellationToken.None);
    }

    private string GroupName(Guid id) => _groups.FirstOrDefault(g => g.Id == id)?.Name ?? "a removed group";

    private static string StateText(AccountInfo account) => account switch
    {
        { State: UpstreamAccountState.Draining } => "Draining: no new jobs",
        { State: UpstreamAccountState.Disabled } => "Disabled",
        { TakesJobs: true } => "Active",
        _ => "Active, waiting for a tested key",
    };

    private static Color StateColor(AccountInfo account) => account switch
    {
        { TakesJobs: true } => Color.Success,
        { State: UpstreamAccountState.Active } => Color.Warning,
        _ => Color.Default,
    };

    private void Open(AccountInfo account, Panel panel)
    {
        _open = _open == account.Id && _panel == panel ? null : account.Id;
        _panel = panel;
        _fieldError = null;
        _newKey = null;
        _form = new AccountForm { Name = account.Name, BaseUrl = account.BaseUrl, RequestsPerSecond = account.RequestsPerSecond, RateWindowMilliseconds = account.RateWindowMilliseconds };
        (_chatUrl, _chatKey, _chatBudget) = (account.ChatBaseUrlSet, null, account.ChatRequestsPerSecondSet);
        _groupSelection = account.Groups.Select(g => g.GroupId).ToList();
        _groupPriority = account.Groups.Count > 0 ? account.Groups[0].Priority : 0;
    }

    private void Close() => _open = null;

    private async Task AddAsync()
    {
        _addError = null;
        if (KeyProblem(_newAccount.Key) is { } problem)
        {
            _addError = problem;
            return;
        }

        await RunAsync(async () =>
        {
            var id = await Store.AddAsync(new AccountDraft(_newAccount.Name, _newAccount.BaseUrl, _newAccount.Key, _newAccount.RequestsPerSecond, _newAccount.RateWindowMilliseconds), Actor, CancellationToken.None);
            var name = _newAccount.Name.Trim();
            _newAccount = NewForm();
            await ReportTestAsync(id, name, "Added");
        }, error => _addError = error);
    }

    private Task TestAsync(AccountInfo account) => RunAsync(() => ReportTestAsync(account.Id, account.Name, "Tested"));

    private async Task ReportTestAsync(Guid id, string name, string what)
    {
        var test = await Clients.TestAsync(id, CancellationToken.None);
        if (test.Balance is { } balance)
        {
            _balances[id] = balance;
            Show(Severity.Success, $"{what} \"{name}\": the key works. Balance: {balance:N0} credits (${balance / 1000m:N2}). It takes jobs while active.", id);
        }
        else
        {
            Show(Severity.Error, $"{what} \"{name}\", but the test failed: {test.Problem} It takes no jobs until a test passes.", id);
        }
    }

    private Task TestChatAsync(AccountInfo account) => RunAsync(() => ReportChatTestAsync(account, "Tested the chat of"));

    private async Task ReportChatTestAsync(AccountInfo account, string what)
    {
        var problem = await Clients.TestChatAsync(account.Id, CancellationToken.None);
        Show(problem is null ? Severity.Success : Severity.Error,
            problem is null ? $"{what} \"{account.Name}\": the chat host answered with its models." : $"{what} \"{account.Name}\", but the test failed: {problem}", account.Id);
    }

    private async Task SaveChatAsync(AccountInfo account)
    {
        _fieldError = string.IsNullOrWhiteSpace(_chatKey) ? null : KeyProblem(_chatKey);
        if (_fieldError is not null)
        {
            return;
        }

        await RunAsync(async () =>
        {
            await Store.UpdateChatSettingsAsync(account.Id, new ChatSettings(_chatUrl, _chatBudget), Actor, CancellationToken.None);
            if (!string.IsNullOrWhiteSpace(_chatKey))
            {
                await Store.SetChatKeyAsync(account.Id, _chatKey, Actor, CancellationToken.None);
            }

            _open = null;
            await ReportChatTestAsync(account, "Saved the chat settings of");
        }, error => _fieldError = error);
    }

    private async Task ClearChatKeyAsync(AccountInfo account)
    {
        if (await Dialogs.ConfirmAsync($"Remove the chat key of \"{account.Name}\"?", "Chat requests then go out with the account's task key. The chat key is not kept anywhere.", "Remove chat key"))
        {
            await RunAsync(async () =>
            {
                await Store.ClearChatKeyAsync(account.Id, Actor, CancellationToken.None);
                _open = null;
                await ReportChatTestAsync(account, "Removed the chat key of");
            });
        }
    }

    private async Task RotateAsync(AccountInfo account)
    {
        _fieldError = KeyProblem(_newKey);
        if (_fieldError is not null)
        {
            return;
        }

        await RunAsync(async () =>
        {
            await Store.SetKeyAsync(account.Id, _newKey!, Actor, CancellationToken.None);
            _open = null;
            await ReportTestAsync(account.Id, account.Name, "Saved the new key of");
        }, error => _fieldError = error);
    }

    private async Task ClearKeyAsync(AccountInfo account)
    {
        if (await Dialogs.ConfirmAsync($"Remove the key of \"{account.Name}\"?",
                "No new job goes to this account until a key is entered again, and its jobs in flight can no longer be polled. The key is not kept anywhere.",
                "Remove key"))
        {
            await RunAsync(async () =>
            {
                await Store.ClearKeyAsync(account.Id, Actor, CancellationToken.None);
                _open = null;
                Show(Severity.Info, $"The key of \"{account.Name}\" was removed.", account.Id);
            });
        }
    }

    private Task SaveSettingsAsync(AccountInfo account) => RunAsync(async () =>
    {
        await Store.UpdateSettingsAsync(account.Id, new AccountSettings(_form.Name, _form.BaseUrl, _form.RequestsPerSecond, _form.RateWindowMilliseconds), Actor, CancellationToken.None);
        _open = null;
        Show(Severity.Success, $"Saved \"{_form.Name.Trim()}\".{(account.BaseUrl != _form.BaseUrl.Trim().TrimEnd('/') ? " Its address changed: test it before it takes jobs again." : "")}", account.Id);
    }, error => _fieldError = error);

    private Task SaveGroupsAsync(AccountInfo account) => RunAsync(async () =>
    {
        var groups = _groupSelection.Select(id => new AccountGroup(id, _groupPriority)).ToList();
        await Store.SetGroupsAsync(account.Id, groups, Actor, CancellationToken.None);
        _open = null;
        Show(Severity.Success, groups.Count == 0 ? $"\"{account.Name}\" serves the whole team." : $"\"{account.Name}\" serves {string.Join(", ", groups.Select(g => GroupName(g.GroupId)))} first.", account.Id);
    });

    private async Task SetStateAsync(AccountInfo account, UpstreamAccountState state)
    {
        if (state == UpstreamAccountState.Disabled && !await Dialogs.ConfirmAsync($"Disable \"{account.Name}\"?",
                "It takes no new jobs; its jobs in flight are still followed to their end. People whose groups have no other account cannot make jobs until it is active again.",
                "Disable"))
        {
            return;
        }

        await RunAsync(async () =>
        {
            await Store.SetStateAsync(account.Id, state, Actor, CancellationToken.None);
            Show(Severity.Info, state switch
            {
                UpstreamAccountState.Draining => $"\"{account.Name}\" is draining: no new jobs; those in flight finish on it.",
                UpstreamAccountState.Disabled => $"\"{account.Name}\" is disabled.",
                _ => $"\"{account.Name}\" is active.",
            }, account.Id);
        });
    }

    private Task MoveAsync(AccountInfo account, int delta) => RunAsync(async () => await Store.MoveAsync(account.Id, delta, Actor, CancellationToken.None));

    private async Task RemoveAsync(AccountInfo account)
    {
        var last = _accounts!.Count == 1;
        var question = last
            ? "This is the last account: after it, the team falls back to the built-in sandbox (simulated results, no credits spent) until an account is added. The key is not kept anywhere."
            : "Its key is not kept anywhere. An account with jobs still in flight cannot be removed: drain it first.";
        if (!await Dialogs.ConfirmAsync($"Remove \"{account.Name}\"?", question, "Remove account"))
        {
            return;
        }

        await RunAsync(async () =>
        {
            var refusal = await Store.RemoveAsync(account.Id, Actor, CancellationToken.None);
            Show(refusal is null ? Severity.Info : Severity.Warning, refusal ?? $"\"{account.Name}\" was removed.{(last ? " The team now works on the sandbox." : "")}", refusal is null ? null : account.Id);
        });
    }

    private static string? KeyProblem(string? key) =>
        key?.Trim() is { Length: >= 8 } trimmed && !trimmed.Any(char.IsWhiteSpace) ? null : "Paste the whole key (at least 8 characters, no spaces).";

    private async Task RunAsync(Func<Task> action, Action<string>? onInvalid = null)
    {
        _busy = true;
        try
        {
            await action();
        }
        catch (ArgumentException e) when (onInvalid is not null)
        {
            onInvalid(e.Message.Split(" (Parameter", 2)[0]);
        }
        catch (KeyNotFoundException e)
        {
            Show(Severity.Warning, e.Message);
        }
        catch (AdminRightsException e)
        {
            Show(Severity.Error, e.Message);
        }
        finally
        {
            _busy = false;
            await LoadAsync();
        }
    }

    /// <summary>Shows <paramref name="message"/> in <paramref name="account"/>'s card (where the admin clicked), or above the list.</summary>
    private void Show(Severity severity, string message, Guid? account = null)
    {
        _messageAccount = account;
        _messageSeverity = severity;
        _message = message;
    }

    private Actor Actor => User!.Actor;
}
