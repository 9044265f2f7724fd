// A transport wrapper for clients that pipe their requests and close their end at once (scripts, CI, QA):
// the session ends only after every request already read has been answered, a line that is not JSON gets a
// JSON-RPC parse error and JSON that is not a JSON-RPC message an Invalid Request error, instead of silence,
// and params the SDK's schema refuses get Invalid params in one line. Public Transport API only; the SDK's
// stdio transport does the reading and writing.
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

// JSON-RPC 2.0 answers a line it cannot parse, or a parsed value that is not a request (`{"foo":1}`, `[]`),
// with id null; the SDK's type allows only an omitted id.
const errorReply = (code: number, message: string): JSONRPCMessage => ({ jsonrpc: '2.0', id: null, error: { code, message } }) as unknown as JSONRPCMessage;
const PARSE_ERROR = errorReply(ErrorCode.ParseError, 'Parse error');
const INVALID_REQUEST = errorReply(ErrorCode.InvalidRequest, 'Invalid Request');

/** The SDK's reader reports valid JSON that is not a JSON-RPC message as the schema's (zod) validation error. */
function isSchemaError(error: Error): boolean {
  return Array.isArray((error as { issues?: unknown }).issues);
}

/** One issue of a zod error, as the SDK serialises it into an error message. */
interface Issue {
  path: (string | number)[];
  message: string;
}

function isIssueList(v: unknown): v is Issue[] {
  return Array.isArray(v) && v.length > 0 && v.every((i) => i && typeof i === 'object' && Array.isArray((i as Issue).path) && typeof (i as Issue).message === 'string');
}

/**
 * The SDK checks a request's params against the method's schema before any handler runs, and answers a
 * mismatch (`"arguments":"str"`, no params at all) as -32603 Internal error with the zod issues as pages of
 * JSON. That is the client's error: -32602 Invalid params, in one line naming the field.
 */
function asInvalidParams(message: JSONRPCMessage): JSONRPCMessage {
  if (!('error' in message) || message.error.code !== ErrorCode.InternalError) return message;
  let issues: unknown;
  try {
    issues = JSON.parse(message.error.message);
  } catch {
    return message;
  }
  if (!isIssueList(issues)) return message;
  const what = issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message.replace(/^Invalid input: /, '').replace(/\bexpected record\b/, 'expected object')}`).join('; ');
  return { ...message, error: { code: ErrorCode.InvalidParams, message: `Invalid params: ${what}` } };
}

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
      // The SDK's reader reports a line JSON.parse refused as its SyntaxError, and JSON that is not a JSON-RPC
      // message as a schema error (pages of issues: logged as one line), and goes on to the next line.
      const reply = error instanceof SyntaxError ? PARSE_ERROR : isSchemaError(error) ? INVALID_REQUEST : undefined;
      if (reply) this.inner.send(reply).catch((err: Error) => this.onerror?.(err));
      this.onerror?.(reply === INVALID_REQUEST ? new Error('a line is valid JSON but not a JSON-RPC message: answered Invalid Request') : error);
    };
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    try {
      await this.inner.send(asInvalidParams(message), options);
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
