/** The assessment activity's plan, without a server: no attempt before the cooling-off period starts. */
import { createAssessActivities } from '../activities/assess-contract';
import { addCalendarDays, instantAt } from '../domain/local-time';
import { aContract } from './helpers/contracts';
import { testSettings } from './helpers/test-calendar';

const NOW = new Date('2030-05-08T10:00:00+08:00');
const { assessContract } = createAssessActivities(testSettings(NOW, 0));

test('a receipt signed today: the first attempt is planned from tomorrow 00:00, when the cooling-off period starts', async () => {
  const a = await assessContract({ contract: aContract({ issuedOn: '2030-05-06', receiptSignedOn: '2030-05-08' }), now: NOW.toISOString() });
  expect(a.coolingOff.startsOn).toBe('2030-05-09');
  expect(a.plan.length).toBeGreaterThan(0);
  expect(Date.parse(a.plan[0].start)).toBeGreaterThanOrEqual(instantAt('2030-05-09', '00:00').getTime());
});

test('a receipt signed before today: the plan starts from now (the same day)', async () => {
  const a = await assessContract({ contract: aContract({ issuedOn: '2030-05-04', receiptSignedOn: addCalendarDays('2030-05-08', -2) }), now: NOW.toISOString() });
  expect(a.plan[0].start.slice(0, 10)).toBe('2030-05-08');
});
