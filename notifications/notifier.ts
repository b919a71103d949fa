/**
 * Notifications to staff and agents go through one interface: a log transport by default, email over
 * SMTP where configured (notifications/smtp-notifier.ts). What a notification says is
 * domain/notification.ts; the `notify` activity hands it to the transport.
 */
import { log } from '@temporalio/activity';
import type { Notification } from '../domain/notification';

export interface Notifier {
  send(notification: Notification): Promise<void>;
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  /** Defaults to what the file name suggests. */
  contentType?: string;
}

export interface MailWithAttachments {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  attachments: MailAttachment[];
  /** A stable id (`<…@…>`) keeps retries recognisable as the same message. */
  messageId?: string;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
}

/** Mail with files attached (the 08:30 exemption list): SmtpNotifier, or LogNotifier where no SMTP is set up. */
export interface Mailer {
  sendWithAttachments(message: MailWithAttachments): Promise<SentMail>;
}

export class LogNotifier implements Notifier, Mailer {
  readonly sent: Notification[] = [];
  readonly mailed: MailWithAttachments[] = [];

  /** `keep`: remember what was sent (tests); a long-running worker only logs. */
  constructor(private readonly keep = false) {}

  async send(n: Notification): Promise<void> {
    if (this.keep) this.sent.push(n);
    log.info(`notify ${n.to.role} ${n.to.code}: ${n.subject}`, { kind: n.kind, policyNo: n.policyNo, ticketId: n.ticketId });
  }

  /** No SMTP configured: the message is logged, not mailed. */
  async sendWithAttachments(m: MailWithAttachments): Promise<SentMail> {
    if (this.keep) this.mailed.push(m);
    log.info(`not mailed (no SMTP configured): "${m.subject}" to ${m.to.join(', ')}, ${m.attachments.length} attachment(s)`);
    return { messageId: m.messageId ?? '(not mailed)', accepted: [] };
  }
}
