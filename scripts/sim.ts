// `npm run sim`: runs one scenario (a JSON file or a preset) through the engine and prints
// its recovery as text, or its transition stream as JSON lines. `--help` for the usage.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ScenarioError,
  driverOffers,
  driverProfile,
  formatMetrics,
  formatTimeline,
  presets,
  simulate,
  validateScenario,
  type FieldError,
  type Scenario,
  type Scope,
  type SimResult,
} from '../src/engine';
import { SIM_HELP, SIM_USAGE, parseSimArgs } from './sim-args';

const EXIT_USAGE = 2;

function usageError(message: string): void {
  process.stderr.write(`sim: ${message}\n${SIM_USAGE}\n`);
  process.exitCode = EXIT_USAGE;
}

function scenarioError(label: string, errors: FieldError[]): void {
  for (const e of errors) process.stderr.write(`${label}: ${e.field}: ${e.reason}\n`);
  process.exitCode = EXIT_USAGE;
}

/** Reads and parses a scenario file; FieldErrors when it cannot. */
function readScenario(file: string): { value: unknown } | { errors: FieldError[] } {
  // npm runs scripts from the package root; a relative path is the caller's
  const full = path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : (err.code ?? err.message);
    return { errors: [{ field: '(file)', reason: `cannot be read (${why}: ${full})` }] };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { errors: [{ field: '(file)', reason: `is not JSON: ${(e as Error).message}` }] };
  }
}

/** --policy gives every device one scope: every host's driver must offer it. */
function policyErrors(sc: Scenario, policy: Scope): FieldError[] {
  const errors: FieldError[] = [];
  sc.hosts.forEach((h, i) => {
    const p = driverProfile(h.driver);
    if (!driverOffers(p, policy))
      errors.push({
        field: `hosts[${i}].driver`,
        reason: `${h.driver} offers ${p.scopes.join(', ')}; not ${policy} (--policy)`,
      });
  });
  return errors;
}

function header(sc: Scenario, result: SimResult, policy: Scope | undefined): string {
  const lines = [`scenario  ${sc.name}`];
  if (sc.description) lines.push(`          ${sc.description}`);
  sc.hosts.forEach((h, i) => {
    const p = driverProfile(h.driver);
    const luns = (h.channels ?? 1) * h.targets * h.lunsPerTarget;
    const scope = policy ?? h.scope ?? p.defaultScope;
    const from = policy ? '--policy' : h.scope ? 'scenario' : 'driver default';
    let line = `host ${i}    ${h.driver}, ${luns} LUN(s), scope ${scope} (${from})`;
    const overrides = policy ? [] : (h.overrides ?? []).filter((o) => o.scope);
    if (overrides.length)
      line += `; ${overrides.map((o) => `${i}:${o.lun} ${o.scope}`).join(', ')}`;
    lines.push(line);
  });
  lines.push(`seed      ${result.seed}`);
  return lines.join('\n');
}

/** Writes a long output in pieces, so a run of millions of transitions needs no one string. */
function writeLines(lines: Iterable<string>): void {
  let buf: string[] = [];
  for (const l of lines) {
    buf.push(l);
    if (buf.length >= 4096) {
      process.stdout.write(buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length) process.stdout.write(buf.join('\n') + '\n');
}

function main(argv: string[]): void {
  // `npm run sim ... | head` closes the pipe early: that is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });

  const args = parseSimArgs(argv);
  if (!args.ok) return usageError(args.message);
  if (args.mode === 'help') {
    process.stdout.write(`${SIM_HELP}\n`);
    return;
  }
  if (args.mode === 'list') {
    const names = Object.keys(presets);
    const w = Math.max(...names.map((n) => n.length));
    writeLines(names.map((n) => `${n.padEnd(w)}  ${presets[n]!.name}`));
    return;
  }

  let label: string;
  let input: unknown;
  if (args.source.kind === 'preset') {
    label = args.source.name;
    input = presets[args.source.name];
  } else {
    label = args.source.path;
    const read = readScenario(args.source.path);
    if ('errors' in read) return scenarioError(label, read.errors);
    input = read.value;
  }

  let result: SimResult;
  let scenario: Scenario;
  try {
    scenario = validateScenario(input);
    if (args.policy) {
      const errors = policyErrors(scenario, args.policy);
      if (errors.length) return scenarioError(label, errors);
    }
    const opts: { seed?: number; policy?: Scope } = {};
    if (args.seed !== undefined) opts.seed = args.seed;
    if (args.policy !== undefined) opts.policy = args.policy;
    result = simulate(scenario, opts);
  } catch (e) {
    if (e instanceof ScenarioError) return scenarioError(label, e.errors);
    if (e instanceof Error)
      return scenarioError(label, [{ field: '(scenario)', reason: e.message }]);
    throw e;
  }

  if (args.format === 'jsonl') {
    writeLines(result.transitions.map((tr) => JSON.stringify(tr)));
    return;
  }
  const timeline = formatTimeline(result.transitions);
  process.stdout.write(
    `${header(scenario, result, args.policy)}\n\n${timeline ? `${timeline}\n` : ''}\n${formatMetrics(result.metrics)}\n`,
  );
}

main(process.argv.slice(2));
