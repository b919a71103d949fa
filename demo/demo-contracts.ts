/**
 * A realistic day of new contracts for the demo, all fictional: agency and bancassurance, every
 * product type, offices in Shanghai, Beijing, Shenzhen and Hangzhou, and policyholders whose phone
 * numbers end in the digits that make the simulated dialer (call-center/simulated-dialer.ts) give
 * each outcome. Some match no callback rule (a one-year accident policy) or are not drawn by the
 * sample (other bancassurance), so they close as NOT_REQUIRED.
 */
import type { Contract, ProductType } from '../domain/contract';
import { isValidResidentId } from '../domain/contract';
import { addCalendarDays, localDateOf } from '../domain/local-time';

/** What the simulated call center and staff will make of a contract, and where it should end up. */
export interface DemoScenario {
  name: string;
  /** The phone number's last two digits (the dialer's outcome), or null for no number on file. */
  phoneSuffix: string | null;
  /** Stages the policy is expected to reach (any of them); undefined when it depends on the sample. */
  expected?: readonly string[];
  count: number;
  agency: boolean;
}

export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  { name: 'clean call', phoneSuffix: '21', expected: ['COMPLETED'], count: 10, agency: true },
  { name: 'busy, then a clean call', phoneSuffix: '04', expected: ['COMPLETED'], count: 2, agency: true },
  { name: 'refuses the callback', phoneSuffix: '05', expected: ['REFUSED'], count: 2, agency: true },
  { name: 'asks to be called back in two hours', phoneSuffix: '08', expected: ['AWAITING_CALL'], count: 1, agency: true },
  { name: 'wrong number: a failed-callback ticket, the agent gives a new one', phoneSuffix: '00', expected: ['COMPLETED'], count: 2, agency: true },
  { name: 'number suspended: a failed-callback ticket', phoneSuffix: '02', expected: ['COMPLETED'], count: 1, agency: true },
  { name: 'no number on file: a failed-callback ticket', phoneSuffix: null, expected: ['COMPLETED'], count: 1, agency: true },
  { name: 'never answers: 3 attempts, then a failed-callback ticket', phoneSuffix: '03', expected: ['COMPLETED'], count: 2, agency: true },
  { name: 'signature not theirs: level-1 tickets until the branch takes over', phoneSuffix: '06', expected: ['CLOSED_BY_BRANCH'], count: 2, agency: true },
  { name: 'contract not received: a level-2 ticket collected and archived', phoneSuffix: '07', expected: ['COMPLETED'], count: 3, agency: true },
  { name: 'one-year accident policy: no rule applies', phoneSuffix: '21', expected: ['NOT_REQUIRED'], count: 3, agency: true },
  { name: 'other bancassurance: sampled (R3, 50%; 80% in Shanghai)', phoneSuffix: '33', count: 7, agency: false },
];

/**
 * The demo's own fictional organisation (codes DM-…, agents DA…/DB…), never the example offices of
 * examples/contract.json and the demo users (SH, SH-PD, SH-PD-03, A10086): a demo run must not fill
 * a person's work lists with a day of made-up cases. The regions are real, for the rules.
 */
const OFFICES = [
  { regionCode: '310115', org: { branch: 'DM-SH', centralSubBranch: 'DM-SH-PD', tier4Office: 'DM-SH-PD-03' } },
  { regionCode: '310104', org: { branch: 'DM-SH', centralSubBranch: 'DM-SH-XH', tier4Office: 'DM-SH-XH-01' } },
  { regionCode: '110105', org: { branch: 'DM-BJ', centralSubBranch: 'DM-BJ-CY', tier4Office: 'DM-BJ-CY-01' } },
  { regionCode: '440305', org: { branch: 'DM-SZ', centralSubBranch: 'DM-SZ-NS', tier4Office: 'DM-SZ-NS-02' } },
  { regionCode: '330106', org: { branch: 'DM-ZJ', centralSubBranch: 'DM-ZJ-HZ', tier4Office: 'DM-ZJ-HZ-05' } },
];
const PRODUCTS: { code: string; type: ProductType; termMonths: number; amount: number; mode: Contract['premium']['mode'] }[] = [
  { code: 'WL20', type: 'traditional', termMonths: 240, amount: 12000, mode: 'annual' },
  { code: 'CI30', type: 'health', termMonths: 360, amount: 5600, mode: 'annual' },
  { code: 'UL10', type: 'universal', termMonths: 120, amount: 100000, mode: 'single' },
  { code: 'PAR5', type: 'participating', termMonths: 60, amount: 50000, mode: 'annual' },
  { code: 'IL8', type: 'investment-linked', termMonths: 96, amount: 80000, mode: 'single' },
  { code: 'EN10', type: 'traditional', termMonths: 120, amount: 20000, mode: 'annual' },
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明'];

export interface DemoContract {
  contract: Contract;
  scenario: DemoScenario;
}

/**
 * The demo's contracts, numbered `D<yyyymmddHHMMSS>-<nn>` (unique per run, so a second demo adds a
 * new day rather than finding the first one's policies). Receipts were signed 3 to 12 days ago, so
 * cooling-off periods end at different distances from today.
 */
export function demoContracts(now = new Date()): DemoContract[] {
  const today = localDateOf(now);
  const stamp = now.toISOString().slice(0, 19).replace(/\D/g, '');
  const out: DemoContract[] = [];
  let n = 0;
  for (const scenario of DEMO_SCENARIOS) {
    for (let i = 0; i < scenario.count; i++, n++) {
      const office = OFFICES[n % OFFICES.length];
      const accident = scenario.expected?.[0] === 'NOT_REQUIRED';
      const product = accident
        ? { code: 'ACC1', type: 'accident' as const, termMonths: 12, amount: 300, mode: 'annual' as const }
        : scenario.agency
          ? PRODUCTS[n % PRODUCTS.length]
          : { code: 'EN5', type: 'traditional' as const, termMonths: 60, amount: 30000, mode: 'single' as const };
      const receiptSignedOn = addCalendarDays(today, -(3 + (n % 10)));
      const agentNo = 10000 + (n % 7) * 117;
      const phone = scenario.phoneSuffix === null ? undefined : `139${String(10_000_000 + n * 7919).slice(-6)}${scenario.phoneSuffix}`;
      out.push({
        scenario,
        contract: {
          policyNo: `D${stamp}-${String(n + 1).padStart(2, '0')}`,
          channel: scenario.agency ? 'agency' : 'bancassurance',
          productCode: product.code,
          productType: product.type,
          termMonths: product.termMonths,
          premium: { amount: product.amount, currency: 'CNY', mode: product.mode },
          issuedOn: addCalendarDays(receiptSignedOn, -3),
          receiptSignedOn,
          regionCode: office.regionCode,
          org: office.org,
          agent: { code: `${scenario.agency ? 'DA' : 'DB'}${agentNo}`, name: fictionalName(n + 5), phone: `137${String(20_000_000 + agentNo).slice(-8)}` },
          policyholder: { name: fictionalName(n), ...(phone ? { phone } : {}), idNumber: fictionalId(office.regionCode, n) },
        },
      });
    }
  }
  return out;
}

function fictionalName(n: number): string {
  return SURNAMES[n % SURNAMES.length] + GIVEN[(n * 5 + 3) % GIVEN.length];
}

/** A well-formed, made-up resident ID: the office's region, a birth date in the 1970s-90s, the right check character. */
function fictionalId(region: string, n: number): string {
  const birth = `19${70 + (n % 25)}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}`;
  const body = `${region}${birth}${String(100 + n).slice(-3)}`;
  const check = '0123456789X'.split('').find((c) => isValidResidentId(body + c))!;
  return body + check;
}
