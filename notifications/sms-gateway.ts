/**
 * The simulated SMS gateway (domain/sms-gateway.ts is the interface a real provider implements): it
 * records what it would send, in memory (tests read the link and the code there) and, given a file,
 * one JSON line per message, owner-only, the number masked (a person trying `npm start` opens the
 * link from there).
 */
import { appendFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { maskedPhone } from '../domain/e-callback';
import type { SmsGateway, SmsMessage } from '../domain/sms-gateway';

export type { SmsGateway, SmsMessage };

export class SimulatedSmsGateway implements SmsGateway {
  readonly sent: (SmsMessage & { messageId: string; at: string })[] = [];

  constructor(private readonly outboxFile?: string) {}

  async send(message: SmsMessage): Promise<{ messageId: string }> {
    const messageId = `sim-${randomUUID()}`;
    const at = new Date().toISOString();
    this.sent.push({ ...message, messageId, at });
    if (this.outboxFile) {
      const line = JSON.stringify({ at, messageId, kind: message.kind, policyNo: message.policyNo, to: maskedPhone(message.to), text: message.text });
      await appendFile(this.outboxFile, line + '\n', { mode: 0o600 });
    }
    return { messageId };
  }

  /** The last message of `kind` to the policy (tests). */
  last(policyNo: string, kind: SmsMessage['kind']): SmsMessage | undefined {
    return [...this.sent].reverse().find((m) => m.policyNo === policyNo && m.kind === kind);
  }
}
