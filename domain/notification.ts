/**
 * What the workflows decide to tell staff and agents: a notification names its recipient by role and
 * office (or agent) code, and policies and tickets, never the policyholder's personal data. How it
 * reaches them (a log line, mail) is notifications/.
 */
import type { ActorRole } from './ticket';

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
