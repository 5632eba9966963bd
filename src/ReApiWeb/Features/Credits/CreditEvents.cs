using ReApiWeb.Features.Events;

namespace ReApiWeb.Features.Credits;

/// <summary>
/// Credits moved for a person (a hold, charge, release, refund or adjustment was booked: the ledger raises it), or,
/// with <see cref="Guid.Empty"/>, limits changed for everyone (an allowance of the team or a group).
/// </summary>
public sealed record CreditsMoved(Guid PersonId) : AppEvent
{
    public override IReadOnlyList<EventTopic> Topics => PersonId == Guid.Empty
        ? [EventTopic.CreditsOfEveryone, EventTopic.AllCredits]
        : [EventTopic.CreditsOf(PersonId), EventTopic.AllCredits];

    public override object? CoalesceKey => (nameof(CreditsMoved), PersonId);
}

/// <summary>A price was set or reset: every instance drops its copy of the price list.</summary>
public sealed record PricesChanged : AppEvent
{
    public override IReadOnlyList<EventTopic> Topics => [EventTopic.Prices];

    public override object? CoalesceKey => nameof(PricesChanged);
}

/// <summary>A reAPI balance was read and stored: the warnings drawn from balances (drift, runway) are read again.</summary>
public sealed record BalanceRead : AppEvent
{
    public override IReadOnlyList<EventTopic> Topics => [EventTopic.Balances];

    public override object? CoalesceKey => nameof(BalanceRead);
}
