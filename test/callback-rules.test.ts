import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callbackRulesConfigSchema, decideCallback, drawNeeded, type CallbackContract, type CallbackRulesConfig } from '../domain/callback-rules';
import { toFieldErrors } from '../domain/validation';
import { drawText, isDrawn, samplingScope, selectedAfter } from '../domain/sampling';

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

describe('systematic sampling', () => {
  it('selects the n-th policy when ceil(n·ratio) grows: at 0.5 the 1st, 3rd, 5th …', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => isDrawn(n, 0.5))).toEqual([true, false, true, false, true, false, true, false]);
    expect([1, 2, 3, 4, 5].map((n) => isDrawn(n, 0.8))).toEqual([true, true, true, true, false]);
    expect(selectedAfter(5, 0.5)).toBe(3);
    expect(selectedAfter(7, 0.5)).toBe(4);
  });

  it.each([0.5, 0.8, 0.3, 0.1, 0.7, 0.35, 1 / 3, 0.999])('never falls below the ratio %p after any number of draws, and exceeds it by less than one policy', (ratio) => {
    let selected = 0;
    for (let n = 1; n <= 2000; n++) {
      if (isDrawn(n, ratio)) selected++;
      expect(selected).toBe(selectedAfter(n, ratio));
      expect(selected).toBeGreaterThanOrEqual(n * ratio - 1e-9);
      expect(selected).toBeLessThan(n * ratio + 1);
    }
  });

  it('decimal products are not rounded up by binary floating point (0.3 × 10 is 3, not 4)', () => {
    expect(selectedAfter(10, 0.3)).toBe(3);
    expect(selectedAfter(100, 0.7)).toBe(70);
  });

  it('ratio 1 takes everyone, ratio 0 no one; bad positions and ratios are named', () => {
    expect([1, 2, 3].every((n) => isDrawn(n, 1))).toBe(true);
    expect([1, 2, 3].some((n) => isDrawn(n, 0))).toBe(false);
    expect(() => isDrawn(0, 0.5)).toThrow(/position must be a whole number ≥ 1/);
    expect(() => selectedAfter(3, 1.5)).toThrow(/ratio must be between 0 and 1/);
  });

  it('names the scope by rule, tier-4 office and callback month, apart per ratio', () => {
    expect(samplingScope('R3', 'SH-PD-01', '2026-12', 0.5, 0.5)).toBe('R3 SH-PD-01 2026-12');
    expect(samplingScope('R3', 'SH-PD-01', '2026-12', 0.8, 0.5)).toBe('R3 SH-PD-01 2026-12 @0.8');
    expect(drawText({ scope: 'R3 SH-PD-01 2026-12', position: 7 }, 0.5)).toBe('draw 7 of R3 SH-PD-01 2026-12: selected (4 of 7 ≥ 0.5)');
    expect(drawText({ scope: 'R3 SH-PD-01 2026-12', position: 8 }, 0.5)).toBe('draw 8 of R3 SH-PD-01 2026-12: not selected (4 of 8 ≥ 0.5 without it)');
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
    expect(d).toMatchObject({ sampleValue: null, draw: null });
    expect(drawNeeded(base, config)).toBeNull();
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
      draw: null,
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
  const scope = 'R3 SH-PD-01 2026-12';

  it('needs a draw, and decides by its position, saying what was drawn', () => {
    expect(drawNeeded(bank, config)).toEqual({ ruleId: 'R3', ratio: 0.5, ruleRatio: 0.5 });
    expect(() => decideCallback(bank, config)).toThrow(/R3 samples P202600000001 at ratio 0\.5: decide it with its draw/);
    const seventh = decideCallback(bank, config, { scope, position: 7 });
    expect(seventh).toEqual({
      required: true,
      ruleId: 'R3',
      ratio: 0.5,
      sampleValue: 4 / 7,
      draw: { scope, position: 7 },
      regionalOverride: null,
      reason: 'R3 "other bancassurance" at ratio 0.5: draw 7 of R3 SH-PD-01 2026-12: selected (4 of 7 ≥ 0.5), callback required',
    });
    const eighth = decideCallback(bank, config, { scope, position: 8 });
    expect(eighth).toMatchObject({ required: false, sampleValue: 0.5 });
    expect(eighth.reason).toBe('R3 "other bancassurance" at ratio 0.5: draw 8 of R3 SH-PD-01 2026-12: not selected (4 of 8 ≥ 0.5 without it), no callback required');
  });

  it('a small office: 5 policies at 0.5 give 3 callbacks, and no prefix of them falls below half', () => {
    const decisions = [1, 2, 3, 4, 5].map((position) => decideCallback({ ...bank, policyNo: `B20260000000${position}` }, config, { scope, position }));
    expect(decisions.map((d) => d.required)).toEqual([true, false, true, false, true]);
    decisions.forEach((_, i) => expect(decisions.slice(0, i + 1).filter((d) => d.required).length / (i + 1)).toBeGreaterThanOrEqual(0.5));
  });

  it('gives the same decision for the same draw every time', () => {
    expect(decideCallback(bank, config, { scope, position: 3 })).toEqual(decideCallback(bank, config, { scope, position: 3 }));
  });
});

describe('R4 regional overrides', () => {
  const bank = { ...base, channel: 'bancassurance' as const, productType: 'health' as const, regionCode: '310115' };

  it('raises R3 to 0.8 in Shanghai, names the authority, and draws in a scope of its own', () => {
    expect(drawNeeded(bank, config)).toEqual({ ruleId: 'R3', ratio: 0.8, ruleRatio: 0.5 });
    const d = decideCallback({ ...bank, policyNo: 'B202600000007' }, config, { scope: 'R3 SH-PD-01 2026-12 @0.8', position: 5 });
    expect(d.ratio).toBe(0.8);
    expect(d.regionalOverride).toEqual({ regionPrefix: '31', authority: config.regionalOverrides[0].authority, ratio: 0.8 });
    expect(d.reason).toContain(`at ratio 0.8 (raised from 0.5 by ${config.regionalOverrides[0].authority} for region 31)`);
    expect(d).toMatchObject({ required: false, sampleValue: 0.8 }); // 4 of the first 5 already
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
    expect(decideCallback(bank, cfg, { scope: 's', position: 1 })).toMatchObject({ ratio: 0.9, regionalOverride: { regionPrefix: '31', authority: 'province', ratio: 0.9 } });
  });

  it('never lowers a ratio: a lower override is ignored and the reason says so', () => {
    const cfg = clone(config);
    cfg.regionalOverrides = [{ regionPrefix: '31', ruleIds: ['R1', 'R3'], ratio: 0.3, authority: 'some bureau' }];
    const r3 = decideCallback(bank, cfg, { scope: 's', position: 1 });
    expect(r3).toMatchObject({ ratio: 0.5, regionalOverride: null });
    expect(r3.reason).toContain('override by some bureau for region 31 at 0.3 not applied: the higher ratio applies');
    expect(decideCallback({ ...base, regionCode: '310115' }, cfg)).toMatchObject({ required: true, ruleId: 'R1', ratio: 1 });
  });

  it('an override to 1 takes every policy without a draw', () => {
    const cfg = clone(config);
    cfg.regionalOverrides = [{ regionPrefix: '31', ruleIds: ['R3'], ratio: 1, authority: 'bureau' }];
    expect(drawNeeded(bank, cfg)).toBeNull();
    expect(decideCallback(bank, cfg)).toMatchObject({ required: true, ratio: 1, draw: null });
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
