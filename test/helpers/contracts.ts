/** Realistic contracts for tests: valid by default, with the fields a test cares about overridden. */
import type { Contract } from '../../domain/contract';

let seq = 0;

export function aContract(overrides: Partial<Contract> = {}): Contract {
  seq++;
  return {
    policyNo: `P2026112${process.pid % 1000}${String(seq).padStart(5, '0')}`,
    channel: 'agency',
    productCode: 'WL20',
    productType: 'traditional',
    termMonths: 240,
    premium: { amount: 12000, currency: 'CNY', mode: 'annual' },
    issuedOn: '2026-11-20',
    receiptSignedOn: '2026-11-23',
    regionCode: '310000',
    org: { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03' },
    agent: { code: 'A10086', name: '王芳', phone: '13800000001' },
    policyholder: { name: '张三', phone: '13912345678', idNumber: '310101199001011234' },
    ...overrides,
  };
}
