namespace ReApiWeb.Tests.Infrastructure;

/// <summary>A test class with an app of its own for each test, on its embedded defaults plus <paramref name="settings"/>.</summary>
public abstract class AppTest(IReadOnlyDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    protected string DataDirectory { get; } = TestApp.NewDataDirectory();

    protected TestApp App { get; private set; } = default!;

    public virtual ValueTask InitializeAsync()
    {
        App = TestApp.Start(DataDirectory, settings);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
