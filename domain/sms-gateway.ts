/**
 * Text messages to policyholders (the e-callback link, the one-time code): the interface a real SMS
 * provider plugs in behind (notifications/sms-gateway.ts has the simulated one).
 */
export interface SmsMessage {
  to: string;
  text: string;
  /** What it is, for the provider's templates and the record: 'e-callback-link' or 'e-callback-code'. */
  kind: 'e-callback-link' | 'e-callback-code';
  policyNo: string;
}

export interface SmsGateway {
  /** Sends one message; answers the provider's id. Throws when the provider refused it (retried by the caller). */
  send(message: SmsMessage): Promise<{ messageId: string }>;
}

