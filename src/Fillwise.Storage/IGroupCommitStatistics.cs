namespace Fillwise.Storage;

/// <summary>What group commit did so far: how many transactions carried how many appends.</summary>
public interface IGroupCommitStatistics
{
    /// <summary>Transactions committed by the writer (one per group of appends).</summary>
    long CommitCount { get; }

    /// <summary>Appends completed by those commits (successes and per-record refusals alike).</summary>
    long CommittedAppendCount { get; }

    /// <summary>The most appends any single commit has carried.</summary>
    int LargestBatch { get; }
}
