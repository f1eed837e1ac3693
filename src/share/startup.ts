// The page's first run: the link in the URL, if there is one (src/share/permalink.ts), else
// the default scenario playing. A bad link opens the default scenario and says why.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { Scope } from '../engine';
import { simStore, startRun, type SimStore } from '../store';
import { decodeLink, plainUrl, type ReadLink } from './permalink';

export interface ShareState {
  /** the page is embedded in a documentation page (?embed) */
  embed: boolean;
  /**
   * What was wrong with the link the page was opened with (the default scenario shows), or
   * with one put in the address bar later (the scenario shown is kept).
   */
  linkError: { message: string; kept: boolean } | null;
  dismissLinkError(): void;
}

/** The link the page was opened with, read once as the page loads. */
export const openedWith: ReadLink =
  typeof window === 'undefined'
    ? { kind: 'none', embed: false }
    : decodeLink(window.location.search, window.location.hash);

export const shareStore = createStore<ShareState>()((set) => ({
  embed: openedWith.embed,
  linkError: openedWith.kind === 'error' ? { message: openedWith.message, kept: false } : null,
  dismissLinkError: () => set({ linkError: null }),
}));

export function useShare<T>(selector: (s: ShareState) => T): T {
  return useStore(shareStore, selector);
}

/** The recovery scope a preset link asked for (the page's scope menu starts on it). */
export function linkedScope(): Scope | null {
  return openedWith.kind === 'ok' ? openedWith.scope : null;
}

/**
 * Starts the page's first run: the link's scenario and seed, paused at its position with
 * its step selected; or, without a usable link, the default scenario playing.
 */
export function startFromLink(
  link: ReadLink = openedWith,
  store: SimStore = simStore,
  run: (store: SimStore) => Promise<void> = (s) => startRun(s),
): Promise<void> {
  followLinks(store, run);
  if (link.kind !== 'ok') {
    const done = run(store);
    store.getState().play();
    return done;
  }
  return applyLink(link, store, run);
}

let unwatch: (() => void) | null = null;

/**
 * Keeps the address bar honest: once the scenario shown is no longer the one its link
 * carries (another preset, an injection, an edit), the link leaves the address bar.
 */
export function watchAddress(store: SimStore = simStore): void {
  unwatch?.();
  unwatch = null;
  if (typeof window === 'undefined') return;
  const linked = store.getState().scenario;
  const stop = store.subscribe((s) => {
    if (s.scenario === linked) return;
    stop();
    if (unwatch === stop) unwatch = null;
    const plain = plainUrl(window.location.href);
    if (plain !== window.location.href)
      window.history.replaceState(window.history.state, '', plain);
  });
  unwatch = stop;
}

/** Runs a link's scenario and seed, paused at its position with its step selected. */
function applyLink(
  link: Extract<ReadLink, { kind: 'ok' }>,
  store: SimStore,
  run: (store: SimStore) => Promise<void>,
): Promise<void> {
  store.setState({ seed: link.seed });
  unwatch?.();
  store.getState().setScenario(link.scenario, link.presetName ?? 'link');
  watchAddress(store);
  const done = run(store);
  const st = store.getState();
  st.pause();
  // the view follows the cursor as the stream reaches it
  st.seek(link.cursor);
  if (link.step !== null) st.selectStep(link.step);
  return done;
}

let following = false;

/**
 * A link pasted into the address bar of the open page changes only its fragment, and the
 * page does not load again: read it then. A bad one keeps the scenario shown.
 */
function followLinks(store: SimStore, run: (store: SimStore) => Promise<void>): void {
  if (following || typeof window === 'undefined') return;
  following = true;
  window.addEventListener('hashchange', () => {
    const link = decodeLink(window.location.search, window.location.hash);
    if (link.kind === 'none') return;
    if (link.kind === 'error') {
      shareStore.setState({ linkError: { message: link.message, kept: true } });
      return;
    }
    shareStore.setState({ linkError: null });
    void applyLink(link, store, run);
  });
}
