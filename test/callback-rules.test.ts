import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callbackRulesConfigSchema, decideCallback, type CallbackContract, type CallbackRulesConfig } from '../domain/callback-rules';
import { toFieldErrors } from '../domain/validation';
import { isSampled, sampleValue } from '../domain/sampling';

// The shipped defaults are what is tested.
const rawConfig: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'config', 'callback-rules.json'), 'utf8'));
const config: CallbackRulesConfig = callbackRulesConfigSchema.parse(rawConfig);

const base: CallbackContract = {
  policyNo: 'P202600000001',
  channel: 'agency',
  productType: 'traditional',
  termMonths: 240,
  regionCode: '110105', // Beijing: no regional override in the defaults
};

const policyNos = Array.from({ length: 10_000 }, (_, i) => `B2026${String(i).padStart(8, '0')}`);

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe('sampling', () => {
  it('gives the same value for the same policy and salt, a different one for another salt', () => {
    expect(sampleValue('B202600000001', 's1')).toBe(sampleValue('B202600000001', 's1'));
    expect(sampleValue('B202600000001', 's1')).not.toBe(sampleValue('B202600000001', 's2'));
  });

  it('is the first 52 bits of SHA-256("salt:policyNo") over 2^52, in [0,1)', () => {
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const hex = createHash('sha256').update('salt:B202600000001').digest('hex');
    expect(sampleValue('B202600000001', 'salt')).toBe(parseInt(hex.slice(0, 13), 16) / 2 ** 52);
    for (const no of policyNos.slice(0, 1000)) {
      const v = sampleValue(no, 'x');
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('selects below the ratio: ratio 1 takes everyone, ratio 0 no one', () => {
    expect(isSampled(0.3, 0.5)).toBe(true);
    expect(isSampled(0.5, 0.5)).toBe(false);
    expect(isSampled(0.999999, 1)).toBe(true);
    expect(isSampled(0, 0)).toBe(false);
  });
});

describe('shipped config/callback-rules.json', () => {
  it('lists R1, R2, R3 in order and the example Shanghai override', () => {
    expect(config.rules.map((r) => [r.id, r.ratio])).toEqual([
      ['R1', 1],
      ['R2', 1],
      ['R3', 0.5],
    ]);
    expect(config.regionalOverrides).toEqual([expect.objectContaining({ regionPrefix: '31', ruleIds: ['R3'], ratio: 0.8 })]);
  });
});

describe('R1 agency policies over one year', () => {
  it('requires a callback for an agency policy of 240 months, without sampling', () => {
    const d = decideCallback(base, config);
    expect(d).toMatchObject({ required: true, ruleId: 'R1', ratio: 1, regionalOverride: null });
    expect(d.sampleValue).toBe(sampleValue(base.policyNo, config.samplingSalt));
    expect(d.reason).toMatch(/^R1 .* at ratio 1: every policy, callback required$/);
  });

  it('requires one from 13 months', () => {
    expect(decideCallback({ ...base, termMonths: 13 }, config)).toMatchObject({ required: true, ruleId: 'R1' });
  });

  it('does not require one for an agency policy of 12 months, and says no rule applies', () => {
    const d = decideCallback({ ...base, termMonths: 12 }, config);
    expect(d).toEqual({
      required: false,
      ruleId: null,
      ratio: 0,
      sampleValue: null,
      regionalOverride: null,
      reason: expect.stringMatching(/^no rule applies .*no callback required$/),
    });
    expect(d.reason).toContain('R1: term 12 months ≤ 12');
    expect(d.reason).toContain('R3: channel agency, not bancassurance');
  });
});

describe('R2 bancassurance new-type products', () => {
  it.each(['universal', 'investment-linked', 'participating'] as const)('requires every %s policy', (productType) => {
    for (const policyNo of policyNos.slice(0, 200)) {
      const d = decideCallback({ ...base, policyNo, channel: 'bancassurance', productType, termMonths: 12 }, config);
      expect(d).toMatchObject({ required: true, ruleId: 'R2', ratio: 1 });
    }
  });

  it('applies before R3 even where a regional override raises R3', () => {
    const d = decideCallback({ ...base, channel: 'bancassurance', productType: 'universal', regionCode: '310115' }, config);
    expect(d).toMatchObject({ required: true, ruleId: 'R2', ratio: 1, regionalOverride: null });
  });
});

describe('R3 other bancassurance', () => {
  const bank = { ...base, channel: 'bancassurance' as const, productType: 'traditional' as const };

  it('samples at 0.5 and explains the comparison', () => {
    const decisions = policyNos.slice(0, 200).map((policyNo) => decideCallback({ ...bank, policyNo }, config));
    for (const d of decisions) {
      expect(d.ruleId).toBe('R3');
      expect(d.ratio).toBe(0.5);
      expect(d.required).toBe(d.sampleValue! < 0.5);
      expect(d.reason).toMatch(
        d.required
          ? /^R3 "other bancassurance" at ratio 0\.5: sample 0\.\d{4,} < 0\.5, callback required$/
          : /^R3 "other bancassurance" at ratio 0\.5: sample 0\.\d{4,} ≥ 0\.5, not sampled, no callback required$/,
      );
    }
    expect(decisions.some((d) => d.required)).toBe(true);
    expect(decisions.some((d) => !d.required)).toBe(true);
  });

  it('gives the same decision for the same policy every time', () => {
    const first = decideCallback({ ...bank, policyNo: 'B202600000042' }, config);
    expect(decideCallback({ ...bank, policyNo: 'B202600000042' }, config)).toEqual(first);
  });

  it('draws a different sample under a different salt', () => {
    const other = { ...config, samplingSalt: 'another-salt' };
    const values = policyNos.slice(0, 100).map((policyNo) => [
      decideCallback({ ...bank, policyNo }, config).sampleValue,
      decideCallback({ ...bank, policyNo }, other).sampleValue,
    ]);
    expect(values.every(([a, b]) => a !== b)).toBe(true);
  });

  it.each([
    ['outside Shanghai', '110105', 0.5],
    ['in Shanghai (example R4 override)', '310115', 0.8],
  ])('samples within one percentage point of the ratio over 10,000 policies %s', (_label, regionCode, ratio) => {
    const required = policyNos.filter((policyNo) => decideCallback({ ...bank, policyNo, regionCode }, config).required).length;
    expect(Math.abs(required / policyNos.length - ratio)).toBeLessThan(0.01);
  });
});

describe('R4 regional overrides', () => {
  const bank = { ...base, channel: 'bancassurance' as const, productType: 'health' as const, regionCode: '310115' };

  it('raises R3 to 0.8 in Shanghai and names the authority', () => {
    const d = decideCallback({ ...bank, policyNo: 'B202600000007' }, config);
    expect(d.ratio).toBe(0.8);
    expect(d.regionalOverride).toEqual({ regionPrefix: '31', authority: config.regionalOverrides[0].authority, ratio: 0.8 });
    expect(d.reason).toContain(`at ratio 0.8 (raised from 0.5 by ${config.regionalOverrides[0].authority} for region 31)`);
    expect(d.required).toBe(d.sampleValue! < 0.8);
  });

  it('takes everyone a 0.5 sample takes, and more', () => {
    for (const policyNo of policyNos.slice(0, 500)) {
      const outside = decideCallback({ ...bank, policyNo, regionCode: '110105' }, config);
      const inside = decideCallback({ ...bank, policyNo }, config);
      expect(inside.sampleValue).toBe(outside.sampleValue);
      if (outside.required) expect(inside.required).toBe(true);
    }
  });

  it('does not apply to agency policies or to rules it does not name', () => {
    expect(decideCallback({ ...base, regionCode: '310115', termMonths: 12 }, config)).toMatchObject({ required: false, ruleId: null });
    expect(decideCallback({ ...base, regionCode: '310115' }, config)).toMatchObject({ ruleId: 'R1', ratio: 1, regionalOverride: null });
  });

  it('applies the highest of several matching overrides, whatever their prefix length', () => {
    const cfg = clone(config);
    cfg.regionalOverrides = [
      { regionPrefix: '31', ruleIds: ['R3'], ratio: 0.9, authority: 'province' },
      { regionPrefix: '3101', ruleIds: ['R3'], ratio: 0.7, authority: 'city' },
    ];
    expect(decideCallback(bank, cfg)).toMatchObject({ ratio: 0.9, regionalOverride: { regionPrefix: '31', authority: 'province', ratio: 0.9 } });
  });

  it('never lowers a ratio: a lower override is ignored and the reason says so', () => {
    const cfg = clone(config);
    cfg.regionalOverrides = [{ regionPrefix: '31', ruleIds: ['R1', 'R3'], ratio: 0.3, authority: 'some bureau' }];
    const r3 = decideCallback(bank, cfg);
    expect(r3).toMatchObject({ ratio: 0.5, regionalOverride: null });
    expect(r3.reason).toContain('override by some bureau for region 31 at 0.3 not applied: the higher ratio applies');
    expect(decideCallback({ ...base, regionCode: '310115' }, cfg)).toMatchObject({ required: true, ruleId: 'R1', ratio: 1 });
  });
});

describe('config validation', () => {
  function fieldsOf(input: unknown): string[] {
    const result = callbackRulesConfigSchema.safeParse(input);
    if (result.success) throw new Error('expected the config to be rejected');
    return toFieldErrors(result.error).map((e) => e.field);
  }

  it('rejects a ratio above 1, naming the field', () => {
    const bad = clone(rawConfig) as CallbackRulesConfig;
    bad.rules[2].ratio = 1.5;
    expect(fieldsOf(bad)).toEqual(['rules[2].ratio']);
  });

  it('rejects an override naming an unknown rule, naming the field and the rule', () => {
    const bad = clone(rawConfig) as CallbackRulesConfig;
    bad.regionalOverrides[0].ruleIds = ['R3', 'R9'];
    const result = callbackRulesConfigSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(toFieldErrors(result.error!)).toEqual([{ field: 'regionalOverrides[0].ruleIds[1]', message: expect.stringContaining('"R9"') }]);
  });

  it('rejects duplicate rule ids', () => {
    const bad = clone(rawConfig) as CallbackRulesConfig;
    bad.rules[1].id = 'R1';
    expect(fieldsOf(bad)).toEqual(['rules[1].id']);
  });

  it('rejects a bad region prefix, an override ratio out of range, and unknown keys', () => {
    const bad = clone(rawConfig) as CallbackRulesConfig & { $comment?: string };
    bad.regionalOverrides[0].regionPrefix = '3';
    bad.regionalOverrides[0].ratio = -0.1;
    bad.$comment = 'not allowed';
    expect(fieldsOf(bad).sort()).toEqual(['(body)', 'regionalOverrides[0].ratio', 'regionalOverrides[0].regionPrefix']);
  });

  it('rejects a term range that can never match', () => {
    const bad = clone(rawConfig) as CallbackRulesConfig;
    bad.rules[0].match.maxTermMonths = 12;
    expect(fieldsOf(bad)).toEqual(['rules[0].match.maxTermMonths']);
  });
});
