using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ReApi.Client.Catalog;
using ReApi.Client.Chat;
using ReApi.Client.Pricing;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Credits;

/// <summary>One model's price as the dashboard charges it: the catalog's default rule with the admin's amounts laid over it.</summary>
public sealed record ModelPriceView(ModelSpec Model, PriceRule Default, PriceRule Effective, bool Edited);

/// <summary>
/// The price table: every catalog model priced by <see cref="PriceList"/> in reAPI's billing unit, with the amounts an
/// admin set (per model and tier) taking precedence. Quotes come from a cached snapshot, replaced on every change.
/// </summary>
public sealed class PriceBook(IDbContextFactory<AppDbContext> dbFactory, ModelCatalog catalog, AuditLog audit, IEventBus bus, TimeProvider time) : IDisposable
{
    /// <summary>A change drops the snapshot at once (<see cref="PricesChanged"/>); were its event lost, the snapshot is reloaded after this time.</summary>
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>The setting holding the cost above which the form asks for confirmation.</summary>
    public const string ConfirmAboveKey = "Credits.ConfirmAbove";

    /// <summary>Until an admin sets it: 1,000 credits ($1).</summary>
    public const long DefaultConfirmAbove = 1000;

    private readonly SnapshotCache<Snapshot> _snapshot = new(bus, EventTopic.Prices);

    /// <summary>
    /// The price of a request. A placeholder price stops being one for the tier an admin set (a price an admin set is a
    /// checked price); the model's other tiers stay placeholders.
    /// </summary>
    public async Task<PriceQuote> QuoteAsync(ModelSpec model, JsonObject body, CancellationToken cancellationToken)
    {
        var snapshot = await LoadAsync(cancellationToken);
        var quote = snapshot.Rules[model.Id].Quote(model, body);
        return quote.Placeholder && snapshot.SetTiers.Contains((model.Id, (quote.Tier ?? "").ToLowerInvariant())) ? quote with { Placeholder = false } : quote;
    }

    public async Task<IReadOnlyList<ModelPriceView>> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = await LoadAsync(cancellationToken);
        return [.. catalog.Models.Select(m => new ModelPriceView(m, PriceList.For(m), snapshot.Rules[m.Id], snapshot.EditedModels.Contains(m.Id)))];
    }

    /// <summary>Sets the price of one tier ("" for the base price) of a model, in credits per billing unit.</summary>
    public async Task SetAsync(string modelId, string tier, decimal credits, Actor admin, CancellationToken cancellationToken)
    {
        var model = catalog.Find(modelId) ?? throw new ArgumentException($"'{modelId}' is not a catalog model.", nameof(modelId));
        if (credits < 0 || credits > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(credits), "A price must be between 0 and 10,000,000 credits.");
        }

        var rule = (await RulesAsync(cancellationToken))[model.Id];
        var before = tier.Length == 0 ? rule.Credits : rule.PriceFor(tier);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await PutAsync(db, modelId, tier, credits, admin, cancellationToken);
        await audit.AddAdminChangeAsync(db, admin, "price.set", $"{modelId}{(tier.Length == 0 ? "" : $" ({tier})")}: {before:0.####} → {credits:0.####} credits per {rule.Unit}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        Invalidate();
    }

    /// <summary>Drops the admin's amounts for a model, back to the catalog's price list.</summary>
    public async Task ResetAsync(string modelId, Actor admin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Prices.RemoveRange(await db.Prices.Where(p => p.ModelId == modelId).ToListAsync(cancellationToken));
        await audit.AddAdminChangeAsync(db, admin, "price.reset", $"{modelId}: back to the catalog's price list", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        Invalidate();
    }

    /// <summary>The price rows' tiers of a chat model: credits per million input and per million output tokens.</summary>
    public const string ChatInputTier = "input";

    public const string ChatOutputTier = "output";

    /// <summary>What a chat model costs now (the placeholder until an admin set both of its prices).</summary>
    public async Task<ChatPrice> ChatPriceAsync(ChatModelSpec model, CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).Chat[model.Id];

    /// <summary>Every chat model with its price and whether an admin set it.</summary>
    public async Task<IReadOnlyList<(ChatModelSpec Model, ChatPrice Price)>> ListChatAsync(CancellationToken cancellationToken)
    {
        var snapshot = await LoadAsync(cancellationToken);
        return [.. ChatModels.All.Select(m => (m, snapshot.Chat[m.Id]))];
    }

    /// <summary>Sets a chat model's prices in credits per million input and output tokens.</summary>
    public async Task SetChatAsync(string modelId, decimal input, decimal output, Actor admin, CancellationToken cancellationToken)
    {
        var model = ChatModels.Find(modelId) ?? throw new ArgumentException($"'{modelId}' is not a chat model.", nameof(modelId));
        if (input < 0 || output < 0 || input > 100_000_000 || output > 100_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(input), "A price per million tokens must be between 0 and 100,000,000 credits.");
        }

        var before = await ChatPriceAsync(model, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await PutAsync(db, modelId, ChatInputTier, input, admin, cancellationToken);
        await PutAsync(db, modelId, ChatOutputTier, output, admin, cancellationToken);

        await audit.AddAdminChangeAsync(db, admin, "price.set",
            $"{modelId}: {before.InputPerMillion:0.####}/{before.OutputPerMillion:0.####} → {input:0.####}/{output:0.####} credits per million input/output tokens", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        Invalidate();
    }

    /// <summary>Adds or changes one price row on <paramref name="db"/> (saved by the caller with its audit line).</summary>
    private async Task PutAsync(AppDbContext db, string modelId, string tier, decimal credits, Actor admin, CancellationToken cancellationToken)
    {
        var row = await db.Prices.SingleOrDefaultAsync(p => p.ModelId == modelId && p.Tier == tier, cancellationToken);
        if (row is null)
        {
            row = new ModelPrice { ModelId = modelId, Tier = tier };
            db.Prices.Add(row);
        }

        row.Credits = credits;
        row.UpdatedAt = time.GetUtcNow();
        row.UpdatedBy = admin.Id;
    }

    public async Task<long> ConfirmAboveAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var value = await db.SettingAsync(ConfirmAboveKey, cancellationToken);
        return long.TryParse(value, CultureInfo.InvariantCulture, out var credits) ? credits : DefaultConfirmAbove;
    }

    public async Task SetConfirmAboveAsync(long credits, Actor admin, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(credits);
        var before = await ConfirmAboveAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.SetSettingAsync(ConfirmAboveKey, credits.ToString(CultureInfo.InvariantCulture), admin.Id, time.GetUtcNow(), cancellationToken);
        await audit.AddAdminChangeAsync(db, admin, "price.confirm-above", $"Ask for confirmation above {before:N0} → {credits:N0} credits", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<FrozenDictionary<string, PriceRule>> RulesAsync(CancellationToken cancellationToken) =>
        (await LoadAsync(cancellationToken)).Rules;

    private void Invalidate()
    {
        _snapshot.Drop();
        bus.Publish(new PricesChanged());
    }

    public void Dispose() => _snapshot.Dispose();

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        if (_snapshot.Get(out var generation) is { } current && time.GetUtcNow() - current.At < MaxAge)
        {
            return current;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Prices.AsNoTracking().ToListAsync(cancellationToken);
        var byModel = rows.ToLookup(r => r.ModelId);
        var rules = catalog.Models.ToFrozenDictionary(m => m.Id, m => Apply(PriceList.For(m), byModel[m.Id]), StringComparer.Ordinal);
        var setTiers = rows.Select(r => (r.ModelId, r.Tier.ToLowerInvariant())).ToFrozenSet();
        var chat = ChatModels.All.ToFrozenDictionary(m => m.Id, m => ApplyChat(m.DefaultPrice, byModel[m.Id]), StringComparer.Ordinal);
        var snapshot = new Snapshot(rules, chat, byModel.Select(g => g.Key).ToFrozenSet(StringComparer.Ordinal), setTiers, time.GetUtcNow());
        _snapshot.Keep(snapshot, generation);
        return snapshot;
    }

    private static PriceRule Apply(PriceRule rule, IEnumerable<ModelPrice> rows)
    {
        var tiers = new Dictionary<string, decimal>(rule.Tiers, StringComparer.OrdinalIgnoreCase);
        var credits = rule.Credits;
        foreach (var row in rows)
        {
            if (row.Tier.Length == 0)
            {
                credits = row.Credits;
            }
            else
            {
                tiers[row.Tier] = row.Credits;
            }
        }

        return rule with { Credits = credits, Tiers = tiers };
    }

    /// <summary>A chat model's price: the admin's input and output rows over the placeholder; published once an admin set both.</summary>
    private static ChatPrice ApplyChat(ChatPrice price, IEnumerable<ModelPrice> rows)
    {
        var set = 0;
        foreach (var row in rows)
        {
            if (row.Tier == ChatInputTier)
            {
                price = price with { InputPerMillion = row.Credits };
                set++;
            }
            else if (row.Tier == ChatOutputTier)
            {
                price = price with { OutputPerMillion = row.Credits };
                set++;
            }
        }

        return price with { Published = set == 2 };
    }

    private sealed record Snapshot(FrozenDictionary<string, PriceRule> Rules, FrozenDictionary<string, ChatPrice> Chat, FrozenSet<string> EditedModels, FrozenSet<(string ModelId, string Tier)> SetTiers, DateTimeOffset At);
}
