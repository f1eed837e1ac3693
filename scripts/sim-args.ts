// The command line of `npm run sim`, parsed without touching the file system or the
// process: a pure function from argv to what to do, or to the reason it is refused.
import { presets } from '../src/engine/presets';
import { SCOPES, type Scope } from '../src/engine/stream';

export type SimFormat = 'text' | 'jsonl';
export const SIM_FORMATS: readonly SimFormat[] = ['text', 'jsonl'];

/** The largest seed the engine takes (a scenario's seed field has the same bound). */
export const MAX_SEED = 2 ** 32 - 1;

export const SIM_USAGE = [
  'usage: npm run sim -- <scenario.json | preset-name> [--policy host|lun|target|lun+target|lun-only|cam|storport|esxi|nvme|libata] [--seed N] [--format text|jsonl]',
  '       npm run sim -- --list',
  '       npm run sim -- --help',
].join('\n');

export const SIM_HELP = [
  SIM_USAGE,
  '',
  'Runs one scenario through the engine and prints its recovery.',
  '',
  '  <scenario.json>   a scenario file: an argument ending in .json or containing a /',
  "  <preset-name>     one of the engine's presets (see --list)",
  "  --policy SCOPE    give every device this eh_scope (default: the scenario's, else the driver's)",
  `  --seed N          seed of the run, 0 to ${MAX_SEED} (default: the scenario's, else 1)`,
  '  --format FORMAT   text: header, timeline and metrics (default);',
  '                    jsonl: the transition stream, one JSON object a line',
  '  --list            print the preset names with their titles',
  '  --help, -h        print this help',
  '',
  'Exit status: 0 when the run is done; 2 for bad arguments, or a scenario that cannot be',
  'read or that the engine refuses (each reason on stderr as "<file>: <field>: <reason>").',
].join('\n');

/** Where the scenario comes from. */
export type ScenarioSource = { kind: 'file'; path: string } | { kind: 'preset'; name: string };

export type SimArgs =
  | { ok: true; mode: 'help' }
  | { ok: true; mode: 'list' }
  | {
      ok: true;
      mode: 'run';
      source: ScenarioSource;
      policy?: Scope;
      seed?: number;
      format: SimFormat;
    }
  | { ok: false; message: string };

/** A file is named by a path; anything else is a preset name. */
export function isScenarioPath(arg: string): boolean {
  return arg.endsWith('.json') || arg.includes('/') || arg.includes('\\');
}

const VALUE_FLAGS = ['--policy', '--seed', '--format'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const isValueFlag = (s: string): s is ValueFlag => (VALUE_FLAGS as readonly string[]).includes(s);

/**
 * Parses the arguments after `npm run sim --`. `presetNames` are the names a non-path
 * argument may take (by default the engine's presets).
 */
export function parseSimArgs(
  argv: readonly string[],
  presetNames: readonly string[] = Object.keys(presets),
): SimArgs {
  if (argv.some((a) => a === '--help' || a === '-h')) return { ok: true, mode: 'help' };
  const fail = (message: string): SimArgs => ({ ok: false, message });

  const values: Partial<Record<ValueFlag, string>> = {};
  const positional: string[] = [];
  let list = false;
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositional || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositional = true;
      continue;
    }
    if (arg === '--list') {
      list = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!isValueFlag(flag)) return fail(`unknown option ${JSON.stringify(flag)}`);
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    }
    if (value === undefined || value === '') return fail(`${flag} needs a value`);
    if (values[flag] !== undefined) return fail(`${flag} is given twice`);
    values[flag] = value;
  }

  if (list) {
    if (positional.length || Object.keys(values).length)
      return fail('--list takes no other argument');
    return { ok: true, mode: 'list' };
  }

  let policy: Scope | undefined;
  if (values['--policy'] !== undefined) {
    const p = values['--policy'];
    if (!(SCOPES as readonly string[]).includes(p))
      return fail(`--policy must be one of ${SCOPES.join(', ')}; got ${JSON.stringify(p)}`);
    policy = p as Scope;
  }

  let seed: number | undefined;
  if (values['--seed'] !== undefined) {
    const s = values['--seed'];
    if (!/^\d+$/.test(s) || Number(s) > MAX_SEED)
      return fail(`--seed must be a whole number from 0 to ${MAX_SEED}; got ${JSON.stringify(s)}`);
    seed = Number(s);
  }

  let format: SimFormat = 'text';
  if (values['--format'] !== undefined) {
    const f = values['--format'];
    if (!(SIM_FORMATS as readonly string[]).includes(f))
      return fail(`--format must be one of ${SIM_FORMATS.join(', ')}; got ${JSON.stringify(f)}`);
    format = f as SimFormat;
  }

  if (positional.length === 0) return fail('no scenario: give a scenario file or a preset name');
  if (positional.length > 1)
    return fail(
      `one scenario at a time; got ${positional.map((p) => JSON.stringify(p)).join(', ')}`,
    );
  const arg = positional[0]!;
  let source: ScenarioSource;
  if (isScenarioPath(arg)) source = { kind: 'file', path: arg };
  else if (presetNames.includes(arg)) source = { kind: 'preset', name: arg };
  else
    return fail(
      `unknown preset ${JSON.stringify(arg)} (--list shows them; a file must end in .json)`,
    );

  const out: SimArgs = { ok: true, mode: 'run', source, format };
  if (policy !== undefined) out.policy = policy;
  if (seed !== undefined) out.seed = seed;
  return out;
}
