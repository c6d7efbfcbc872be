using System.Globalization;
using Nethereum.Signer;

namespace Fillwise.Exchange.Perp.Aster;

/// <summary>An Aster account's wallet: the address requests are signed with, and its key (handed out once).</summary>
internal sealed record AsterWallet(long AccountId, string Address, string PrivateKeyHex);

/// <summary>
/// Wallets by address (lower-case, as ccxt sends it) and by account: the venue's map from the V3
/// <c>user</c> / <c>signer</c> to a core account. Keys come from the seeded stream so a seed replays
/// the same wallets. Each account signs as its own wallet (user = signer).
/// </summary>
internal sealed class AsterAccounts(int seed)
{
    private readonly Random _random = new(unchecked(seed * 7919 + 3));
    private readonly Dictionary<string, AsterWallet> _byAddress = new(StringComparer.Ordinal);
    private readonly Dictionary<long, AsterWallet> _byAccount = [];

    public AsterWallet Create(long accountId)
    {
        var bytes = new byte[32];
        EthECKey key;
        while (true)
        {
            _random.NextBytes(bytes);
            try
            {
                key = new EthECKey(bytes, true);
                break;
            }
            catch (ArgumentException)
            {
                // Not a valid secp256k1 scalar (about 1 in 2^128): draw again.
            }
        }
        var wallet = new AsterWallet(accountId, key.GetPublicAddress().ToLowerInvariant(), "0x" + Convert.ToHexString(bytes).ToLowerInvariant());
        _byAddress[wallet.Address] = wallet;
        _byAccount[accountId] = wallet;
        return wallet;
    }

    public AsterWallet? ByAddress(string? address) =>
        address is not null && _byAddress.TryGetValue(address.ToLowerInvariant(), out var w) ? w : null;

    public AsterWallet? ByAccount(long accountId) => _byAccount.GetValueOrDefault(accountId);

    public static string Describe(long accountId) => accountId.ToString(CultureInfo.InvariantCulture);
}
