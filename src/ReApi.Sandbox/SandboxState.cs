using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Client.Pricing;

namespace ReApi.Sandbox;

/// <summary>
/// The simulated account: its balance, its tasks and its rate window. reAPI limits per user, so every key of the
/// sandbox shares one account. Terminal states are applied lazily but before any read can see them: a failed task's
/// credits are back in the balance before a poll or a balance read observes <c>failed</c>.
/// </summary>
public sealed class SandboxState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SandboxTask> _tasks = new(StringComparer.Ordinal);
    private readonly PriorityQueue<SandboxTask, DateTimeOffset> _pending = new();
    private readonly SandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ModelCatalog _catalog;
    private readonly Random _random;
    private readonly List<DateTimeOffset> _requestLog = [];
    private long _balance;
    private long _windowSecond = long.MinValue;
    private int _windowCount;
    private long _requests;
    private long _submissions;
    private long _polls;
    private long _rateLimited;
    private int _maxInWindow;

    public SandboxState(SandboxOptions options, TimeProvider time, ModelCatalog catalog)
    {
        _options = options;
        _time = time;
        _catalog = catalog;
        _random = new Random(options.Seed);
        _balance = options.StartingBalance;
        if (options.StateFile is { } file && SandboxSnapshot.Load(file) is { } snapshot)
        {
            _balance = snapshot.Balance;
            foreach (var task in snapshot.Restore(catalog))
            {
                _tasks.Add(task.Id, task);
                if (task.Status == ReApiTaskStatus.Processing)
                {
                    _pending.Enqueue(task, task.DueAt);
                }
            }
        }
    }

    public long Balance
    {
        get
        {
            lock (_lock)
            {
                Settle(_time.GetUtcNow());
                return _balance;
            }
        }
    }

    public SandboxStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return new SandboxStatistics(_requests, _submissions, _polls, _rateLimited, _maxInWindow);
            }
        }
    }

    /// <summary>When each request arrived, if <see cref="SandboxOptions.RecordRequests"/> is on (a snapshot).</summary>
    public IReadOnlyList<DateTimeOffset> RequestLog
    {
        get
        {
            lock (_lock)
            {
                return [.. _requestLog];
            }
        }
    }

    /// <summary>Every task the sandbox created (a snapshot).</summary>
    public IReadOnlyList<SandboxTask> Tasks
    {
        get
        {
            lock (_lock)
            {
                Settle(_time.GetUtcNow());
                return [.. _tasks.Values];
            }
        }
    }

    /// <summary>Checks the <c>Authorization</c> header and returns the key, or the documented 401.</summary>
    public SandboxError? Authenticate(string? authorization, out string key)
    {
        key = "";
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return SandboxError.MissingAuthorization;
        }

        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= "Bearer ".Length)
        {
            return SandboxError.MalformedAuthorization;
        }

        key = authorization["Bearer ".Length..].Trim();
        if (_options.RevokedKeys.Contains(key))
        {
            return SandboxError.RevokedKey;
        }

        return _options.ApiKeys.Contains(key) ? null : SandboxError.InvalidKey;
    }

    /// <summary>Draws whether an injected fault happens now (seeded, so runs repeat).</summary>
    public bool Chance(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        lock (_lock)
        {
            return _random.NextDouble() < rate;
        }
    }

    /// <summary>Counts a request against the account's 1-second window; past the limit answers 429 / 50001.</summary>
    public SandboxError? TakeRequestSlot()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var second = now.ToUnixTimeMilliseconds() / 1000;
            if (second != _windowSecond)
            {
                _windowSecond = second;
                _windowCount = 0;
            }

            _requests++;
            if (_options.RecordRequests)
            {
                _requestLog.Add(now);
            }

            if (_windowCount >= _options.RequestsPerSecond || (_options.Faults.SpuriousRateLimitRate > 0 && _random.NextDouble() < _options.Faults.SpuriousRateLimitRate))
            {
                _rateLimited++;
                var untilNextWindow = DateTimeOffset.FromUnixTimeMilliseconds((second + 1) * 1000) - now;
                return SandboxError.RateLimited(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(untilNextWindow.TotalSeconds))));
            }

            _windowCount++;
            _maxInWindow = Math.Max(_maxInWindow, _windowCount);
            return null;
        }
    }

    /// <summary>Validates and creates a task, charging its price at once, as reAPI does.</summary>
    public SandboxError? Submit(ReApiEndpoint endpoint, JsonObject? body, string key, out SandboxTask? task)
    {
        task = null;
        if (body is null)
        {
            return new SandboxError(400, 20001, "Request body must be a JSON object");
        }

        var modelId = body["model"] is JsonValue v && v.TryGetValue(out string? id) ? id : null;
        if (string.IsNullOrEmpty(modelId))
        {
            return new SandboxError(400, 20002, "Missing required parameter: model");
        }

        var model = _catalog.Find(modelId);
        if (model is null || model.Endpoint != endpoint)
        {
            return new SandboxError(400, 20004, $"Unknown model '{modelId}' for /{endpoint.Path()}");
        }

        var problem = RequestValidator.Validate(model, body).FirstOrDefault();
        if (problem is not null)
        {
            return problem.Kind switch
            {
                ProblemKind.Missing => new SandboxError(400, 20002, $"Missing required parameter: {problem.Field}"),
                ProblemKind.Unknown => new SandboxError(400, 20005, $"Unknown parameter: {problem.Field}"),
                _ => new SandboxError(400, 20003, $"Invalid parameter {problem.Field}: {problem.Message}"),
            };
        }

        lock (_lock)
        {
            var now = _time.GetUtcNow();
            Settle(now);
            var price = _options.Prices.TryGetValue(model.Id, out var flat) ? flat : PriceList.Quote(model, body).Credits;
            if (_balance < price)
            {
                return new SandboxError(402, 30001, $"Insufficient credits (balance {_balance}, required {price})");
            }

            _balance -= price;
            _submissions++;
            var created = new SandboxTask
            {
                Id = "task_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Model = model,
                Request = (JsonObject)body.DeepClone(),
                ApiKey = key,
                Price = price,
                CreatedAt = now,
                DueAt = now + Duration(model),
                PlannedFailure = PlanFailure(body),
            };
            _tasks.Add(created.Id, created);
            _pending.Enqueue(created, created.DueAt);
            Persist();
            task = created;
            return null;
        }
    }

    public SandboxTask? Find(string id)
    {
        lock (_lock)
        {
            Settle(_time.GetUtcNow());
            _polls++;
            return _tasks.GetValueOrDefault(id);
        }
    }

    private TimeSpan Duration(ModelSpec model)
    {
        if (_options.DurationSampler is { } sampler)
        {
            return sampler(model, _random);
        }

        var baseline = _options.ModelDurations.TryGetValue(model.Id, out var specific)
            ? specific
            : _options.Durations.GetValueOrDefault(model.Output, TimeSpan.FromSeconds(5));
        var spread = 1 + ((_random.NextDouble() * 2) - 1) * _options.DurationJitter;
        return baseline * spread;
    }

    private ReApiTaskError? PlanFailure(JsonObject body)
    {
        var prompt = body["prompt"] is JsonValue v && v.TryGetValue(out string? p) ? p : "";
        if (prompt.Contains("[fail]", StringComparison.OrdinalIgnoreCase))
        {
            return new ReApiTaskError(80006, "Request violates content policy");
        }

        return _random.NextDouble() < _options.FailureRate ? new ReApiTaskError(80003, "Provider internal error") : null;
    }

    /// <summary>Moves every task whose time has come to its terminal state and refunds failures, exactly once.</summary>
    private void Settle(DateTimeOffset now)
    {
        var changed = false;
        while (_pending.TryPeek(out var task, out var due) && due <= now)
        {
            _pending.Dequeue();
            changed = true;
            task.FinishedAt = due;
            if (task.PlannedFailure is null)
            {
                task.Status = ReApiTaskStatus.Completed;
                continue;
            }

            task.Status = ReApiTaskStatus.Failed;
            if (!task.Refunded)
            {
                task.Refunded = true;
                _balance += task.Price;
            }
        }

        if (changed)
        {
            Persist();
        }
    }

    /// <summary>Writes the account to <see cref="SandboxOptions.StateFile"/> (called under the lock).</summary>
    private void Persist()
    {
        if (_options.StateFile is { } file)
        {
            SandboxSnapshot.From(_balance, _tasks.Values).Save(file);
        }
    }
}
