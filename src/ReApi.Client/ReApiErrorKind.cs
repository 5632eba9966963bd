namespace ReApi.Client;

/// <summary>What went wrong with an upstream call, in the terms a caller acts on.</summary>
public enum ReApiErrorKind
{
    /// <summary>401/403: the key is missing, malformed, invalid or revoked. Fix the key; do not retry.</summary>
    Authentication,

    /// <summary>400: the request was refused before a task was created. Nothing was charged.</summary>
    Validation,

    /// <summary>402: the account has too few credits. Nothing was charged.</summary>
    InsufficientCredits,

    /// <summary>404: unknown task, or a task of another account.</summary>
    NotFound,

    /// <summary>429 (code 50001): the per-account budget is spent; wait for <c>Retry-After</c>.</summary>
    RateLimited,

    /// <summary>5xx: reAPI or a gateway failed.</summary>
    Server,

    /// <summary>No HTTP answer: timeout, refused or reset connection.</summary>
    Transport,

    /// <summary>An answer that does not have the documented shape.</summary>
    InvalidResponse,
}
