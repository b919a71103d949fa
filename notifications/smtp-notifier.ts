/**
 * Email over SMTP (nodemailer) for the notifications of notifications/notifier.ts, addressed through the
 * staff directory (config/directory.json, domain/staff-directory.ts), and for mail with attachments
 * (the tier-3 handler's 08:30 exemption list with the signed waivers).
 *
 * Sending errors propagate: the `notify` activity fails and its retry policy tries again, so mail is
 * delayed while the SMTP server is down, never lost. Each notification carries a Message-ID derived
 * from its content and the instant it was decided, the same on every retry, so a retry after a reply
 * that got lost shows as a duplicate of the same message.
 *
 * Subjects and bodies name policies and tickets only. As a last guard, anything shaped like a
 * mainland phone number or resident ID number is replaced before the mail leaves (and the fact, not
 * the value, is logged).
 *
 * Configuration: HUIFANG_SMTP_HOST (unset → notifications are only logged), HUIFANG_SMTP_PORT
 * (default 587, 465 when secure), HUIFANG_SMTP_SECURE (true: TLS from the first byte),
 * HUIFANG_SMTP_USER / HUIFANG_SMTP_PASSWORD (both or neither), HUIFANG_SMTP_FROM.
 * For local runs, `npx tsx scripts/local-smtp.ts` starts a real SMTP server that keeps every message.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { createTransport, type Transporter } from 'nodemailer';
import { resolveRecipients, type StaffDirectory } from '../domain/staff-directory';
import type { Notification } from '../domain/notification';
import { LogNotifier, type MailWithAttachments, type Mailer, type Notifier, type SentMail } from './notifier';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** Sender, e.g. `"回访系统" <huifang@example.com>`. */
  from: string;
}

interface Log {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** Outside an activity (scripts, tests) only what needs attention is printed. */
const consoleLog: Log = {
  info: () => undefined,
  warn: (message, meta) => console.warn(`[huifang] ${message}`, meta ?? ''),
};

/** The activity's logger inside an activity, the console elsewhere (scripts, tests). */
function currentLog(): Log {
  try {
    return Context.current().log;
  } catch {
    return consoleLog;
  }
}

export class SmtpNotifier implements Notifier, Mailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(
    settings: SmtpSettings,
    private readonly directory: StaffDirectory,
  ) {
    const secure = settings.secure ?? settings.port === 465;
    this.from = settings.from;
    this.transport = createTransport({
      host: settings.host,
      port: settings.port,
      secure,
      auth: settings.auth,
      // Inside the notify activity's 1-minute start-to-close timeout, so a hung server fails the
      // attempt (and the retry policy tries again) rather than timing the activity out.
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      dnsTimeout: 10_000,
    });
  }

  async send(n: Notification): Promise<void> {
    const log = currentLog();
    const { to, fallbackReason } = resolveRecipients(n.to, this.directory);
    if (fallbackReason) log.warn(`mail falls back to ${to.join(', ')}: ${fallbackReason}`, { kind: n.kind, ticketId: n.ticketId, role: n.to.role, code: n.to.code });

    const keep = [n.policyNo, n.ticketId].filter((s): s is string => !!s);
    const subject = redactPersonalData(n.subject, keep);
    const body = redactPersonalData(n.body, keep);
    if (subject.redacted + body.redacted > 0) {
      log.warn('personal data removed from a notification before mailing it', { kind: n.kind, ticketId: n.ticketId, count: subject.redacted + body.redacted });
    }
    const text = fallbackReason
      ? `${body.text}\n\n--\n发至备用地址 (sent to the fallback address): ${fallbackReason}. 收件人 (meant for): ${n.to.role} ${n.to.code}.`
      : body.text;

    const headers: Record<string, string> = { 'X-Huifang-Kind': n.kind, 'X-Huifang-Recipient': `${n.to.role} ${n.to.code}` };
    if (n.ticketId) headers['X-Huifang-Ticket'] = n.ticketId;
    if (n.policyNo) headers['X-Huifang-Policy'] = n.policyNo;
    if (fallbackReason) headers['X-Huifang-Fallback'] = 'true';
    const date = new Date(n.sentAt);

    const info = await this.transport.sendMail({
      from: this.from,
      to,
      subject: subject.text,
      text,
      headers,
      messageId: notificationMessageId(n, this.from),
      date: Number.isNaN(date.getTime()) ? undefined : date,
    });
    this.checkAccepted(info, to, log);
    log.info(`mailed ${n.kind} to ${n.to.role} ${n.to.code}`, { ticketId: n.ticketId, messageId: info.messageId, recipients: to.length });
  }

  /** A message with files attached (the 08:30 exemption list and its signed waivers). */
  async sendWithAttachments(message: MailWithAttachments): Promise<SentMail> {
    if (message.to.length === 0) throw new Error('sendWithAttachments: no recipient given');
    const log = currentLog();
    const subject = redactPersonalData(message.subject);
    const text = redactPersonalData(message.text);
    if (subject.redacted + text.redacted > 0) {
      log.warn('personal data removed from a message before mailing it', { count: subject.redacted + text.redacted });
    }
    const info = await this.transport.sendMail({
      from: this.from,
      to: message.to,
      cc: message.cc,
      subject: subject.text,
      text: text.text,
      messageId: message.messageId,
      attachments: message.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    });
    const accepted = this.checkAccepted(info, message.to, log);
    log.info(`mailed "${subject.text}" with ${message.attachments.length} attachment(s)`, { messageId: info.messageId, recipients: accepted.length });
    return { messageId: info.messageId, accepted };
  }

  /** Closes idle connections (the transport opens one per message). */
  close(): void {
    this.transport.close();
  }

  private checkAccepted(info: { accepted?: unknown[]; rejected?: unknown[]; messageId: string }, to: string[], log: Log): string[] {
    const accepted = (info.accepted ?? []).map(String);
    const rejected = (info.rejected ?? []).map(String);
    // nodemailer already fails when every recipient is refused; refuse to call it sent if none was taken.
    if (accepted.length === 0) throw new Error(`the SMTP server accepted none of the recipients (${to.join(', ')})`);
    if (rejected.length > 0) log.warn(`the SMTP server refused some recipients: ${rejected.join(', ')}`, { messageId: info.messageId });
    return accepted;
  }
}

/** Same notification, same id: derived from what it says, to whom, and the instant it was decided. */
export function notificationMessageId(n: Notification, from: string): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([n.kind, n.to.role, n.to.code, n.ticketId ?? '', n.policyNo ?? '', n.sentAt, n.subject]))
    .digest('hex')
    .slice(0, 32);
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'huifang.invalid';
  return `<${n.kind}.${hash}@${domain}>`;
}

const NOT_WORD_BEFORE = '(?<![A-Za-z0-9+-])';
const NOT_WORD_AFTER = '(?![A-Za-z0-9])';
const PERSONAL_DATA: [RegExp, string][] = [
  // 18-character resident identity number
  [new RegExp(`${NOT_WORD_BEFORE}\\d{17}[\\dXx]${NOT_WORD_AFTER}`, 'g'), '[ID redacted]'],
  // mainland mobile, optionally +86 and spaced or dashed (138 1234 5678)
  [new RegExp(`${NOT_WORD_BEFORE}(?:\\+?86[ -]?)?1[3-9]\\d[ -]?\\d{4}[ -]?\\d{4}${NOT_WORD_AFTER}`, 'g'), '[phone redacted]'],
  // landline with area code (021-12345678, 02112345678)
  [new RegExp(`${NOT_WORD_BEFORE}0\\d{2,3}[ -]?\\d{7,8}${NOT_WORD_AFTER}`, 'g'), '[phone redacted]'],
];

/**
 * Replaces what looks like a phone number or a resident ID number; `keep` (the notification's own
 * policy number and ticket id) is left untouched whatever it looks like.
 */
export function redactPersonalData(text: string, keep: readonly string[] = []): { text: string; redacted: number } {
  let redacted = 0;
  const scrub = (part: string) =>
    PERSONAL_DATA.reduce(
      (acc, [pattern, replacement]) =>
        acc.replace(pattern, () => {
          redacted++;
          return replacement;
        }),
      part,
    );
  const tokens = [...new Set(keep.filter((k) => k.length > 0))].sort((a, b) => b.length - a.length);
  if (tokens.length === 0) return { text: scrub(text), redacted };
  const split = new RegExp(`(${tokens.map(escapeRegExp).join('|')})`);
  const out = text
    .split(split)
    .map((part, i) => (i % 2 === 1 ? part : scrub(part)))
    .join('');
  return { text: out, redacted };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class SmtpSettingsError extends Error {}

/** SMTP settings from HUIFANG_SMTP_*, or undefined when HUIFANG_SMTP_HOST is not set. */
export function smtpSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpSettings | undefined {
  const host = env.HUIFANG_SMTP_HOST?.trim();
  if (!host) return undefined;

  const secureRaw = env.HUIFANG_SMTP_SECURE?.trim().toLowerCase();
  let secure: boolean | undefined;
  if (secureRaw === undefined || secureRaw === '') secure = undefined;
  else if (['true', '1', 'yes'].includes(secureRaw)) secure = true;
  else if (['false', '0', 'no'].includes(secureRaw)) secure = false;
  else throw new SmtpSettingsError(`HUIFANG_SMTP_SECURE: must be true or false, not "${env.HUIFANG_SMTP_SECURE}"`);

  const portRaw = env.HUIFANG_SMTP_PORT?.trim();
  const port = portRaw ? Number(portRaw) : secure ? 465 : 587;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SmtpSettingsError(`HUIFANG_SMTP_PORT: must be a port number (1-65535), not "${env.HUIFANG_SMTP_PORT}"`);
  }

  const user = env.HUIFANG_SMTP_USER;
  const pass = env.HUIFANG_SMTP_PASSWORD;
  if (!!user !== !!pass) throw new SmtpSettingsError('HUIFANG_SMTP_USER and HUIFANG_SMTP_PASSWORD: set both or neither');

  const from = env.HUIFANG_SMTP_FROM?.trim() || 'huifang@example.com';
  if (!/@[^@\s>]+>?$/.test(from)) throw new SmtpSettingsError(`HUIFANG_SMTP_FROM: must name an email address, not "${from}"`);

  return { host, port, secure: secure ?? port === 465, auth: user && pass ? { user, pass } : undefined, from };
}

/** Email when HUIFANG_SMTP_HOST is set, else notifications are only logged. */
export function notifierFromEnv(directory: StaffDirectory, env: NodeJS.ProcessEnv = process.env): Notifier & Mailer {
  const settings = smtpSettingsFromEnv(env);
  return settings ? new SmtpNotifier(settings, directory) : new LogNotifier();
}
