/**
 * Realistic contracts for tests: valid by default, with the fields a test cares about overridden.
 * Dated from the test server's day (test-clock.ts): issued 3 days and receipt signed 1 day before it,
 * so the cooling-off period (15 days from the day after the receipt) is running.
 */
import type { Contract } from '../../domain/contract';
import { addCalendarDays } from '../../domain/local-time';
import { testToday } from './test-clock';

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
    issuedOn: addCalendarDays(testToday(), -3),
    receiptSignedOn: addCalendarDays(testToday(), -1),
    regionCode: '310000',
    org: { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03' },
    agent: { code: 'A10086', name: '王芳', phone: '13800000001' },
    policyholder: { name: '张三', phone: '13912345678', idNumber: '310101199001011234' },
    ...overrides,
  };
}
