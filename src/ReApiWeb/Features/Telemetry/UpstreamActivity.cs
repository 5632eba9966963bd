using System.Collections.Concurrent;

namespace ReApiWeb.Features.Telemetry;

/// <summary>What one account's requests looked like over the last minute, for the System page.</summary>
public sealed record AccountActivity(
    string Account,
    IReadOnlyList<int> PerSecond,
    IReadOnlyDictionary<string, double> RecentRateByKind,
    DateTimeOffset? Last429,
    (DateTimeOffset At, string What)? LastError);

/// <summary>
/// The last minute of requests to reAPI per account, second by second and by kind, with the last 429 and the last
/// failed answer: fed by <see cref="UpstreamMetricsHandler"/>, read by the System page. In memory, per instance.
/// </summary>
public sealed class UpstreamActivity(TimeProvider time)
{
    public const int Seconds = 60;

    /// <summary>The span the "now" rates are averaged over.</summary>
    public const int RecentSeconds = 5;

    /// <summary>The budget of an account's task calls (submissions, polls, balance reads).</summary>
    public const string TasksBudget = "tasks";

    /// <summary>The budget of an account's chat host (replies and key tests).</summary>
    public const string ChatBudget = "chat";

    private readonly ConcurrentDictionary<string, Account> _accounts = new();
    private readonly ConcurrentDictionary<(string Account, string Budget), double> _allowedPerSecond = new();

    /// <summary>Says what <paramref name="budget"/> of <paramref name="account"/> allows: <paramref name="perWindow"/> calls in each window.</summary>
    public void Budget(string account, string budget, int perWindow, int windowMilliseconds) =>
        _allowedPerSecond[(account, budget)] = perWindow * 1000.0 / Math.Max(1, windowMilliseconds);

    /// <summary>
    /// For each budget known: the share of it in use, as the calls of the last <see cref="RecentSeconds"/> seconds per
    /// second over the calls a second it allows (1 is a saturated budget).
    /// </summary>
    public IEnumerable<(string Account, string Budget, double Utilization)> Utilization()
    {
        foreach (var ((account, budget), allowed) in _allowedPerSecond)
        {
            var recent = For(account).RecentRateByKind.Where(k => (k.Key is "chat" or "chat_test") == (budget == ChatBudget)).Sum(k => k.Value);
            yield return (account, budget, recent / allowed);
        }
    }

    public void Record(string account, string kind, string status)
    {
        var now = time.GetUtcNow();
        var entry = _accounts.GetOrAdd(account, _ => new Account());
        lock (entry)
        {
            entry.Add(now.ToUnixTimeSeconds(), kind);
            if (status == "429")
            {
                entry.Last429 = now;
            }
            else if (status is not ("200" or "201" or "202"))
            {
                entry.LastError = (now, $"{kind}: {(status is "transport" or "cancelled" ? status : "HTTP " + status)}");
            }
        }
    }

    public AccountActivity For(string account)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        if (!_accounts.TryGetValue(account, out var entry))
        {
            return new AccountActivity(account, new int[Seconds], new Dictionary<string, double>(), null, null);
        }

        lock (entry)
        {
            var series = Enumerable.Range(0, Seconds).Select(i => entry.Count(second - Seconds + 1 + i)).ToArray();
            var recent = Enumerable.Range(1, RecentSeconds).SelectMany(i => entry.Kinds(second - i))
                .GroupBy(k => k.Kind).ToDictionary(g => g.Key, g => g.Sum(k => k.Count) / (double)RecentSeconds);
            return new AccountActivity(account, series, recent, entry.Last429, entry.LastError);
        }
    }

    private sealed class Account
    {
        private readonly long[] _second = new long[Seconds];
        private readonly Dictionary<string, int>[] _kinds = [.. Enumerable.Range(0, Seconds).Select(_ => new Dictionary<string, int>())];

        public DateTimeOffset? Last429 { get; set; }

        public (DateTimeOffset At, string What)? LastError { get; set; }

        public void Add(long second, string kind)
        {
            var slot = Slot(second);
            if (_second[slot] != second)
            {
                _second[slot] = second;
                _kinds[slot].Clear();
            }

            _kinds[slot][kind] = _kinds[slot].GetValueOrDefault(kind) + 1;
        }

        public int Count(long second) => _second[Slot(second)] == second ? _kinds[Slot(second)].Values.Sum() : 0;

        public IEnumerable<(string Kind, int Count)> Kinds(long second) =>
            _second[Slot(second)] == second ? _kinds[Slot(second)].Select(k => (k.Key, k.Value)).ToList() : [];

        private static int Slot(long second) => (int)(((second % Seconds) + Seconds) % Seconds);
    }
}
