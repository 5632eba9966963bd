using System.Text.Json.Nodes;

namespace ReApi.Client;

/// <summary>reAPI's error body: <c>{"error":{"code":20002,"message":"…","request_id":"req_…"}}</c>.</summary>
public static class ReApiErrorEnvelope
{
    public static JsonObject Create(int code, string message, string? requestId = null) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["request_id"] = requestId ?? "req_" + Guid.NewGuid().ToString("D"),
        },
    };
}
