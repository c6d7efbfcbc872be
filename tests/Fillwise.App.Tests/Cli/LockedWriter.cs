using System.Text;

namespace Fillwise.App.Tests.Cli;

/// <summary>A writer the command writes to while the test reads it.</summary>
internal sealed class LockedWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get { lock (_text) return _text.ToString(); }
    }

    public override void Write(char value)
    {
        lock (_text) _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text) _text.Append(value);
    }

    public override Task WriteLineAsync(string? value)
    {
        lock (_text) _text.Append(value).Append('\n');
        return Task.CompletedTask;
    }
}
