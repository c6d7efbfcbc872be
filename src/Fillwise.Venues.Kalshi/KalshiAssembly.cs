namespace Fillwise.Venues.Kalshi;
internal static class KalshiAssembly { }
