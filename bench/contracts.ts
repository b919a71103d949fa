/** Unique, valid contracts for the benchmark: agency, 20 years (rule R1, ratio 1: always called). */
import type { Contract } from '../domain/contract';
import { addCalendarDays, localDateOf } from '../domain/local-time';

/** Phone endings the bench call center understands (see bench/call-center.ts). */
export const CLEAN_PHONE_SUFFIX = '99';
export const LEVEL1_PHONE_SUFFIX = '06';

export class ContractFactory {
  private seq = 0;
  private readonly today = localDateOf(new Date());

  /** `tag`: a few letters or digits that make this run's policy numbers unique (e.g. per phase). */
  constructor(private readonly tag: string) {}

  next(phoneSuffix = CLEAN_PHONE_SUFFIX): Contract {
    const n = ++this.seq;
    return {
      policyNo: `B${this.tag}-${String(n).padStart(7, '0')}`,
      channel: 'agency',
      productCode: 'WL20',
      productType: 'traditional',
      termMonths: 240,
      premium: { amount: 12000, currency: 'CNY', mode: 'annual' },
      // Signed yesterday: the cooling-off period has started, so the first call can go out at once.
      issuedOn: addCalendarDays(this.today, -3),
      receiptSignedOn: addCalendarDays(this.today, -1),
      regionCode: '310000',
      org: { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03' },
      agent: { code: 'A10086', name: '王芳', phone: '13800000001' },
      policyholder: { name: '张三', phone: `139${String(n % 1_000_000).padStart(6, '0')}${phoneSuffix}`, idNumber: '310101199001011234' },
    };
  }
}
