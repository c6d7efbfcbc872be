using System.Buffers;
using System.Net.WebSockets;

namespace Fillwise.Venues.Aster;

/// <summary>
/// One Aster WebSocket, kept open: connect, hand every text frame to the caller, and on any
/// drop reconnect after a seeded, doubling backoff (reset once a connection has lived).
/// </summary>
internal sealed class AsterSocket(AsterTransport transport, Func<ClientWebSocket>? socketFactory = null)
{
    public int Connections { get; private set; }

    public bool IsConnected { get; private set; }

    /// <summary>
    /// Runs until <paramref name="ct"/> is cancelled. <paramref name="url"/> is asked anew on every
    /// connect (a user stream needs a live listenKey); <paramref name="connected"/> runs after each
    /// connect with whether it is a reconnect.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task<Uri>> url, Func<bool, Task> connected, Func<ReadOnlyMemory<byte>, Task> frame, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            using var socket = socketFactory?.Invoke() ?? new ClientWebSocket();
            try
            {
                await socket.ConnectAsync(await url(ct), ct);
                IsConnected = true;
                Connections++;
                failures = 0;
                await connected(Connections > 1);
                await ReadAsync(socket, frame, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Any failure of a connection (refused, cut, bad listenKey) means one thing: reconnect after a pause.
            catch (Exception)
#pragma warning restore CA1031
            {
                failures++;
            }
            finally
            {
                IsConnected = false;
            }
            if (ct.IsCancellationRequested) break;
            try
            {
                await Task.Delay(transport.Backoff(Math.Max(1, failures)), transport.Time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static async Task ReadAsync(ClientWebSocket socket, Func<ReadOnlyMemory<byte>, Task> frame, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (socket.State == WebSocketState.Open && !ct.IsCancellationRequested)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.GetMemory(4096), ct);
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
            if (result.MessageType == WebSocketMessageType.Close) return;
            await frame(buffer.WrittenMemory);
        }
    }
}
