using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReApi.Client.Catalog;
using ReApi.Sandbox;
using ReApiWeb.Data;
using ReApiWeb.Features.Auth.Tokens;
using ReApiWeb.Features.Jobs;
using ReApiWeb.Features.Media;
using ReApiWeb.Tests.Infrastructure;

namespace ReApiWeb.Tests.Configuration;

/// <summary>A data folder that cannot be written, a disk that fills up, upload space that runs out: clear answers, nothing lost.</summary>
public sealed class StorageTests
{
    private const string Key = "rk_live_storage_tests";

    [Fact]
    public async Task An_unwritable_data_folder_stops_the_app_with_one_clear_message()
    {
        var parent = TestApp.NewDataDirectory();
        var notAFolder = Path.Combine(parent, "a-file");
        await File.WriteAllTextAsync(notAFolder, "in the way", TestContext.Current.CancellationToken);
        var data = Path.Combine(notAFolder, "data");
        using var app = AppProcess.Start(parent, new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = data,
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(data, "app.db")}",
        });

        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        var output = string.Join("\n", app.Output);
        Assert.Contains("ReApiWeb cannot start", output, StringComparison.Ordinal);
        Assert.Contains($"Storage:DataDirectory ({data}) cannot be written", output, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Output, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_disk_answers_submissions_with_507_in_the_envelope_and_charges_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o => o.ApiKeys.Add(Key));
        using var disk = SmallDisk.Mount(8 * 1024 * 1024);
        await using var app = TestApp.Start(disk.Path, TestApp.UpstreamSettings(sandbox.BaseUri, Key));
        var (_, token) = await app.Services.GetRequiredService<PersonalTokens>().CreateAsync(await app.AdminIdAsync(), "full disk", TimeSpan.FromDays(7), ct);
        using var http = app.AnonymousClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        disk.Fill();
        using var response = await http.PostAsync("/api/v1/images/generations", new StringContent("""{"model":"z-image","prompt":"no room"}""", Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.Contains("disk is full", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, sandbox.State.Statistics.Submissions);
        Assert.Contains(app.LogLines, line => line.StartsWith("Error ReApiWeb.Features.Jobs.JobSubmitter", StringComparison.Ordinal) && line.Contains("the disk is full", StringComparison.Ordinal));
        Assert.DoesNotContain(app.LogLines, line => line.Contains(" ReApiWeb.", StringComparison.Ordinal) && line.Contains("   at ", StringComparison.Ordinal));

        // The app keeps serving what it has: no background writer that hit the full disk stopped it.
        using var health = await http.GetAsync("/health", ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.DoesNotContain(app.LogLines, line => line.Contains("IHost instance is stopping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_archive_disk_is_said_on_the_output_and_tried_a_bounded_number_of_times()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sandbox = await SandboxServer.StartAsync(o =>
        {
            o.ApiKeys.Add(Key);
            o.Durations[OutputKind.Image] = TimeSpan.FromMilliseconds(200);
        });
        using var disk = SmallDisk.Mount(64 * 1024);
        disk.Fill();
        var settings = TestApp.UpstreamSettings(sandbox.BaseUri, Key);
        settings["Storage:OutputsDirectory"] = disk.Path;
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), settings);

        var result = await app.Services.GetRequiredService<JobSubmitter>().SubmitAsync(
            await app.AdminIdAsync(), new JobRequest("z-image", new JsonObject { ["prompt"] = "nowhere to put it" }, Guid.NewGuid()), ct);
        var job = await app.WaitForJobAsync(result.JobId!.Value, j => j.Outputs.Count > 0 && j.Outputs.All(o => o.ArchiveAttempts >= 1));

        var output = job.Outputs[0];
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Null(output.StoragePath);
        Assert.Contains("disk is full", output.ArchiveError, StringComparison.Ordinal);
        Assert.Contains("tried again", output.ArchiveError, StringComparison.Ordinal);
        Assert.DoesNotContain(app.LogLines, line => line.Contains(" ReApiWeb.", StringComparison.Ordinal) && line.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Uploads_stop_at_a_persons_share_with_a_message_that_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = TestApp.Start(TestApp.NewDataDirectory(), new Dictionary<string, string?>
        {
            ["Media:PublicBaseUrl"] = "https://reapiweb.example.com/",
            ["Media:MaxUploadBytes"] = "1000",
            ["Media:MaxUploadBytesPerPerson"] = "1500",
            ["Media:MaxUploadBytesTotal"] = "100000",
        });
        var store = app.Services.GetRequiredService<UploadStore>();
        var owner = await app.AdminIdAsync();

        var first = await store.SaveAsync(owner, MediaKind.Image, "a.png", new MemoryStream(new byte[1000]), ct);
        var second = await store.SaveAsync(owner, MediaKind.Image, "b.png", new MemoryStream(new byte[1000]), ct);
        var small = await store.SaveAsync(owner, MediaKind.Image, "c.png", new MemoryStream(new byte[400]), ct);

        Assert.NotNull(first.Link);
        Assert.Null(second.Link);
        Assert.Contains("Your uploads already hold", second.Error, StringComparison.Ordinal);
        Assert.NotNull(small.Link);
        await using var db = await app.DbAsync();
        Assert.Equal(1400, await db.Uploads.SumAsync(u => u.SizeBytes, ct));
    }
}
