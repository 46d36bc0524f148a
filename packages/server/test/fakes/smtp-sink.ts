import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { type DecodedMail, decodeMail } from './mime-decode.js';

/** One message the sink accepted. */
export interface SinkMessage extends DecodedMail {
  /** Envelope sender (`MAIL FROM`). */
  from: string;
  /** Envelope recipients (`RCPT TO`). */
  to: string[];
  /** The message as received, headers and body. */
  raw: string;
  receivedAt: Date;
}

/** A running SMTP server on 127.0.0.1 that keeps every message it receives. */
export interface SmtpSink {
  /** `smtp://127.0.0.1:PORT`. */
  url: string;
  host: string;
  port: number;
  /** Messages in arrival order. */
  readonly messages: SinkMessage[];
  /**
   * Resolves with the first message matching `predicate` (default: any), counting messages that
   * already arrived; rejects after `timeoutMs` (default 5000). Use `clear()` between cases.
   */
  waitForMessage(predicate?: (message: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>;
  clear(): void;
  close(): Promise<void>;
}

/**
 * Starts a real SMTP server (`smtp-server`) without STARTTLS; AUTH is optional and any
 * credentials pass. Point nodemailer at it with `{ host: '127.0.0.1', port, ignoreTLS: true }`.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const waiters = new Set<(message: SinkMessage) => void>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    closeTimeout: 200,
    logger: false,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('latin1');
        const mailFrom = session.envelope.mailFrom;
        const message: SinkMessage = {
          ...decodeMail(raw),
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.from(raw, 'latin1').toString('utf8'),
          receivedAt: new Date(),
        };
        messages.push(message);
        for (const waiter of waiters) waiter(message);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    messages,
    waitForMessage: (predicate = () => true, timeoutMs = 5_000) => {
      const seen = messages.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = (message: SinkMessage) => {
          if (!predicate(message)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(message);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(`smtp-sink: no matching message within ${timeoutMs} ms (received ${messages.length})`),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    clear: () => {
      messages.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
