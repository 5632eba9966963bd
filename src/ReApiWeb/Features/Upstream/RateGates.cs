using ReApi.Client.RateLimiting;

namespace ReApiWeb.Features.Upstream;

/// <summary>Makes the rate gate of an account (or of the embedded sandbox): one per process, or one shared by every instance through Redis.</summary>
public interface IRateGates
{
    /// <param name="scope">The account's id, or "sandbox"; instances sharing a budget use the same scope.</param>
    IUpstreamRateGate Create(string scope, int perWindow, TimeSpan window);
}

/// <summary>Gates of this process alone: right for one instance (the default, and always with SQLite).</summary>
public sealed class LocalRateGates(TimeProvider time) : IRateGates
{
    public IUpstreamRateGate Create(string scope, int perWindow, TimeSpan window) => new SlidingWindowRateGate(perWindow, window, time);
}
