using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using MudBlazor;
using ReApi.Client.Pricing;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Media;
using ReApiWeb.Features.Templates;

namespace ReApiWeb.Features.Jobs.Pages;

public sealed partial class NewJob
{
    // Set once OnInitializedAsync has read what the person may use; until then the markup shows a loading bar.
    private ModelSpec _model = default!;
    private Dictionary<string, object?> _values = [];
    private Dictionary<string, string> _errors = [];
    private Guid _submissionKey = Guid.NewGuid();
    private bool _submitting;
    private string? _submitError;
    private Guid? _failedJobId;
    private MediaChoice? _input;
    private FieldSpec? _inputField;
    private PriceQuote? _quote;
    private CreditBalance? _balance;
    private CurrentUser? _user;

    // The models this person's groups allow (ModelAccess.OfferedAsync).
    private IReadOnlyList<ModelSpec> _models = [];

    [Inject]
    public required ModelCatalog Catalog { get; init; }

    [Inject]
    public required JobSubmitter Submitter { get; init; }

    [Inject]
    public required ModelAccess Access { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required MediaLibrary Library { get; init; }

    [Inject]
    public required PriceBook Prices { get; init; }

    [Inject]
    public required CreditBalances Credits { get; init; }

    [Inject]
    public required Components.CostConfirmation Confirmation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>Pre-selects a model: <c>/jobs/new?model=flux-2</c>.</summary>
    [SupplyParameterFromQuery(Name = "model")]
    public string? InitialModel { get; set; }

    /// <summary>An earlier output to use as an input: <c>/jobs/new?input={outputId}</c> (the "Use as input" button).</summary>
    [SupplyParameterFromQuery(Name = "input")]
    public Guid? InputOutputId { get; set; }

    /// <summary>Remix: <c>/jobs/new?from={jobId}</c> opens the form on that job's model with its parameters.</summary>
    [SupplyParameterFromQuery(Name = "from")]
    public Guid? FromJobId { get; set; }

    /// <summary>Use prompt: <c>/jobs/new?prompt-from={jobId}</c> opens the form with that job's prompt only.</summary>
    [SupplyParameterFromQuery(Name = "prompt-from")]
    public Guid? PromptFromJobId { get; set; }

    /// <summary>A prompt template to fill in: <c>/jobs/new?template={templateId}</c>.</summary>
    [SupplyParameterFromQuery(Name = "template")]
    public Guid? TemplateId { get; set; }

    [Inject]
    public required IJobReader Reader { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    private IReadOnlyList<string> _recent = [];
    private string? _source;
    private Guid? _sourceJobId;
    private bool _restored;
    private Templates.Components.TemplatePanel? _templatePanel;
    private Guid? _templateToOpen;

    /// <summary>Whether the address said what to open (a model, a job, an input), so no stored draft replaces it.</summary>
    private bool _explicit;

    private string DraftKey => $"reapiweb.draft.{_user?.Id}";

    protected override async Task OnInitializedAsync()
    {
        _user = CurrentUser.From((await AuthenticationState).User);
        _templateToOpen = TemplateId;
        if (InputOutputId is { } outputId && _user is not null)
        {
            _input = await Library.FindAsync(_user, outputId, CancellationToken.None);
        }

        await LoadBalanceAsync();
        _models = await Access.OfferedAsync(_user?.Id, CancellationToken.None);
        _recent = _user is null ? [] : await Reader.RecentModelsAsync(_user.Id, 5, CancellationToken.None);
        _explicit = InitialModel is not null || InputOutputId is not null || FromJobId is not null || PromptFromJobId is not null || TemplateId is not null;

        var source = _user is null || (FromJobId ?? PromptFromJobId) is not { } sourceId ? null : await Reader.GetAsync(_user, sourceId, CancellationToken.None);
        if (source is not null)
        {
            OpenFrom(source, remix: FromJobId is not null);
            await QuoteAsync();
            return;
        }

        var preferred = _input is null ? null : Catalog.PreferredFor(_input.Kind);
        _model = Find(InitialModel) ?? Find(preferred?.Id) ?? _models[0];
        _values = FormValues.Defaults(_model);
        await ModelChangedAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The draft lives in the browser, so it is read once the page is live; an address that says what to open wins.
        if (!firstRender || _explicit || _user is null || !RendererInfo.IsInteractive)
        {
            return;
        }

        var text = await JS.InvokeAsync<string?>("reapiDraft.load", DraftKey);
        if (FormDraft.Parse(text) is { } draft && Find(draft.ModelId) is { } model)
        {
            _model = model;
            _values = FormValues.FromRequest(model, draft.Parameters);
            _restored = true;
            await ModelChangedAsync();
            StateHasChanged();
        }
    }

    private ModelSpec? Find(string? modelId) => _models.FirstOrDefault(m => m.Id == modelId);

    /// <summary>Fills the form from an earlier job: all of it (remix), or just its prompt on its model.</summary>
    private void OpenFrom(JobView source, bool remix)
    {
        var sourceModel = Catalog.Find(source.Summary.ModelId);
        var parameters = JobRemix.Parameters(source.RequestJson);
        _model = Find(source.Summary.ModelId) ?? _models[0];
        if (sourceModel is not null && remix)
        {
            _values = FormValues.Carry(sourceModel, FormValues.FromRequest(sourceModel, parameters), _model);
        }
        else
        {
            _values = FormValues.Defaults(_model);
            if (_model.MainField is { } main)
            {
                _values[main.Name] = source.Summary.Prompt;
            }
        }

        _sourceJobId = source.Summary.Id;
        var whose = _user is not null && source.Summary.OwnerId == _user.Id ? "your" : $"{source.OwnerName}'s";
        var what = $"{whose} {sourceModel?.DisplayName ?? source.Summary.ModelId} job “{Shorten(source.Summary.Prompt)}”";
        _source = remix ? $"Remixing {what}: change anything, then generate a new job." : $"The prompt of {what}.";
        _inputField = _input is null ? null : _model.InputFieldFor(_input.Kind);
    }

    private static string Shorten(string text) => string.IsNullOrWhiteSpace(text) ? "untitled" : PromptText.Shorten(text, 60);

    private string InputText(MediaChoice input, FieldSpec field)
    {
        var model = Catalog.Find(input.ModelId)?.DisplayName ?? input.ModelId;
        return $"Using {input.Caption} of the {model} job “{Shorten(input.Prompt)}” as {field.Label}.";
    }

    /// <summary>Another model: what was typed stays where the new model has the same field.</summary>
    private async Task SwitchModelAsync(ModelSpec model)
    {
        _values = FormValues.Carry(_model, _values, model);
        _model = model;
        await ModelChangedAsync();
        await SaveDraftAsync();
    }

    private Task ModelChangedAsync()
    {
        _errors = [];
        _submitError = null;
        _failedJobId = null;
        _inputField = _input is null ? null : _model.InputFieldFor(_input.Kind);
        if (_input is not null && _inputField is not null)
        {
            FormValues.AddUrl(_values, _inputField, _input.InputUrl);
        }

        return QuoteAsync();
    }

    private async Task StartOverAsync()
    {
        _restored = false;
        _values = FormValues.Defaults(_model);
        await ModelChangedAsync();
        await ClearDraftAsync();
    }

    private async Task SaveDraftAsync()
    {
        if (_user is not null && RendererInfo.IsInteractive)
        {
            await JS.InvokeVoidAsync("reapiDraft.save", DraftKey, FormDraft.Serialize(_model.Id, FormValues.ToJson(_model, _values)));
        }
    }

    private async Task ClearDraftAsync()
    {
        if (_user is not null && RendererInfo.IsInteractive)
        {
            await JS.InvokeVoidAsync("reapiDraft.clear", DraftKey);
        }
    }

    /// <summary>Prices the form as it stands, for the cost panel (on every change: the price list is cached).</summary>
    private async Task QuoteAsync()
    {
        var body = FormValues.ToJson(_model, _values);
        body["model"] = _model.Id;
        _quote = await Prices.QuoteAsync(_model, body, CancellationToken.None);
    }

    /// <summary>Reads what the person has left (when the page opens, and after a refusal), for the cost panel.</summary>
    private async Task LoadBalanceAsync()
    {
        if (_user is not null)
        {
            _balance = await Credits.ForUserAsync(_user.Id, CancellationToken.None);
        }
    }

    private void DropInput()
    {
        if (_input is not null && _inputField is not null)
        {
            FormValues.RemoveUrl(_values, _inputField, _input.InputUrl);
        }

        _input = null;
        _inputField = null;
    }

    private async Task FieldChangedAsync(string field)
    {
        if (_input is not null && _inputField?.Name == field && !FormValues.Urls(_values, _inputField).Contains(_input.InputUrl))
        {
            // The person took the earlier output out of its field: it is no longer this form's input.
            (_input, _inputField) = (null, null);
        }

        _errors.Remove(field);
        await QuoteAsync();
        await SaveDraftAsync();
    }

    /// <summary>
    /// A template was opened or its placeholders filled in: the prompt follows. Opened by the address, it is not the
    /// person's draft yet (the one kept in the browser stays until they change something), and it opens once: a panel
    /// made again after a switch of model does not reset the prompt.
    /// </summary>
    private async Task SetMainTextAsync(TemplatePrompt prompt)
    {
        var main = _model.MainField!;
        _values[main.Name] = prompt.Text;
        _templateToOpen = null;
        if (prompt.ByPerson)
        {
            await FieldChangedAsync(main.Name);
        }
        else
        {
            _errors.Remove(main.Name);
            await QuoteAsync();
        }
    }

    private async Task SubmitAsync()
    {
        if (_submitting)
        {
            return;
        }

        if (_templatePanel?.Missing is { } blank && _model.MainField is { } main)
        {
            _errors = new() { [main.Name] = $"Fill in the template's “{blank}” first." };
            return;
        }

        _submitError = null;
        _failedJobId = null;
        var parameters = FormValues.ToJson(_model, _values);
        var body = (System.Text.Json.Nodes.JsonObject)parameters.DeepClone();
        body["model"] = _model.Id;
        _errors = RequestValidator.Validate(_model, body).GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.First().Message);
        if (_errors.Count > 0)
        {
            return;
        }

        var user = CurrentUser.From((await AuthenticationState).User);
        if (user is null)
        {
            _submitError = "Your session has ended. Sign in again to submit.";
            return;
        }

        var quote = await Prices.QuoteAsync(_model, body, CancellationToken.None);
        if (!await Confirmation.ConfirmJobAsync(quote))
        {
            return;
        }

        _submitting = true;
        try
        {
            var result = await Submitter.SubmitAsync(user.Id, new JobRequest(_model.Id, parameters, _submissionKey, _sourceJobId), CancellationToken.None);
            if (result.Problems.Count > 0)
            {
                _errors = result.Problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.First().Message);
                return;
            }

            if (result.Unavailable is { } unavailable)
            {
                _submitError = unavailable;
                return;
            }

            if (result.Conflict is { } conflict)
            {
                _submitError = conflict;
                _submissionKey = Guid.NewGuid();
                return;
            }

            if (result.ModelRefusal is { } notAllowed)
            {
                _submitError = notAllowed;
                return;
            }

            if (result.QuotaRefusal is { } refusal)
            {
                _submitError = refusal;
                await LoadBalanceAsync();
                return;
            }

            foreach (var notice in result.Notices)
            {
                Snackbar.Add(notice, Severity.Warning);
            }

            if (result.Status is JobStatus.Rejected or JobStatus.Unconfirmed)
            {
                // That job is settled; a corrected form is a new submission.
                _submitError = result.Error;
                _failedJobId = result.JobId;
                _submissionKey = Guid.NewGuid();
                return;
            }

            await ClearDraftAsync();
            Navigation.NavigateTo($"/jobs/{result.JobId}");
        }
        finally
        {
            _submitting = false;
        }
    }
}
