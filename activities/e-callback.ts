/**
 * The e-callback link: issued in the system of record (only its hash kept) and sent by SMS to the
 * phone on file. Idempotent per link id: a retried send issues the link again with a new token, and
 * the message that arrives last is the one that works.
 */
import type { ECallbackConfig } from '../domain/e-callback';
import type { SmsGateway } from '../notifications/sms-gateway';
import { ECallbackLinks } from '../stores/e-callback-links';
import type { EvidenceStore } from '../stores/evidence-store';

export interface SendLinkInput {
  policyNo: string;
  /** The workflow's id for this link: `<policyNo>-E<n>`. */
  linkId: string;
  phone: string;
  /** The workflow's time of sending. */
  now: string;
}

export interface SentLink {
  linkId: string;
  sentAt: string;
  expiresAt: string;
}

export function createECallbackActivities(deps: { evidence: EvidenceStore; sms: SmsGateway; config: ECallbackConfig }) {
  const links = new ECallbackLinks(deps.evidence.db);
  return {
    async sendECallbackLink({ policyNo, linkId, phone, now }: SendLinkInput): Promise<SentLink> {
      const expiresAt = new Date(Date.parse(now) + deps.config.linkValidHours * 3_600_000).toISOString();
      const token = await links.issue(policyNo, linkId, now, expiresAt);
      await deps.sms.send({
        to: phone,
        kind: 'e-callback-link',
        policyNo,
        text: `【新契约回访】您的保单可在线完成回访，请投保人本人打开：${deps.config.linkBaseUrl}#${token} （${deps.config.linkValidHours}小时内有效，仅可使用一次）`,
      });
      return { linkId, sentAt: now, expiresAt };
    },
  };
}
