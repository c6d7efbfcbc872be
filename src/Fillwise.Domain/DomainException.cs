namespace Fillwise.Domain;

/// <summary>A domain rule was broken: the caller asked for something the model does not allow.</summary>
public sealed class DomainException : Exception
{
    public DomainException(string message) : base(message) { }

    public DomainException(string message, Exception inner) : base(message, inner) { }

    public DomainException() { }
}
