using Nethereum.Signer;

namespace Fillwise.Exchange.Perp.Lighter;

/// <summary>An API key of a Lighter account: the address its signatures recover to, and its next nonce.</summary>
internal sealed class LighterApiKey(long accountIndex, int index, string address, string privateKeyHex)
{
    public long AccountIndex { get; } = accountIndex;
    public int Index { get; } = index;
    public string Address { get; } = address;
    /// <summary>Handed out once, in the admin answer that creates the account.</summary>
    public string PrivateKeyHex { get; } = privateKeyHex;
    /// <summary>Lighter's nonces are sequential per API key: only this one is accepted next.</summary>
    public long NextNonce { get; set; }
}

/// <summary>A Lighter account: its index (the core account id), its L1 address and its API keys.</summary>
internal sealed class LighterAccount(long index, string l1Address)
{
    public long Index { get; } = index;
    public string L1Address { get; } = l1Address;
    public Dictionary<int, LighterApiKey> Keys { get; } = [];
}

/// <summary>
/// The venue's accounts that can sign (the demo agents trade on the core directly and have none).
/// Keys come from the seeded stream so a seed replays the same accounts. Touched under the venue lock.
/// </summary>
internal sealed class LighterAccounts(int seed)
{
    /// <summary>Lighter reserves API key indexes 0 and 1 for its own apps; programs get 2 and up.</summary>
    public const int FirstApiKeyIndex = 2;

    private readonly Random _random = new(unchecked(seed * 7919 + 11));
    private readonly Dictionary<long, LighterAccount> _accounts = [];
    private readonly Dictionary<string, LighterAccount> _byL1 = new(StringComparer.Ordinal);

    public LighterAccount Create(long index)
    {
        var (l1, _) = NewKey();
        var account = new LighterAccount(index, l1);
        var (address, privateKey) = NewKey();
        account.Keys[FirstApiKeyIndex] = new LighterApiKey(index, FirstApiKeyIndex, address, privateKey);
        _accounts[index] = account;
        _byL1[l1] = account;
        return account;
    }

    public LighterAccount? Get(long index) => _accounts.GetValueOrDefault(index);

    public LighterAccount? ByL1(string? address) => address is not null && _byL1.TryGetValue(address.ToLowerInvariant(), out var a) ? a : null;

    public LighterApiKey? Key(long account, int apiKey) => Get(account)?.Keys.GetValueOrDefault(apiKey);

    public bool IsUser(long account) => _accounts.ContainsKey(account);

    private (string Address, string PrivateKeyHex) NewKey()
    {
        var bytes = new byte[32];
        while (true)
        {
            _random.NextBytes(bytes);
            try
            {
                var key = new EthECKey(bytes, true);
                return (key.GetPublicAddress().ToLowerInvariant(), "0x" + Convert.ToHexString(bytes).ToLowerInvariant());
            }
            catch (ArgumentException)
            {
                // Not a valid secp256k1 scalar (about 1 in 2^128): draw again.
            }
        }
    }
}
