namespace ReApiWeb.Tests.Infrastructure;

/// <summary>
/// Tests that measure an order in time (which POST left first) run after the others, alone: on a machine busy with a
/// dozen test classes, requests already granted wait seconds to be delivered and blur the order being measured.
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
