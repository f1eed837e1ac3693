// Scenario files from and to the page: the same JSON as the files under scenarios/ that
// `npm run sim` reads, checked by the engine's own validation.
import { ScenarioError, validateScenario, type FieldError, type Scenario } from '../engine';
import { LINK_LUN_LIMIT, scenarioFile } from './permalink';

/** A scenario file larger than this is refused before it is read (bytes). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export type FileRead = { scenario: Scenario } | { errors: FieldError[] };

/** Reads a scenario file's text; the errors name each field that is wrong. */
export function parseScenarioText(text: string): FileRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { errors: [{ field: '(file)', reason: `is not JSON: ${why}` }] };
  }
  let scenario: Scenario;
  try {
    scenario = validateScenario(value);
  } catch (err) {
    if (err instanceof ScenarioError) return { errors: err.errors };
    return { errors: [{ field: '(file)', reason: String(err) }] };
  }
  const luns = scenario.hosts.reduce(
    (n, h) => n + (h.channels ?? 1) * h.targets * h.lunsPerTarget,
    0,
  );
  if (luns > LINK_LUN_LIMIT)
    return {
      errors: [
        {
          field: 'hosts',
          reason: `${luns} LUNs: the page draws at most ${LINK_LUN_LIMIT} (npm run sim takes more)`,
        },
      ],
    };
  return { scenario };
}

/** One line naming the file and what was wrong with it. */
export function describeErrors(fileName: string, errors: readonly FieldError[]): string {
  const shown = errors.slice(0, 5).map((e) => `${e.field} ${e.reason}`);
  const more = errors.length > 5 ? `; and ${errors.length - 5} more` : '';
  return `${fileName}: ${shown.join('; ')}${more}. The scenario shown is kept.`;
}

/** The text of the file "Save scenario" writes. */
export function scenarioText(sc: Scenario, seed: number): string {
  return `${JSON.stringify(scenarioFile(sc, seed), null, 2)}\n`;
}

/** A file name for the scenario: its name in lower case, words joined by '-'. */
export function fileNameOf(sc: Scenario): string {
  const slug = sc.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'scenario'}.json`;
}
