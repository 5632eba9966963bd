using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ReApi.Client.Catalog;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth;

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

    [Inject]
    public required ModelCatalog Catalog { get; init; }

    [Inject]
    public required JobSubmitter Submitter { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>Pre-selects a model: <c>/jobs/new?model=flux-2</c>.</summary>
    [SupplyParameterFromQuery(Name = "model")]
    public string? InitialModel { get; set; }

    protected override void OnInitialized() => SelectModel(Catalog.Find(InitialModel)?.Id ?? Catalog.Models[0].Id);

    private void SelectModel(string modelId)
    {
        _model = Catalog.Find(modelId) ?? Catalog.Models[0];
        _values = FormValues.Defaults(_model);
        _errors = [];
        _submitError = null;
        _failedJobId = null;
    }

    private void FieldChanged(string field) => _errors.Remove(field);

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

        _submitting = true;
        try
        {
            var result = await Submitter.SubmitAsync(user.Id, new JobRequest(_model.Id, parameters, _submissionKey), CancellationToken.None);
            if (result.Problems.Count > 0)
            {
                _errors = result.Problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.First().Message);
                return;
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
