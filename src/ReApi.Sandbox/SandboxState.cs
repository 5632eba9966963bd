using ReApi.Client.Chat;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ReApi.Client;
using ReApi.Client.Catalog;
using ReApi.Client.Pricing;

namespace ReApi.Sandbox;

/// <summary>
/// The simulated accounts: one per key, each with its balance, its tasks (another key's task is "not found", as on
/// reAPI) and its rate window, so a test can run two accounts side by side. Terminal states are applied lazily but
/// before any read can see them: a failed task's credits are back in its account's balance before a poll or a balance
/// read observes <c>failed</c>.
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
    private readonly List<(DateTimeOffset At, string Account)> _requestLog = [];
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _storedBalances;
    private readonly long? _legacyBalance;
    private readonly List<SandboxChatRecord> _chats = [];
    private int _forcedResets;
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
        _storedBalances = new(StringComparer.Ordinal);
        if (options.StateFile is { } file && SandboxSnapshot.Load(file) is { } snapshot)
        {
            _storedBalances = new(snapshot.Balances ?? [], StringComparer.Ordinal);
            _legacyBalance = snapshot.Balances is null ? snapshot.Balance : null;
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

    /// <summary>The balance of the first configured key's account (the only one, in most tests).</summary>
    public long Balance => BalanceOf(_options.ApiKeys.FirstOrDefault() ?? "");

    /// <summary>The balance of <paramref name="key"/>'s account.</summary>
    public long BalanceOf(string key)
    {
        lock (_lock)
        {
            Settle(_time.GetUtcNow());
            return AccountOf(key).Balance;
        }
    }

    /// <summary>Counts over every account; <see cref="SandboxStatistics.MaxInWindow"/> is the most any one account saw in a window.</summary>
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

    /// <summary>The counts of <paramref name="key"/>'s account alone.</summary>
    public SandboxStatistics StatisticsOf(string key)
    {
        lock (_lock)
        {
            var account = AccountOf(key);
            return new SandboxStatistics(account.Requests, account.Submissions, account.Polls, account.RateLimited, account.MaxInWindow);
        }
    }

    /// <summary>When each request arrived, if <see cref="SandboxOptions.RecordRequests"/> is on (a snapshot).</summary>
    public IReadOnlyList<DateTimeOffset> RequestLog
    {
        get
        {
            lock (_lock)
            {
                return [.. _requestLog.Select(r => r.At)];
            }
        }
    }

    /// <summary>When each request of <paramref name="key"/>'s account arrived, if <see cref="SandboxOptions.RecordRequests"/> is on.</summary>
    public IReadOnlyList<DateTimeOffset> RequestLogOf(string key)
    {
        lock (_lock)
        {
            var account = Owner(key);
            return [.. _requestLog.Where(r => r.Account == account).Select(r => r.At)];
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
        lock (_lock)
        {
            if (_options.RevokedKeys.Contains(key))
            {
                return SandboxError.RevokedKey;
            }

            return _options.ApiKeys.Contains(key) || _options.SecondKeys.ContainsKey(key) ? null : SandboxError.InvalidKey;
        }
    }

    /// <summary>Revokes <paramref name="key"/> from now on (its calls answer 401 with code 10004), as reAPI's dashboard does.</summary>
    public void Revoke(string key)
    {
        lock (_lock)
        {
            _options.RevokedKeys.Add(key);
        }
    }

    /// <summary>The next <paramref name="count"/> submissions create (and charge) their task, then reset the connection unanswered.</summary>
    public void FailNextSubmissionsAfterCreating(int count)
    {
        lock (_lock)
        {
            _forcedResets += count;
        }
    }

    internal bool TakeForcedReset()
    {
        lock (_lock)
        {
            if (_forcedResets == 0)
            {
                return false;
            }

            _forcedResets--;
            return true;
        }
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

    /// <summary>Counts a request against <paramref name="key"/>'s account's 1-second window; past the limit answers 429 / 50001.</summary>
    public SandboxError? TakeRequestSlot(string key = "")
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var second = now.ToUnixTimeMilliseconds() / 1000;
            var account = AccountOf(key);
            if (second != account.WindowSecond)
            {
                account.WindowSecond = second;
                account.WindowCount = 0;
            }

            _requests++;
            account.Requests++;
            if (_options.RecordRequests)
            {
                _requestLog.Add((now, Owner(key)));
            }

            if (account.WindowCount >= _options.RequestsPerSecond || (_options.Faults.SpuriousRateLimitRate > 0 && _random.NextDouble() < _options.Faults.SpuriousRateLimitRate))
            {
                _rateLimited++;
                account.RateLimited++;
                var untilNextWindow = DateTimeOffset.FromUnixTimeMilliseconds((second + 1) * 1000) - now;
                return SandboxError.RateLimited(TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(untilNextWindow.TotalSeconds))));
            }

            account.WindowCount++;
            account.MaxInWindow = Math.Max(account.MaxInWindow, account.WindowCount);
            _maxInWindow = Math.Max(_maxInWindow, account.WindowCount);
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
            var account = AccountOf(key);
            if (account.Balance < price)
            {
                return new SandboxError(402, 30001, $"Insufficient credits (balance {account.Balance}, required {price})");
            }

            account.Balance -= price;
            account.Submissions++;
            _submissions++;
            var created = new SandboxTask
            {
                Id = "task_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Model = model,
                Request = (JsonObject)body.DeepClone(),
                ApiKey = key,
                Price = price,
                CreatedAt = now,
                DueAt = now + Duration(model, body),
                PlannedFailure = PlanFailure(body),
            };
            _tasks.Add(created.Id, created);
            _pending.Enqueue(created, created.DueAt);
            Persist();
            task = created;
            return null;
        }
    }

    /// <summary>Every chat request the sandbox answered or refused after authentication, in order.</summary>
    public IReadOnlyList<SandboxChatRecord> Chats
    {
        get
        {
            lock (_lock)
            {
                return [.. _chats];
            }
        }
    }

    /// <summary>
    /// Checks a chat request as the chat host would (its own per-account window of
    /// <see cref="SandboxOptions.ChatRequestsPerSecond"/>, the model, the messages, the balance) and plans its reply.
    /// </summary>
    public SandboxChatError? StartChat(JsonObject? body, string key, out SandboxChatPlan? plan)
    {
        plan = null;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var second = now.ToUnixTimeMilliseconds() / 1000;
            var account = AccountOf(key);
            if (second != account.ChatWindowSecond)
            {
                account.ChatWindowSecond = second;
                account.ChatWindowCount = 0;
            }

            if (account.ChatWindowCount >= _options.ChatRequestsPerSecond)
            {
                _rateLimited++;
                account.RateLimited++;
                _chats.Add(new SandboxChatRecord(key, body?["model"]?.ToString() ?? "", 0, 0, 0, "rate-limited"));
                return SandboxChatError.From(SandboxError.RateLimited(DateTimeOffset.FromUnixTimeMilliseconds((second + 1) * 1000) - now));
            }

            account.ChatWindowCount++;
        }

        if (body is null)
        {
            return SandboxChatError.Invalid("The request body must be a JSON object.");
        }

        var modelId = body["model"] is JsonValue m && m.TryGetValue(out string? id) ? id : null;
        var model = ChatModels.Find(modelId);
        if (model is null)
        {
            return new SandboxChatError(404, "invalid_request_error", "model_not_found", $"The model '{modelId}' does not exist.", "model");
        }

        if (body["messages"] is not JsonArray { Count: > 0 } messages || messages.Any(x => x is not JsonObject o || o["role"]?.ToString() is not ("system" or "user" or "assistant" or "developer")))
        {
            return SandboxChatError.Invalid("'messages' must be a non-empty list of messages with a role of system, user or assistant.", "messages");
        }

        var images = messages.OfType<JsonObject>().Sum(x => ChatTokens.Parts(x["content"]).Count(p => p.IsImage));
        if (images > 0 && !model.Vision)
        {
            return SandboxChatError.Invalid($"The model '{model.Id}' does not accept images.", "messages");
        }

        var maxTokens = (body["max_completion_tokens"] ?? body["max_tokens"]) switch
        {
            null => model.MaxOutputTokens,
            JsonValue v when v.TryGetValue(out int n) && n >= 1 && n <= model.MaxOutputTokens => n,
            _ => -1,
        };
        if (maxTokens < 0)
        {
            return SandboxChatError.Invalid($"'max_tokens' must be between 1 and {model.MaxOutputTokens} for {model.Id}.", "max_tokens");
        }

        if (body["temperature"] is { } temperature && !(temperature is JsonValue t && t.TryGetValue(out double value) && value is >= 0 and <= 2))
        {
            return SandboxChatError.Invalid("'temperature' must be a number between 0 and 2.", "temperature");
        }

        var lastUser = messages.OfType<JsonObject>().LastOrDefault(x => x["role"]?.ToString() == "user") is { } user
            ? string.Concat(ChatTokens.Parts(user["content"]).Select(p => p.Text))
            : "";
        var promptTokens = SandboxChatReplies.PromptTokens(messages);
        var tokens = SandboxChatReplies.Tokens(model, messages, lastUser, images, maxTokens);
        lock (_lock)
        {
            if (AccountOf(key).Balance <= 0)
            {
                _chats.Add(new SandboxChatRecord(key, model.Id, 0, 0, 0, "refused"));
                return new SandboxChatError(402, "insufficient_quota", "insufficient_quota", "Your account has no credits left.");
            }
        }

        if (lastUser.Contains("[[fail-before]]", StringComparison.Ordinal))
        {
            lock (_lock)
            {
                _chats.Add(new SandboxChatRecord(key, model.Id, 0, 0, 0, "failed-before"));
            }

            return new SandboxChatError(500, "server_error", "upstream_error", "The model's provider failed before answering.");
        }

        plan = new SandboxChatPlan
        {
            Model = model,
            Tokens = tokens,
            PromptTokens = promptTokens,
            ApiKey = key,
            Stream = body["stream"] is JsonValue s && s.TryGetValue(out bool stream) && stream,
            IncludeUsage = body["stream_options"]?["include_usage"] is JsonValue u && u.TryGetValue(out bool usage) && usage,
            FailAfter = lastUser.Contains("[[fail-mid]]", StringComparison.Ordinal) ? tokens.Count / 2 : null,
            TokenDelay = lastUser.Contains("[[slow]]", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(200) : _options.ChatTokenDelay,
            FirstTokenDelay = _options.ChatFirstTokenDelay,
            FinishReason = tokens.Count < SandboxChatReplies.Tokens(model, messages, lastUser, images, int.MaxValue).Count ? "length" : "stop",
        };
        return null;
    }

    /// <summary>Bills a reply for its prompt and the tokens actually sent (all of them, or up to a failure or a disconnect).</summary>
    public long SettleChat(SandboxChatPlan plan, long completionTokens, string outcome)
    {
        var price = plan.Model.DefaultPrice;
        var credits = _options.ChatPrices.TryGetValue(plan.Model.Id, out var set) ? set.Credits(plan.PromptTokens, completionTokens) : price.Credits(plan.PromptTokens, completionTokens);
        lock (_lock)
        {
            var account = AccountOf(plan.ApiKey);
            account.Balance -= credits;
            _chats.Add(new SandboxChatRecord(plan.ApiKey, plan.Model.Id, plan.PromptTokens, completionTokens, credits, outcome));
            Persist();
        }

        return credits;
    }

    /// <summary>A task of any account (for tests and tools; the API uses <see cref="Find(string, string)"/>).</summary>
    public SandboxTask? Find(string id)
    {
        lock (_lock)
        {
            Settle(_time.GetUtcNow());
            _polls++;
            return _tasks.GetValueOrDefault(id);
        }
    }

    /// <summary>A task of <paramref name="key"/>'s account; another account's task is not found, as on reAPI.</summary>
    public SandboxTask? Find(string id, string key)
    {
        lock (_lock)
        {
            Settle(_time.GetUtcNow());
            _polls++;
            AccountOf(key).Polls++;
            if (_tasks.GetValueOrDefault(id) is not { } task || !string.Equals(Owner(task.ApiKey), Owner(key), StringComparison.Ordinal))
            {
                return null;
            }

            task.Polls++;
            return task;
        }
    }

    /// <summary>The account of <paramref name="key"/>, made on first use (called under the lock).</summary>
    private Account AccountOf(string key)
    {
        key = Owner(key);
        if (!_accounts.TryGetValue(key, out var account))
        {
            account = new Account
            {
                Balance = _storedBalances.TryGetValue(key, out var stored) ? stored
                    : _options.StartingBalances.TryGetValue(key, out var starting) ? starting
                    : _legacyBalance ?? _options.StartingBalance,
            };
            _accounts.Add(key, account);
        }

        return account;
    }

    /// <summary>The key that names <paramref name="key"/>'s account: itself, or the key it is a second key of.</summary>
    private string Owner(string key) => _options.SecondKeys.TryGetValue(key, out var owner) ? owner : key;

    private sealed class Account
    {
        public long Balance { get; set; }

        public long WindowSecond { get; set; } = long.MinValue;

        public int WindowCount { get; set; }

        public long ChatWindowSecond { get; set; } = long.MinValue;

        public int ChatWindowCount { get; set; }

        public long Requests { get; set; }

        public long Submissions { get; set; }

        public long Polls { get; set; }

        public long RateLimited { get; set; }

        public int MaxInWindow { get; set; }
    }

    private TimeSpan Duration(ModelSpec model, JsonObject body)
    {
        if (_options.DurationSampler is { } sampler)
        {
            return sampler(model, body, _random);
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
                AccountOf(task.ApiKey).Balance += task.Price;
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
            foreach (var (key, account) in _accounts)
            {
                _storedBalances[key] = account.Balance;
            }

            SandboxSnapshot.From(_storedBalances, _tasks.Values).Save(file);
        }
    }
}
