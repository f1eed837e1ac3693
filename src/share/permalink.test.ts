import fc from 'fast-check';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import {
  DRIVER_NAMES,
  driverProfile,
  FAULT_KINDS,
  presets,
  withScope,
  type FaultSpec,
  type HostSpec,
  type Scenario,
} from '../engine';
import {
  decodeLink,
  encodeLink,
  linkUrl,
  parseParams,
  plainUrl,
  presetForm,
  type ReadLink,
} from './permalink';

/** A valid scenario of the engine's files: every optional field sometimes there. */
const hostArb: fc.Arbitrary<HostSpec> = fc
  .record({
    driver: fc.constantFrom(...DRIVER_NAMES),
    scopePick: fc.option(fc.nat(3), { nil: undefined }),
    channels: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    targets: fc.integer({ min: 1, max: 8 }),
    lunsPerTarget: fc.integer({ min: 1, max: 8 }),
    tmfBound: fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }),
    ehDeadline: fc.option(fc.option(fc.double({ min: 0, max: 3600, noNaN: true }), { nil: null }), {
      nil: undefined,
    }),
    rate: fc.option(fc.double({ min: 0, max: 100000, noNaN: true }), { nil: undefined }),
    queueDepth: fc.option(fc.integer({ min: 1, max: 1024 }), { nil: undefined }),
    catchUp: fc.option(fc.boolean(), { nil: undefined }),
    busSettle: fc.option(fc.double({ min: 0, max: 3600, noNaN: true }), { nil: undefined }),
  })
  .map((h) => {
    const p = driverProfile(h.driver);
    const out: HostSpec = { driver: h.driver, targets: h.targets, lunsPerTarget: h.lunsPerTarget };
    if (h.scopePick !== undefined) out.scope = p.scopes[h.scopePick % p.scopes.length]!;
    if (h.channels !== undefined) out.channels = h.channels;
    if (h.tmfBound !== undefined) out.tmfBound = h.tmfBound;
    if (h.ehDeadline !== undefined) out.ehDeadline = h.ehDeadline;
    const workload: HostSpec['workload'] = {};
    if (h.rate !== undefined) workload.rate = h.rate;
    if (h.queueDepth !== undefined) workload.queueDepth = h.queueDepth;
    if (h.catchUp !== undefined) workload.catchUp = h.catchUp;
    if (Object.keys(workload).length) out.workload = workload;
    if (h.busSettle !== undefined) out.timings = { busSettle: h.busSettle };
    if (out.scope && h.targets > 1)
      out.overrides = [{ lun: `0:1:0`, scope: out.scope, workload: { rate: 3 } }];
    return out;
  });

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }),
    description: fc.option(fc.string({ maxLength: 300, unit: 'binary' }), { nil: undefined }),
    seed: fc.option(fc.nat(2 ** 32 - 1), { nil: undefined }),
    duration: fc.double({ min: 0.001, max: 86400, noNaN: true }),
    hosts: fc.array(hostArb, { minLength: 1, maxLength: 3 }),
    faults: fc.array(
      fc.record({
        kind: fc.constantFrom(...FAULT_KINDS),
        at: fc.double({ min: 0, max: 86400, noNaN: true }),
        count: fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: undefined }),
        duration: fc.option(fc.double({ min: 0.001, max: 86400, noNaN: true }), { nil: undefined }),
        pick: fc.nat(),
      }),
      { maxLength: 12 },
    ),
    cmdTimeout: fc.option(fc.double({ min: 0.001, max: 3600, noNaN: true }), { nil: undefined }),
  })
  .map((r) => {
    const faults = r.faults.map((f): FaultSpec => {
      const hi = f.pick % r.hosts.length;
      const h = r.hosts[hi]!;
      const out: FaultSpec = {
        lun: `${hi}:${(f.pick >> 3) % (h.channels ?? 1)}:${f.pick % h.targets}:${(f.pick >> 5) % h.lunsPerTarget}`,
        kind: f.kind,
        at: f.at,
      };
      if (f.count !== undefined) out.count = f.count;
      if (f.duration !== undefined) out.duration = f.duration;
      if (f.kind === 'timeout' && f.pick % 2) out.allCommands = true;
      return out;
    });
    const sc: Scenario = {
      version: 1,
      name: r.name,
      duration: r.duration,
      hosts: r.hosts,
      faults,
    };
    if (r.description !== undefined) sc.description = r.description;
    if (r.seed !== undefined) sc.seed = r.seed;
    if (r.cmdTimeout !== undefined) sc.timings = { cmdTimeout: r.cmdTimeout };
    return sc;
  });

const hashOf = (state: Parameters<typeof encodeLink>[0]): string => `#${encodeLink(state)}`;

function ok(r: ReadLink): Extract<ReadLink, { kind: 'ok' }> {
  if (r.kind !== 'ok') throw new Error(`expected a link, got ${JSON.stringify(r)}`);
  return r;
}
function message(r: ReadLink): string {
  if (r.kind !== 'error') throw new Error(`expected an error, got ${r.kind}`);
  return r.message;
}

const playground = presets.playground!;

describe('permalink round trip', () => {
  it('gives back the scenario (with its seed), the seed, the cursor and the step', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.nat(2 ** 32 - 1),
        fc.double({ min: 0, max: 86400, noNaN: true }),
        fc.option(fc.nat(100000), { nil: null }),
        (scenario, seed, cursor, step) => {
          const r = ok(decodeLink('', hashOf({ scenario, seed, cursor, step })));
          expect(r.scenario).toEqual({ ...scenario, seed });
          expect(r.seed).toBe(seed);
          expect(r.cursor).toBeCloseTo(cursor, 6);
          expect(Math.abs(r.cursor - cursor)).toBeLessThanOrEqual(5e-7);
          expect(r.step).toBe(step);
          expect(r.embed).toBe(false);
          expect(r.presetName).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a link read again writes the same link', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(1000), fc.nat(10000), (scenario, seed, ms) => {
        const first = encodeLink({ scenario, seed, cursor: ms / 1000 });
        const r = ok(decodeLink('', first));
        expect(encodeLink({ scenario: r.scenario, seed: r.seed, cursor: r.cursor })).toBe(first);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps only characters a URL fragment carries as they are', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const link = encodeLink({ scenario, seed: 7, cursor: 1.5 });
        expect(link).toMatch(/^[A-Za-z0-9+\-$=&.]*$/);
        const url = new URL(
          linkUrl('http://127.0.0.1:4321/some/page?embed#old', { scenario, seed: 7, cursor: 1.5 }),
        );
        expect(url.hash).toBe(`#${link}`);
        expect(url.search).toBe('?embed');
        expect(ok(decodeLink(url.search, url.hash)).embed).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('names the preset and its injected faults in the long form', () => {
    const sc: Scenario = {
      ...playground,
      duration: 93,
      faults: [{ lun: '0:0:1:2', kind: 'timeout', at: 3 }],
    };
    const link = encodeLink({
      scenario: sc,
      seed: 1,
      cursor: 12.5,
      step: 4,
      presetName: 'playground',
    });
    expect(link).toMatch(/^v=1&p=playground&t=12\.5&step=4&s=/);
    const r = ok(decodeLink('', link));
    expect(r.presetName).toBe('playground');
    expect(r.scenario.faults).toEqual(sc.faults);
    expect(r.cursor).toBe(12.5);
    expect(r.step).toBe(4);
  });
});

describe('the short form of a preset', () => {
  it('names a preset as it stands, and with a scope', () => {
    expect(encodeLink({ scenario: playground, seed: 1, cursor: 0, presetName: 'playground' })).toBe(
      'v=1&preset=playground',
    );
    const demoLun = withScope(presets.demo!, 'lun');
    const link = encodeLink({ scenario: demoLun, seed: 1, cursor: 7.25, presetName: 'demo' });
    expect(link).toBe('v=1&preset=demo&scope=lun&t=7.25');
    const r = ok(decodeLink('', link));
    expect(r.scenario).toEqual(demoLun);
    expect(r.scope).toBe('lun');
    expect(r.presetName).toBe('demo');
    expect(r.cursor).toBe(7.25);
  });

  it('is not used when the seed or the scenario differs', () => {
    expect(
      encodeLink({ scenario: playground, seed: 2, cursor: 0, presetName: 'playground' }),
    ).toMatch(/&s=/);
    expect(presetForm({ ...playground, duration: 121 }, 'playground')).toBeNull();
    expect(presetForm(playground, 'no-such-preset')).toBeNull();
  });

  it('is read from the query of a documentation page, without a version', () => {
    const r = ok(decodeLink('?embed&preset=demo-lun&t=6', ''));
    expect(r.embed).toBe(true);
    expect(r.scenario).toBe(presets['demo-lun']);
    expect(r.cursor).toBe(6);
  });
});

describe('the address without its link', () => {
  it('drops the link from the fragment and the query, and keeps the rest', () => {
    expect(plainUrl('http://h/p?embed&preset=demo&t=3#v=1&s=abc')).toBe('http://h/p?embed');
    expect(plainUrl('http://h/p?x=1#section-2')).toBe('http://h/p?x=1#section-2');
    expect(plainUrl('http://h/p#v=1&preset=demo')).toBe('http://h/p');
  });
});

describe('a URL without a link', () => {
  it('is no link, with or without embed', () => {
    expect(decodeLink('', '')).toEqual({ kind: 'none', embed: false });
    expect(decodeLink('?embed', '#')).toEqual({ kind: 'none', embed: true });
    expect(decodeLink('?foo=1', '#section')).toEqual({ kind: 'none', embed: false });
  });

  it('splits parameters without turning + into a space', () => {
    const p = parseParams('#a=x+y&b&c=%24z&d=%E0%A4%A');
    expect(p.get('a')).toBe('x+y');
    expect(p.get('b')).toBe('');
    expect(p.get('c')).toBe('$z');
    expect(p.get('d')).toBe('%E0%A4%A');
  });
});

describe('a bad link says what is wrong', () => {
  const good = encodeLink({
    scenario: { ...playground, faults: [{ lun: '0:0:1:2', kind: 'timeout', at: 3 }] },
    seed: 1,
    cursor: 5,
    presetName: 'playground',
  });
  const payload = good.slice(good.indexOf('&s=') + 3);
  const withPayload = (s: string): string => `v=1&t=5&s=${s}`;
  const json = (value: unknown): string =>
    withPayload(LZString.compressToEncodedURIComponent(JSON.stringify(value)));

  it('an unknown version', () => {
    expect(message(decodeLink('', good.replace('v=1', 'v=9')))).toBe(
      'This link is of version 9; this page reads version 1.',
    );
    expect(message(decodeLink('', good.replace('v=1', 'v=abc')))).toBe(
      'This link is of version "abc"; this page reads version 1.',
    );
  });

  it('no version', () => {
    expect(message(decodeLink('', good.replace('v=1&', '')))).toBe(
      'This link has no version (v=); this page reads version 1.',
    );
  });

  it('no scenario', () => {
    expect(message(decodeLink('', 'v=1&t=3'))).toBe(
      'This link has neither a scenario (s=) nor a preset (preset=).',
    );
    expect(message(decodeLink('', 'v=1&s='))).toBe("This link's scenario (s=) is empty.");
  });

  it('a character no link writes', () => {
    expect(
      message(decodeLink('', withPayload(`${payload.slice(0, 10)}!${payload.slice(10)}`))),
    ).toBe(
      'This link\'s scenario has a character that no link writes ("!" at position 11): the link is corrupt.',
    );
  });

  it('cut short', () => {
    // every cut of the scenario is refused, and never read as another scenario
    for (let n = 1; n < payload.length; n += 7) {
      const r = decodeLink('', withPayload(payload.slice(0, n)));
      expect(r.kind, `cut at ${n}`).toBe('error');
      expect(message(r)).toMatch(
        /could not be decompressed|is not JSON \(the link is corrupt or was cut short\)/,
      );
    }
  });

  it('not decompressible', () => {
    expect(message(decodeLink('', withPayload('A')))).toBe(
      "This link's scenario could not be decompressed: the link is corrupt or was cut short.",
    );
  });

  it('not JSON', () => {
    expect(
      message(
        decodeLink('', withPayload(LZString.compressToEncodedURIComponent('{"version": 1,'))),
      ),
    ).toMatch(
      /^This link's scenario decompresses to something that is not JSON \(the link is corrupt or was cut short\): /,
    );
  });

  it('failing validation names the field', () => {
    expect(message(decodeLink('', json({ ...playground, duration: -4 })))).toBe(
      "This link's scenario is not valid: duration must be more than 0, got -4.",
    );
    expect(
      message(
        decodeLink('', json({ ...playground, hosts: [{ ...playground.hosts[0], targets: 0 }] })),
      ),
    ).toBe("This link's scenario is not valid: hosts[0].targets must be at least 1, got 0.");
    expect(message(decodeLink('', json([1, 2])))).toBe(
      "This link's scenario is not valid: (file) must be a JSON object.",
    );
  });

  it('more LUNs than the page draws', () => {
    const big = {
      ...playground,
      hosts: [{ ...playground.hosts[0]!, targets: 65, lunsPerTarget: 64 }],
    };
    expect(message(decodeLink('', json(big)))).toBe(
      "This link's scenario has 4160 LUNs; the page draws at most 4096.",
    );
  });

  it('a bad position or step', () => {
    expect(message(decodeLink('', good.replace('t=5', 't=soon')))).toBe(
      'This link\'s position t="soon" is not a time in seconds (0 or more).',
    );
    expect(message(decodeLink('', good.replace('t=5', 't=-1')))).toBe(
      'This link\'s position t="-1" is not a time in seconds (0 or more).',
    );
    expect(message(decodeLink('', `v=1&step=x&s=${payload}`))).toBe(
      'This link\'s step="x" is not a step number.',
    );
  });

  it('an unknown preset or scope', () => {
    expect(message(decodeLink('', 'v=1&preset=nope'))).toBe(
      'This link names the preset "nope", which this page does not have.',
    );
    expect(message(decodeLink('', 'v=1&preset=playground&scope=galaxy'))).toMatch(
      /^This link's scope "galaxy" is not one the preset playground offers \(host, /,
    );
  });

  it("leaves a lesson's link to the lessons", () => {
    expect(decodeLink('?lesson=escalation&step=3', '')).toEqual({ kind: 'none', embed: false });
    expect(decodeLink('?lesson=escalation&step=3&embed', '').embed).toBe(true);
  });

  it('the good link itself is read', () => {
    expect(ok(decodeLink('', good)).scenario.faults).toHaveLength(1);
  });
});
