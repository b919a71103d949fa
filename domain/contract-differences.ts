/**
 * A contract posted again for a policy already taken: which of the fields the system of record keeps
 * differ (names only, never the values: some are personal data). A re-post with the same values is
 * harmless and answers the same run; one with other values is refused, since a correction changes
 * who is called and about what and must not pass as a repeat.
 */
import type { Contract } from './contract';

/** What the system of record keeps of a posted contract (personal data decrypted). */
export interface StoredContract {
  channel: string;
  productCode: string | null;
  productType: string;
  termMonths: number | null;
  regionCode: string;
  issuedOn: string | null;
  receiptSignedOn: string | null;
  org: { branch: string; centralSubBranch: string; tier4Office: string };
  agentCode: string;
  /** Absent once shredded (then not compared). */
  personal?: { holderName?: string; holderPhone?: string; holderIdNumber?: string; agentName?: string; agentPhone?: string };
}

/** The dotted names of the posted fields that differ from the stored ones (unknown stored values are not compared). */
export function contractDifferences(stored: StoredContract, posted: Contract): string[] {
  const pairs: [string, unknown, unknown][] = [
    ['channel', stored.channel, posted.channel],
    ['productCode', stored.productCode, posted.productCode],
    ['productType', stored.productType, posted.productType],
    ['termMonths', stored.termMonths, posted.termMonths],
    ['regionCode', stored.regionCode, posted.regionCode],
    ['issuedOn', stored.issuedOn, posted.issuedOn],
    ['receiptSignedOn', stored.receiptSignedOn, posted.receiptSignedOn],
    ['org.branch', stored.org.branch, posted.org.branch],
    ['org.centralSubBranch', stored.org.centralSubBranch, posted.org.centralSubBranch],
    ['org.tier4Office', stored.org.tier4Office, posted.org.tier4Office],
    ['agent.code', stored.agentCode, posted.agent.code],
  ];
  const p = stored.personal;
  if (p) {
    pairs.push(
      ['policyholder.name', p.holderName, posted.policyholder.name],
      ['policyholder.phone', p.holderPhone, posted.policyholder.phone],
      ['policyholder.idNumber', p.holderIdNumber, posted.policyholder.idNumber],
      ['agent.name', p.agentName, posted.agent.name],
      ['agent.phone', p.agentPhone, posted.agent.phone],
    );
  }
  return pairs.filter(([, was, now]) => was !== null && was !== undefined && was !== now).map(([field]) => field);
}

/** Why a re-post is refused (its differing fields named), or undefined when it is new or a harmless repeat. */
export function repostRefusal(stored: StoredContract | undefined, posted: Contract): string | undefined {
  const differ = stored ? contractDifferences(stored, posted) : [];
  if (differ.length === 0) return undefined;
  return `policy ${posted.policyNo} was posted before with other values (${differ.join(', ')}): a re-post does not change a contract already taken`;
}
