using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Fillwise.Domain.Values;

namespace Fillwise.Venues.Lighter;

/// <summary>
/// Our string client order id ("fw-1796010843432-8da5b3-g20-1") as Lighter's integer
/// client_order_index: the first 48 bits of SHA-256 of the id's UTF-8 bytes (0 is Lighter's "none",
/// so it becomes 1). A pure function of the id: a retry, a resend and a restart all reach the same
/// index with nothing stored, so an unknown create is resolved by the index after a crash too.
///
/// Why it cannot collide where it matters: Lighter keeps an index unique among an account's live
/// orders (21728) and we look orders up by index among the account's open orders and the finished
/// ones we page through (about a thousand). Two different ids share an index with probability
/// 2^-48 per pair; among the at most ~10^4 orders of an account the venue still lists, the chance of
/// any pair colliding is below 10^8 / 2^49 ≈ 2×10^-7 over the account's whole listed history, and a
/// lookup mistaking another order for ours needs one of those pairs. Within one process the adapter
/// also remembers every index it handed out and refuses a second id on the same index outright (a
/// loud refusal, never a silent mix-up). Engine ids are unique by construction (start time, seeded
/// tag, start generation, counter), so the hash input never repeats for different orders.
/// </summary>
public static class LighterClientOrderIndex
{
    /// <summary>The largest client order index Lighter takes (48 bits).</summary>
    public const long Max = (1L << 48) - 1;

    public static long Of(ClientOrderId id)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id.Value), hash);
        var index = (long)(BinaryPrimitives.ReadUInt64BigEndian(hash) >> 16);
        return index == 0 ? 1 : index;
    }
}
