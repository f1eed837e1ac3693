import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * The page is served cross-origin isolated: it loads nothing from another origin, and the
 * browser then gives `performance.now()` and requestAnimationFrame's timestamps their full
 * resolution (Chromium rounds them to 100 us, with jitter, otherwise). Frame times read
 * with it (`npm run bench:page`) are the browser's: an empty page's frames, 16.67 ms apart,
 * read 16.6-16.8 ms without it, 16.8 in 3-5 % of them (so a p95 of 16.8 said nothing).
 */
const ISOLATED = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  worker: {
    format: 'es',
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    headers: ISOLATED,
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    headers: ISOLATED,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // property tests and the kernel conformance run the engine many times; a shared,
    // loaded machine can take several times the 5 s default (no test asserts on time)
    testTimeout: 60_000,
  },
});
