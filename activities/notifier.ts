/**
 * Notifications to staff and agents go through one interface: a log transport by default, email over
 * SMTP where configured (activities/smtp-notifier.ts). Messages name policies and tickets, never the
 * policyholder's personal data.
 */
import { log } from '@temporalio/activity';
import type { ActorRole } from '../domain/ticket';
import type { MailWithAttachments, SentMail } from './smtp-notifier';

export interface Recipient {
  role: ActorRole;
  /** Office code (branch, central sub-branch, tier-4 office) or agent code. */
  code: string;
}

export interface Notification {
  kind: 'ticket-created' | 'ticket-reminder' | 'ticket-overdue' | 'ticket-escalated' | 'exemption-list' | 'fallback-task' | 'callback-escalated' | 'branch-reminder' | 'recording-reminder' | 'dispatch-reminder';
  to: Recipient;
  subject: string;
  body: string;
  policyNo?: string;
  ticketId?: string;
  /** Workflow time at which it was decided to send it (the reminder's instant, say). */
  sentAt: string;
}

export interface Notifier {
  send(notification: Notification): Promise<void>;
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

/** Mail with files attached (the 08:30 exemption list): SmtpNotifier, or LogNotifier where no SMTP is set up. */
export interface Mailer {
  sendWithAttachments(message: MailWithAttachments): Promise<SentMail>;
}

export function createNotifierActivities(notifier: Notifier) {
  return {
    async notify(notification: Notification): Promise<void> {
      await notifier.send(notification);
    },
  };
}
