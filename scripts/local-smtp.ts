/**
 * A real SMTP server for local runs and tests (the `smtp-server` package): accepts any sender, any
 * recipient and any login, parses each message with mailparser, keeps it in memory and, given a
 * maildir, writes it there as an .eml file before acknowledging it.
 *
 *   npx tsx scripts/local-smtp.ts       # 127.0.0.1:${HUIFANG_SMTP_PORT:-2525} (0: any free port),
 *                                       # mail saved to ${HUIFANG_SMTP_MAILDIR:-data/mail}
 *
 * then run the worker with HUIFANG_SMTP_HOST=127.0.0.1 HUIFANG_SMTP_PORT=2525 to get its mail there.
 * Tests start it in-process with `startLocalSmtp({ port: 0 })`. No TLS: it listens on loopback only.
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface LocalSmtpOptions {
  /** 0 picks a free port; default 2525. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Folder to save each message into as <time>-<n>.eml (created when missing). */
  maildir?: string;
  /** Called for each message once stored. */
  onMessage?: (message: ReceivedMail) => void;
}

export interface ReceivedMail {
  parsed: ParsedMail;
  /** The message exactly as received. */
  raw: Buffer;
  /** The SMTP envelope (MAIL FROM / RCPT TO), which may differ from the headers. */
  envelope: { from: string | undefined; to: string[] };
  /** The .eml file, when a maildir was given. */
  file?: string;
}

export interface LocalSmtp {
  host: string;
  port: number;
  /** Every message received so far, parsed, in order of arrival. */
  messages: ParsedMail[];
  /** The same, with raw bytes, envelope and file. */
  received: ReceivedMail[];
  maildir?: string;
  /** The first message (already received or still to come) matching `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  stop(): Promise<void>;
}

export const DEFAULT_LOCAL_SMTP_PORT = 2525;

export async function startLocalSmtp(options: LocalSmtpOptions = {}): Promise<LocalSmtp> {
  const host = options.host ?? '127.0.0.1';
  const maildir = options.maildir === undefined ? undefined : resolve(options.maildir);
  if (maildir) mkdirSync(maildir, { recursive: true });

  const messages: ParsedMail[] = [];
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let seq = 0;

  const server = new SMTPServer({
    name: 'huifang-local-smtp',
    banner: 'huifang local SMTP (test and development only)',
    logger: false,
    // Plain SMTP on loopback: no STARTTLS to negotiate (a self-signed certificate would be refused),
    // any login accepted, logging in optional.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size: 50 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        void (async () => {
          const raw = Buffer.concat(chunks);
          let file: string | undefined;
          if (maildir) {
            const n = ++seq;
            file = join(maildir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(n).padStart(4, '0')}.eml`);
            await writeFile(file, raw);
          }
          const parsed = await simpleParser(raw);
          const mail: ReceivedMail = {
            parsed,
            raw,
            envelope: {
              from: addressOf(session.envelope.mailFrom),
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            file,
          };
          messages.push(parsed);
          received.push(mail);
          options.onMessage?.(mail);
          for (const wake of [...waiters]) wake();
        })().then(
          () => callback(),
          (err: Error) => callback(err),
        );
      });
    },
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (err: Error) => rejectListen(err);
    server.once('error', onError);
    server.listen(options.port ?? DEFAULT_LOCAL_SMTP_PORT, host, () => {
      server.off('error', onError);
      // Errors on single connections (a client hanging up) are not the server's failure.
      server.on('error', () => undefined);
      resolveListen();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  const waitFor = (predicate: (mail: ParsedMail) => boolean, timeoutMs = 10_000): Promise<ParsedMail> =>
    new Promise((resolveWait, rejectWait) => {
      const found = messages.find(predicate);
      if (found) return resolveWait(found);
      let checked = messages.length;
      const wake = () => {
        for (; checked < messages.length; checked++) {
          if (predicate(messages[checked])) {
            clearTimeout(timer);
            waiters.delete(wake);
            return resolveWait(messages[checked]);
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(wake);
        rejectWait(new Error(`no matching message within ${timeoutMs} ms (${messages.length} received on ${host}:${port})`));
      }, timeoutMs);
      waiters.add(wake);
    });

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= new Promise<void>((done) => server.close(() => done())));

  return { host, port, messages, received, maildir, waitFor, stop };
}

function addressOf(from: SMTPServerAddress | false): string | undefined {
  return from ? from.address : undefined;
}

async function main(): Promise<void> {
  const portRaw = process.env.HUIFANG_SMTP_PORT;
  const port = portRaw ? Number(portRaw) : DEFAULT_LOCAL_SMTP_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HUIFANG_SMTP_PORT: must be a port number, not "${portRaw}"`);
  const maildir = resolve(process.env.HUIFANG_SMTP_MAILDIR || join(__dirname, '..', 'data', 'mail'));
  const smtp = await startLocalSmtp({
    port,
    host: '127.0.0.1',
    maildir,
    onMessage: (m) => {
      const to = m.envelope.to.join(', ');
      console.log(`[local-smtp] ${m.parsed.date?.toISOString() ?? ''} to ${to}: ${m.parsed.subject ?? '(no subject)'} → ${m.file}`);
    },
  });
  console.log(`[local-smtp] listening on ${smtp.host}:${smtp.port}; saving each message as .eml in ${maildir}`);
  console.log(`[local-smtp] send the worker's mail here: HUIFANG_SMTP_HOST=${smtp.host} HUIFANG_SMTP_PORT=${smtp.port} npm start`);
  const shutdown = () => {
    console.log('[local-smtp] stopping…');
    void smtp.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(`[local-smtp] ${err.message}`);
    process.exit(1);
  });
}
