namespace Fillwise.Exchange;
internal static class ExchangeAssembly { }
