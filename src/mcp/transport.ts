// A transport wrapper for clients that pipe their requests and close their end at once (scripts, CI, QA):
// the session ends only after every request already read has been answered, and a line that is not JSON
// gets a JSON-RPC parse error instead of silence. Public Transport API only; the SDK's stdio transport does
// the reading and writing.
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

// JSON-RPC 2.0 answers a line it cannot parse with id null; the SDK's type allows only an omitted id.
const PARSE_ERROR = { jsonrpc: '2.0', id: null, error: { code: ErrorCode.ParseError, message: 'Parse error' } } as unknown as JSONRPCMessage;

export class DrainingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  /** Requests read that are neither answered nor cancelled yet. */
  private readonly unanswered = new Set<RequestId>();
  private inputEnded = false;
  private closed = false;

  constructor(private readonly inner: Transport) {
    inner.onclose = () => this.onclose?.();
    inner.onmessage = (message, extra) => {
      if ('method' in message && 'id' in message) this.unanswered.add(message.id);
      // A cancelled request gets no reply (the SDK drops its result), so nothing is left to wait for.
      else if ('method' in message && message.method === 'notifications/cancelled') this.answered(message.params?.requestId as RequestId);
      this.onmessage?.(message, extra);
    };
    inner.onerror = (error) => {
      // The SDK's reader reports a line JSON.parse refused as its SyntaxError and goes on to the next line.
      if (error instanceof SyntaxError) this.inner.send(PARSE_ERROR).catch((err: Error) => this.onerror?.(err));
      this.onerror?.(error);
    };
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    try {
      await this.inner.send(message, options);
    } finally {
      if ('id' in message && !('method' in message) && message.id !== undefined) this.answered(message.id);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The client sends nothing more: close once every request read so far has its reply written. */
  closeWhenAnswered(): void {
    this.inputEnded = true;
    this.answered(undefined);
  }

  private answered(id: RequestId | undefined): void {
    if (id !== undefined) this.unanswered.delete(id);
    if (!this.inputEnded || this.closed || this.unanswered.size > 0) return;
    this.closed = true;
    void this.close();
  }
}
