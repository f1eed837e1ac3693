// `npm test`: typecheck, lint, unit tests (Vitest), browser tests (Playwright),
// in that order, each step's output shown as it runs. Ends with one line,
// "N passed, N failed", summed over the Vitest and Playwright tests, a failed
// typecheck or lint counting as 1 failed. Exits non-zero if any step failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const reports = mkdtempSync(path.join(tmpdir(), 'scsi-eh-test-'));
const vitestJson = path.join(reports, 'vitest.json');
const playwrightJson = path.join(reports, 'playwright.json');

function run(title, args, env = {}) {
  console.log(`\n=== ${title}: npm ${args.join(' ')}`);
  const res = spawnSync(npm, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.error) console.error(`${title}: could not start: ${res.error.message}`);
  const code = res.status ?? 1;
  console.log(`=== ${title}: ${code === 0 ? 'ok' : `failed (exit ${code})`}`);
  return code === 0;
}

function readJson(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Vitest's json reporter follows Jest's shape. */
function countVitest(report) {
  if (!report) return null;
  return { passed: report.numPassedTests ?? 0, failed: report.numFailedTests ?? 0 };
}

/** Playwright's json reporter: expected = passed, unexpected = failed, flaky passed on retry. */
function countPlaywright(report) {
  if (!report?.stats) return null;
  const s = report.stats;
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0 };
}

let passed = 0;
let failed = 0;
let anyStepFailed = false;
const summary = [];

function tally(title, ok, counts) {
  if (!ok) anyStepFailed = true;
  if (counts) {
    passed += counts.passed;
    // A step that failed without a failed test (a crash, a build error) counts as 1.
    const f = !ok && counts.failed === 0 ? 1 : counts.failed;
    failed += f;
    summary.push(`${title}: ${counts.passed} passed, ${f} failed`);
  } else {
    failed += ok ? 0 : 1;
    summary.push(`${title}: ${ok ? 'ok' : 'failed'}`);
  }
}

try {
  tally('typecheck', run('typecheck', ['run', 'typecheck']), null);
  tally('lint', run('lint', ['run', 'lint']), null);

  const unitOk = run('unit', [
    'run',
    'test:unit',
    '--',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${vitestJson}`,
  ]);
  tally('unit', unitOk, countVitest(readJson(vitestJson)) ?? { passed: 0, failed: 0 });

  const e2eOk = run('e2e', ['run', 'test:e2e', '--', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
  });
  tally('e2e', e2eOk, countPlaywright(readJson(playwrightJson)) ?? { passed: 0, failed: 0 });
} finally {
  rmSync(reports, { recursive: true, force: true });
}

console.log('\n=== summary');
for (const line of summary) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(anyStepFailed || failed > 0 ? 1 : 0);
