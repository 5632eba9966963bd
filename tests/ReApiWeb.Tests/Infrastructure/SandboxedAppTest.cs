using ReApi.Client.Catalog;
using ReApi.Sandbox;

namespace ReApiWeb.Tests.Infrastructure;

/// <summary>A test class with its own sandbox server (standing in for reAPI) and an app using it with <see cref="Key"/>.</summary>
public abstract class SandboxedAppTest(string key, TimeSpan imageDuration, PostgresServer? postgres = null) : IAsyncLifetime
{
    protected string Key { get; } = key;

    protected SandboxServer Sandbox { get; private set; } = default!;

    protected TestApp App { get; private set; } = default!;

    /// <summary>The app's data folder (its database, keys and archived outputs).</summary>
    protected string DataDirectory { get; } = TestApp.NewDataDirectory();

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[OutputKind.Image] = imageDuration;
        });
        var settings = TestApp.UpstreamSettings(Sandbox.BaseUri, Key);
        if (postgres is not null)
        {
            // The same test on a database of its own on the private PostgreSQL server.
            await postgres.UseAsync(settings);
        }

        App = TestApp.Start(DataDirectory, settings);
        await using var db = await App.DbAsync();
        Assert.Equal(postgres is null ? "Microsoft.EntityFrameworkCore.Sqlite" : "Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Sandbox.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
