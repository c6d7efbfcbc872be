namespace Fillwise.App.Cli;

/// <summary>Exit codes promised in CONTRACTS.md §1.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int Discrepancies = 3;
}
