using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using MudBlazor;
using ReApi.Client.Pricing;
using ReApiWeb.Features.Auth;
using ReApiWeb.Features.Credits;
using ReApiWeb.Features.Media;

namespace ReApiWeb.Features.Jobs.Pages;

public sealed partial class NewJob
{
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

    // The models this person's groups allow; should none of them be in the catalog, every model is listed and
    // submitting says why it is refused.
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
    public required IDialogService Dialogs { get; init; }

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

    protected override async Task OnInitializedAsync()
    {
        _user = CurrentUser.From((await AuthenticationState).User);
        if (InputOutputId is { } outputId && _user is not null)
        {
            _input = await Library.FindAsync(_user, outputId, CancellationToken.None);
        }

        await LoadBalanceAsync();
        var allowed = _user is null ? null : await Access.AllowedAsync(_user.Id, CancellationToken.None);
        _models = allowed is null ? Catalog.Models : Catalog.Models.Where(m => allowed.Contains(m.Id)).ToList() is { Count: > 0 } some ? some : Catalog.Models;
        var preferred = _input is null ? null : Catalog.PreferredFor(_input.Kind);
        await SelectModelAsync(Find(InitialModel)?.Id ?? Find(preferred?.Id)?.Id ?? _models[0].Id);
    }

    private ModelSpec? Find(string? modelId) => _models.FirstOrDefault(m => m.Id == modelId);

    private Task SelectModelAsync(string modelId)
    {
        _model = Find(modelId) ?? _models[0];
        _values = FormValues.Defaults(_model);
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

    private Task FieldChangedAsync(string field)
    {
        _errors.Remove(field);
        return QuoteAsync();
    }

    private async Task SubmitAsync()
    {
        if (_submitting)
        {
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
        var confirmAbove = await Prices.ConfirmAboveAsync(CancellationToken.None);
        if (quote.Credits > confirmAbove && await Dialogs.ShowMessageBoxAsync(
                "Confirm the cost",
                $"This job costs {quote.Credits:N0} credits ({Money.Dollars(quote.Credits)}): {quote.Explanation}. Generate it?",
                yesText: "Generate", cancelText: "Cancel") != true)
        {
            return;
        }

        _submitting = true;
        try
        {
            var result = await Submitter.SubmitAsync(user.Id, new JobRequest(_model.Id, parameters, _submissionKey), CancellationToken.None);
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

            Navigation.NavigateTo($"/jobs/{result.JobId}");
        }
        finally
        {
            _submitting = false;
        }
    }
}
