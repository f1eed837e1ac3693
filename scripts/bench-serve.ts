// The production page for a benchmark: built (unless --no-build), served by Vite's preview
// server on 127.0.0.1, and Debian's Chromium to open it. Vite and Playwright are imported
// when a benchmark gets here, so that a run in Node alone does not load them.
import { execFileSync } from 'node:child_process';
import type { Browser } from '@playwright/test';

export interface Served {
  browser: Browser;
  /** closes the browser, then the server */
  close(): Promise<void>;
}

export async function servePage(root: string, port: number, build: boolean): Promise<Served> {
  const { chromium } = await import('@playwright/test');
  const { preview } = await import('vite');
  if (build)
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await preview({
    root,
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  return {
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}
