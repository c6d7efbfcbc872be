using Fillwise.Domain.Values;

namespace Fillwise.Exchange.Core.Internal;

/// <summary>A print as stored: views (with their id strings) are built only when someone reads the tape.</summary>
internal readonly record struct TradeRecord(long Sequence, int YesTick, long Lots, BookSide TakerSide, long TimeTicks);

/// <summary>One side of an execution as stored for its owner; GetFills builds the views.</summary>
internal readonly record struct FillRecord(long TradeSequence, Order Order, string? ClientOrderId, int YesTick, long Lots, bool IsTaker,
    long FeeMicros, long PostPositionLots, long TimeTicks);
