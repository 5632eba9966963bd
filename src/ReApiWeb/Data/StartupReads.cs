namespace ReApiWeb.Data;

/// <summary>
/// The first read of a background service, tried again (after 1 s, doubling up to 30 s) while the database cannot be
/// read: a database that went away just as the app started must not stop the app, as a background service's failure
/// stops the host. The read must be safe to repeat.
/// </summary>
public static class StartupReads
{
    /// <param name="failed">Logs a failed try with the seconds until the next.</param>
    public static async Task<T> UntilTheDatabaseAnswersAsync<T>(Func<CancellationToken, Task<T>> read, Action<Exception, double> failed, TimeProvider time, CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                return await read(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failed(e, wait.TotalSeconds);
                await Task.Delay(wait, time, stoppingToken);
                wait = TimeSpan.FromSeconds(Math.Min(30, wait.TotalSeconds * 2));
            }
        }
    }
}
