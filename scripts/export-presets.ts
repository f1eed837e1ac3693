// `npm run presets`: writes every engine preset to scenarios/<name>.json (2-space JSON, a
// trailing newline), and removes a file no preset has any more. src/cli/scenarios.test.ts
// fails when the files and the presets differ.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { presets } from '../src/engine';

const SCENARIO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../scenarios');

/** The file text of a scenario, as `npm run presets` writes it. */
function scenarioFileText(scenario: unknown): string {
  return `${JSON.stringify(scenario, null, 2)}\n`;
}

function main(): void {
  mkdirSync(SCENARIO_DIR, { recursive: true });
  const names = Object.keys(presets);
  for (const name of names)
    writeFileSync(path.join(SCENARIO_DIR, `${name}.json`), scenarioFileText(presets[name]));
  const stale = readdirSync(SCENARIO_DIR).filter(
    (f) => f.endsWith('.json') && !names.includes(f.slice(0, -'.json'.length)),
  );
  for (const f of stale) rmSync(path.join(SCENARIO_DIR, f));
  console.log(
    `wrote ${names.length} scenarios to ${path.relative(process.cwd(), SCENARIO_DIR) || '.'}/` +
      (stale.length ? `; removed ${stale.join(', ')}` : ''),
  );
}

main();
