// Permalinks: a run (its scenario, seed and the playback position) as a URL, and back.
// Pure: no DOM, no store. The page reads a link at startup (src/share/startup.ts) and
// writes one with "Copy link" (src/share/SharePanel.tsx).
//
// The link lives in the URL's fragment, so it never reaches a server and may be long:
//
//   #v=1&p=playground&t=12.5&step=3&s=<scenario>
//
//   v     the link's version, LINK_VERSION (required)
//   p     the preset the scenario came from (the scenario menu shows it), optional
//   t     the cursor, seconds of virtual time (to the microsecond), optional (0)
//   step  the selected recovery step's id, optional
//   s     the scenario, as the JSON of a scenario file (with its seed), compressed with
//         lz-string's compressToEncodedURIComponent; last, so that a link cut short loses
//         the scenario's end and is refused, never read as something else
//
// When the run is a preset as it stands (seed 1, no fault added), the short form names it:
//
//   #v=1&preset=demo&scope=lun&t=5
//
// The same keys are read from the query too (a documentation page may write
// `?embed&preset=demo`); there `v` may be left out. `embed` (in either) asks for the
// compact page.
import LZString from 'lz-string';
import {
  atResolution,
  offeredScopes,
  presets,
  SCOPES,
  ScenarioError,
  validateScenario,
  withScope,
  type Scenario,
  type Scope,
} from '../engine';

export const LINK_VERSION = 1;

/** The page draws at most this many LUNs (as the editor says). */
export const LINK_LUN_LIMIT = 4096;

/** What a link carries. */
export interface LinkState {
  scenario: Scenario;
  seed: number;
  /** seconds of virtual time */
  cursor: number;
  /** the selected recovery step, if any */
  step?: number | null;
  /** the preset the scenario came from (the page's scenario menu) */
  presetName?: string;
}

export type ReadLink =
  /** the URL holds no link: the page opens as usual */
  | { kind: 'none'; embed: boolean }
  | {
      kind: 'ok';
      embed: boolean;
      scenario: Scenario;
      seed: number;
      cursor: number;
      step: number | null;
      /** a preset's name when the link names one the page has, else null */
      presetName: string | null;
      /** the scope the short form asked for */
      scope: Scope | null;
    }
  | { kind: 'error'; embed: boolean; message: string };

/** The keys a link may have (in the fragment, or in the query). */
const LINK_KEYS = ['v', 's', 'preset', 'p', 't', 'step', 'scope'];

/** Characters of compressToEncodedURIComponent's output. */
const PAYLOAD_CHARS = /^[A-Za-z0-9+\-$]*$/;

/** JSON with object keys sorted, to compare two scenarios whatever their keys' order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      const o = x as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, o[k]]),
      );
    }
    return x;
  });
}

/** The scope that makes `sc` the preset `name` ('' when it is the preset as is), or null. */
export function presetForm(sc: Scenario, name: string): Scope | '' | null {
  const base = presets[name];
  if (!base) return null;
  const mine = canonical(sc);
  if (canonical(base) === mine) return '';
  for (const s of offeredScopes(base)) if (canonical(withScope(base, s)) === mine) return s;
  return null;
}

/** The scenario as a scenario file says it, the seed included. */
export function scenarioFile(sc: Scenario, seed: number): Scenario {
  return { ...sc, seed };
}

/** The fragment of a link (without "#"). */
export function encodeLink(state: LinkState): string {
  const parts = [`v=${LINK_VERSION}`];
  const short =
    state.presetName !== undefined &&
    state.seed === 1 &&
    (state.scenario.seed === undefined || state.scenario.seed === 1)
      ? presetForm(state.scenario, state.presetName)
      : null;
  if (short !== null) {
    parts.push(`preset=${encodeURIComponent(state.presetName!)}`);
    if (short) parts.push(`scope=${encodeURIComponent(short)}`);
  } else if (state.presetName && presets[state.presetName])
    parts.push(`p=${encodeURIComponent(state.presetName)}`);
  const t = atResolution(Math.max(0, state.cursor));
  if (t > 0) parts.push(`t=${t}`);
  if (state.step !== undefined && state.step !== null) parts.push(`step=${state.step}`);
  if (short === null) {
    const json = JSON.stringify(scenarioFile(state.scenario, state.seed));
    parts.push(`s=${LZString.compressToEncodedURIComponent(json)}`);
  }
  return parts.join('&');
}

/**
 * `href` (the page's address) with its fragment replaced by the link; link keys in its
 * query are dropped (the fragment says it all), and `embed` too when `embed` is false.
 */
export function linkUrl(href: string, state: LinkState, embed?: boolean): string {
  const url = new URL(href);
  const drop = (k: string): boolean => LINK_KEYS.includes(k) || (embed === false && k === 'embed');
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((part) => part && !drop(part.split('=')[0]!));
  if (embed === true && !kept.some((part) => part.split('=')[0] === 'embed')) kept.push('embed');
  url.search = kept.length ? `?${kept.join('&')}` : '';
  url.hash = encodeLink(state);
  return url.toString();
}

/** `href` without a link: link keys dropped from its query, and its fragment if a link. */
export function plainUrl(href: string): string {
  const url = new URL(href);
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((part) => part && !LINK_KEYS.includes(part.split('=')[0]!));
  url.search = kept.length ? `?${kept.join('&')}` : '';
  if (LINK_KEYS.some((k) => parseParams(url.hash).has(k))) url.hash = '';
  return url.toString();
}

/**
 * Splits "a=1&b&c=x" into its keys and values; a value is percent-decoded when it can be
 * ("+" stays "+": the payload's alphabet has it).
 */
export function parseParams(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const body = text.replace(/^[?#]/, '');
  if (!body) return out;
  for (const part of body.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    let value = raw;
    if (raw.includes('%'))
      try {
        value = decodeURIComponent(raw);
      } catch {
        value = raw;
      }
    out.set(key, value);
  }
  return out;
}

const isEmbed = (p: Map<string, string>): boolean =>
  p.has('embed') && p.get('embed') !== '0' && p.get('embed') !== 'false';

function fail(embed: boolean, message: string): ReadLink {
  return { kind: 'error', embed, message };
}

/** Reads a link from a page's query and fragment (location.search, location.hash). */
export function decodeLink(search: string, hash: string): ReadLink {
  const asked = parseParams(search);
  const frag = parseParams(hash);
  const embed = isEmbed(asked) || isEmbed(frag);
  // a lesson's link (?lesson=…&step=…, src/lessons) is not a scenario's: its step is the
  // lesson's
  const query = asked.has('lesson') ? new Map<string, string>() : asked;
  // the fragment's link wins; the query's keys count only when the fragment has none
  const params = LINK_KEYS.some((k) => frag.has(k)) ? frag : query;
  const fromQuery = params === query;
  if (!LINK_KEYS.some((k) => params.has(k))) return { kind: 'none', embed };

  const v = params.get('v');
  if (v === undefined) {
    if (!(fromQuery && params.has('preset') && !params.has('s')))
      return fail(embed, `This link has no version (v=); this page reads version ${LINK_VERSION}.`);
  } else if (v !== String(LINK_VERSION)) {
    const shown = /^\d{1,6}$/.test(v) ? v : JSON.stringify(v.slice(0, 20));
    return fail(
      embed,
      `This link is of version ${shown}; this page reads version ${LINK_VERSION}.`,
    );
  }

  let cursor = 0;
  const t = params.get('t');
  if (t !== undefined) {
    const x = t.trim() === '' ? NaN : Number(t);
    if (!Number.isFinite(x) || x < 0)
      return fail(
        embed,
        `This link's position t=${JSON.stringify(t.slice(0, 20))} is not a time in seconds (0 or more).`,
      );
    cursor = atResolution(x);
  }
  let step: number | null = null;
  const st = params.get('step');
  if (st !== undefined) {
    if (!/^\d{1,9}$/.test(st))
      return fail(
        embed,
        `This link's step=${JSON.stringify(st.slice(0, 20))} is not a step number.`,
      );
    step = Number(st);
  }

  const s = params.get('s');
  const name = params.get('preset');
  if (s === undefined) {
    if (name === undefined)
      return fail(embed, 'This link has neither a scenario (s=) nor a preset (preset=).');
    const base = presets[name];
    if (!base)
      return fail(
        embed,
        `This link names the preset ${JSON.stringify(name.slice(0, 60))}, which this page does not have.`,
      );
    const sc = params.get('scope');
    if (sc === undefined)
      return {
        kind: 'ok',
        embed,
        scenario: base,
        seed: 1,
        cursor,
        step,
        presetName: name,
        scope: null,
      };
    const offered = offeredScopes(base);
    if (!(SCOPES as readonly string[]).includes(sc) || !offered.includes(sc as Scope))
      return fail(
        embed,
        `This link's scope ${JSON.stringify(sc.slice(0, 20))} is not one the preset ${name} offers (${offered.join(', ')}).`,
      );
    const scope = sc as Scope;
    return {
      kind: 'ok',
      embed,
      scenario: withScope(base, scope),
      seed: 1,
      cursor,
      step,
      presetName: name,
      scope,
    };
  }

  if (s === '') return fail(embed, "This link's scenario (s=) is empty.");
  if (!PAYLOAD_CHARS.test(s)) {
    const at = [...s].findIndex((ch) => !PAYLOAD_CHARS.test(ch));
    return fail(
      embed,
      `This link's scenario has a character that no link writes (${JSON.stringify([...s][at])} at position ${at + 1}): the link is corrupt.`,
    );
  }
  let json: string | null;
  try {
    json = LZString.decompressFromEncodedURIComponent(s);
  } catch {
    json = null;
  }
  if (!json)
    return fail(
      embed,
      "This link's scenario could not be decompressed: the link is corrupt or was cut short.",
    );
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return fail(
      embed,
      `This link's scenario decompresses to something that is not JSON (the link is corrupt or was cut short): ${why.slice(0, 120)}.`,
    );
  }
  let scenario: Scenario;
  try {
    scenario = validateScenario(value);
  } catch (err) {
    if (err instanceof ScenarioError) {
      const list = err.errors
        .slice(0, 3)
        .map((e) => `${e.field} ${e.reason}`)
        .join('; ');
      const more = err.errors.length > 3 ? ` (and ${err.errors.length - 3} more)` : '';
      return fail(embed, `This link's scenario is not valid: ${list}${more}.`);
    }
    return fail(embed, `This link's scenario could not be read: ${String(err).slice(0, 120)}.`);
  }
  const luns = scenario.hosts.reduce(
    (n, h) => n + (h.channels ?? 1) * h.targets * h.lunsPerTarget,
    0,
  );
  if (luns > LINK_LUN_LIMIT)
    return fail(
      embed,
      `This link's scenario has ${luns} LUNs; the page draws at most ${LINK_LUN_LIMIT}.`,
    );
  const p = params.get('p');
  return {
    kind: 'ok',
    embed,
    scenario,
    seed: scenario.seed ?? 1,
    cursor,
    step,
    presetName: p !== undefined && presets[p] ? p : null,
    scope: null,
  };
}
