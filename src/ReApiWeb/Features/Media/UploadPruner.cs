using ReApiWeb.Features.Cluster;
namespace ReApiWeb.Features.Media;

/// <summary>Deletes expired uploads every hour, so input files do not pile up in the data folder.</summary>
public sealed partial class UploadPruner(UploadStore uploads, TimeProvider time, ILeadership leadership, ILogger<UploadPruner> logger) : LeaderService(leadership)
{
    protected override async Task LeadAsync(CancellationToken term)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                var removed = await uploads.PruneAsync(term);
                if (removed > 0)
                {
                    LogPruned(removed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPruneFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(term));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired uploads")]
    private partial void LogPruned(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting expired uploads failed; will try again in an hour")]
    private partial void LogPruneFailed(Exception exception);
}
