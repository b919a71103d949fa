/** A re-posted contract against what the system of record keeps: field names that differ, unknowns not compared. */
import { contractDifferences, type StoredContract } from '../domain/contract-differences';
import { aContract } from './helpers/contracts';

const contract = aContract({ policyNo: 'P-DIFF-0001' });
const stored: StoredContract = {
  channel: contract.channel,
  productCode: contract.productCode,
  productType: contract.productType,
  termMonths: contract.termMonths,
  regionCode: contract.regionCode,
  issuedOn: contract.issuedOn,
  receiptSignedOn: contract.receiptSignedOn,
  org: { ...contract.org },
  agentCode: contract.agent.code,
  personal: { holderName: contract.policyholder.name, holderPhone: contract.policyholder.phone, holderIdNumber: contract.policyholder.idNumber, agentName: contract.agent.name, agentPhone: contract.agent.phone },
};

test('the same contract differs in nothing', () => {
  expect(contractDifferences(stored, contract)).toEqual([]);
});

test('each kept field that differs is named, in a fixed order', () => {
  const posted = { ...contract, termMonths: contract.termMonths + 12, org: { ...contract.org, tier4Office: 'ELSEWHERE' }, agent: { ...contract.agent, code: 'A-OTHER', phone: '13800000000' }, policyholder: { ...contract.policyholder, idNumber: '11010519491231002X' } };
  expect(contractDifferences(stored, posted)).toEqual(['termMonths', 'org.tier4Office', 'agent.code', 'policyholder.idNumber', 'agent.phone']);
});

test('what the store does not know (an old row, shredded personal data) is not compared', () => {
  const old: StoredContract = { ...stored, productCode: null, termMonths: null, personal: undefined };
  expect(contractDifferences(old, { ...contract, productCode: 'OTHER', termMonths: 1, policyholder: { ...contract.policyholder, name: '另一人' } })).toEqual([]);
});
