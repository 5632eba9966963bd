using Microsoft.AspNetCore.Components;
using MudBlazor;
using ReApi.Client.Chat;
using ReApiWeb.Components.Shared;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Features.Chat.Pages;

public sealed partial class ChatPage
{
    [Parameter]
    public Guid? Id { get; set; }

    [CascadingParameter]
    private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<ConversationSummary> _list = [];
    private IReadOnlyList<(ChatModelSpec Model, ChatPrice Price)> _prices = [];
    private ConversationView? _view;
    private bool _missing;
    private string? _search;
    private string? _draft;
    private string? _error;
    private IReadOnlyList<string> _notices = [];
    private LiveReply? _live;
    private bool _editingLast;
    private bool _renaming;
    private readonly List<MediaChoice> _images = [];
    private IReadOnlyList<MediaChoice> _choices = [];
    private bool _picking;
    private string? _imageSearch;
    private string? _title;
    private int _renderQueued;

    private string _model = ChatModels.All[0].Id;
    private string? _system;
    private double? _temperature;
    private int? _maxTokens;

    /// <summary>The chat models the person may use (their groups' allow-lists) with their prices.</summary>
    protected override async Task OnInitializedAsync()
    {
        var allowed = await UserAsync() is { } user ? await Access.AllowedAsync(user.Id, CancellationToken.None) : null;
        _prices = [.. (await Prices.ListChatAsync(CancellationToken.None)).Where(p => allowed is null || allowed.Contains(p.Model.Id))];
        _model = _prices.Count > 0 ? _prices[0].Model.Id : _model;
    }

    protected override async Task OnParametersSetAsync()
    {
        _error = null;
        _notices = [];
        _editingLast = false;
        await LoadAsync();
    }

    private async Task<CurrentUser?> UserAsync() => CurrentUser.From((await AuthenticationState).User);

    private async Task LoadAsync()
    {
        if (await UserAsync() is not { } user)
        {
            return;
        }

        _list = await Conversations.ListAsync(user.Id, _search, CancellationToken.None);
        if (Id is not { } id)
        {
            _view = null;
            Watch(null);
            return;
        }

        _view = await Conversations.GetAsync(user.Id, id, CancellationToken.None);
        _missing = _view is null;
        if (_view is not null)
        {
            (_model, _system, _temperature, _maxTokens) = (_view.ModelId, _view.SystemPrompt, _view.Temperature, _view.MaxTokens);
            Watch(Live.For(_view.Id));
        }
    }

    /// <summary>Follows a streaming reply: its text renders as it comes (at most every 50 ms); when it ends the conversation reloads.</summary>
    private void Watch(LiveReply? live)
    {
        if (_live is not null)
        {
            _live.Changed -= OnLiveChanged;
        }

        _live = live;
        if (live is not null)
        {
            live.Changed += OnLiveChanged;
            if (live.Done)
            {
                OnLiveChanged();
            }
        }
    }

    private void OnLiveChanged()
    {
        if (Interlocked.Exchange(ref _renderQueued, 1) == 1)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            await Task.Delay(50);
            Interlocked.Exchange(ref _renderQueued, 0);
            if (_live is { Done: true })
            {
                Watch(null);
                await LoadAsync();
            }

            StateHasChanged();
        });
    }

    private async Task SearchAsync(string? search)
    {
        _search = search;
        if (await UserAsync() is { } user)
        {
            _list = await Conversations.ListAsync(user.Id, _search, CancellationToken.None);
        }
    }

    private async Task NewAsync()
    {
        if (await UserAsync() is { } user)
        {
            var id = await Conversations.CreateAsync(user.Id, _view?.ModelId ?? _model, CancellationToken.None);
            Navigation.NavigateTo($"/chat/{id}");
        }
    }

    private async Task SendAsync()
    {
        if (await UserAsync() is not { } user || _view is null || string.IsNullOrWhiteSpace(_draft))
        {
            return;
        }

        var text = _draft;
        _draft = null;
        var (reply, problem, notices) = await Live.SendAsync(user, _view.Id, text, [.. _images.Select(i => i.OutputId)], CancellationToken.None);
        if (problem is null)
        {
            _images.Clear();
            _picking = false;
        }

        await AfterStartAsync(reply, problem, notices, text);
    }

    private async Task RegenerateAsync()
    {
        if (await UserAsync() is { } user && _view is not null)
        {
            var (reply, problem, notices) = await Live.RegenerateAsync(user.Id, _view.Id, null, CancellationToken.None);
            await AfterStartAsync(reply, problem, notices, null);
        }
    }

    private void EditLast()
    {
        _editingLast = true;
        _draft = _view?.Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Content;
    }

    private void CancelEdit()
    {
        _editingLast = false;
        _draft = null;
    }

    private async Task ResendEditedAsync()
    {
        if (await UserAsync() is { } user && _view is not null && !string.IsNullOrWhiteSpace(_draft))
        {
            var text = _draft;
            var (reply, problem, notices) = await Live.RegenerateAsync(user.Id, _view.Id, text, CancellationToken.None);
            _editingLast = problem is not null;
            _draft = problem is null ? null : text;
            await AfterStartAsync(reply, problem, notices, problem is null ? null : text);
        }
    }

    /// <summary>Shows the new reply streaming, or why none started (the message goes back into the box).</summary>
    private async Task AfterStartAsync(LiveReply? reply, ChatProblem? problem, IReadOnlyList<string> notices, string? text)
    {
        _error = problem?.Message;
        _notices = notices;
        if (problem is not null && text is not null)
        {
            _draft = text;
        }

        await LoadAsync();
        if (reply is not null)
        {
            Watch(reply);
        }
    }

    private void Stop() => _live?.Stop();

    private async Task TogglePickerAsync()
    {
        _picking = !_picking;
        if (_picking)
        {
            await SearchImagesAsync(_imageSearch);
        }
    }

    private async Task SearchImagesAsync(string? search)
    {
        _imageSearch = search;
        if (await UserAsync() is { } user)
        {
            _choices = await Library.SearchAsync(user, ReApi.Client.Catalog.MediaKind.Image, search, 0, 24, CancellationToken.None);
        }
    }

    private void AddImage(MediaChoice choice)
    {
        if (_images.Count < ChatLive.MaxImagesPerMessage && _images.All(i => i.OutputId != choice.OutputId))
        {
            _images.Add(choice);
        }

        _picking = _images.Count < ChatLive.MaxImagesPerMessage && _picking;
    }

    private async Task SaveSettingsAsync()
    {
        if (await UserAsync() is not { } user || _view is null)
        {
            return;
        }

        try
        {
            await Conversations.SetSettingsAsync(user.Id, _view.Id, _model, _system ?? "", _temperature, _maxTokens, CancellationToken.None);
            _error = null;
            await LoadAsync();
        }
        catch (ArgumentException e)
        {
            _error = e.Message;
        }
    }

    private void StartRename()
    {
        _renaming = true;
        _title = _view?.Title;
    }

    private async Task RenameAsync()
    {
        if (_view is null || await UserAsync() is not { } user)
        {
            return;
        }

        try
        {
            await Conversations.RenameAsync(user.Id, _view.Id, _title ?? "", CancellationToken.None);
            _renaming = false;
            _error = null;
            await LoadAsync();
        }
        catch (ArgumentException e)
        {
            _error = e.Message;
        }
    }

    private async Task ToggleShareAsync()
    {
        if (_view is not null && await UserAsync() is { } user)
        {
            await Conversations.ShareAsync(user.Id, _view.Id, !_view.Shared, CancellationToken.None);
            await LoadAsync();
        }
    }

    private async Task DeleteAsync()
    {
        if (_view is null || await UserAsync() is not { } user)
        {
            return;
        }

        if (await Dialogs.ConfirmAsync($"Delete “{_view.Title}”?", "Its messages are deleted; what its replies cost stays in the usage reports.", "Delete"))
        {
            _live?.Stop();
            await Conversations.DeleteAsync(user.Id, _view.Id, CancellationToken.None);
            Navigation.NavigateTo("/chat");
        }
    }

    private static string ModelName(string? modelId) => ChatModels.Find(modelId)?.DisplayName ?? modelId ?? "";

    /// <summary>Under a reply: its tokens and cost, or how it ended.</summary>
    private static string CostLine(ChatMessageView message, LiveReply? live)
    {
        if (live is not null || message.Reply is { Status: ChatReplyStatus.Streaming })
        {
            return "Writing…";
        }

        if (message.Reply is not { } reply)
        {
            return "";
        }

        var cost = $"{reply.PromptTokens:N0} tokens in · {reply.CompletionTokens:N0} out{(reply.UsageEstimated ? " (estimated)" : "")} · {reply.Credits ?? 0:N0} {(reply.Credits == 1 ? "credit" : "credits")}";
        return reply.Status switch
        {
            ChatReplyStatus.Completed => cost,
            ChatReplyStatus.Stopped => $"Stopped · {cost}",
            ChatReplyStatus.Interrupted => $"{reply.Error} {cost}",
            _ => $"Failed: {reply.Error} · {cost}",
        };
    }

    public void Dispose() => Watch(null);
}
