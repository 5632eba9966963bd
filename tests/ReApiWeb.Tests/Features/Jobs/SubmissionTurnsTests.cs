using ReApiWeb.Features.Jobs;

namespace ReApiWeb.Tests.Features.Jobs;

public sealed class SubmissionTurnsTests
{
    [Fact]
    public async Task A_submission_waiting_for_one_accounts_gate_does_not_hold_up_another_accounts()
    {
        var turns = new SubmissionTurns();
        var (a, b, person, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        using var first = await turns.EnterAsync(a, person, TestContext.Current.CancellationToken);
        var queuedOnA = turns.EnterAsync(a, other, TestContext.Current.CancellationToken);
        var onB = turns.EnterAsync(b, other, TestContext.Current.CancellationToken);
        var onSandbox = turns.EnterAsync(null, person, TestContext.Current.CancellationToken);

        Assert.False(queuedOnA.IsCompleted); // A's turn is taken
        Assert.True(onB.IsCompletedSuccessfully);
        Assert.True(onSandbox.IsCompletedSuccessfully);

        first.Dispose();
        using var next = await queuedOnA; // passed on when A's turn ends
        (await onB).Dispose();
        (await onSandbox).Dispose();
    }
}
