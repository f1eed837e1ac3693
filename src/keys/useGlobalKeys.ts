import { useEffect } from 'react';
import { simStore } from '../store';
import { keyAction, timelineKey, type KeyAction } from './keys';

/** Runs a key's action on the page's store; false when it had nothing to do. */
export function runKeyAction(action: KeyAction, toggleHelp: () => void): boolean {
  const st = simStore.getState();
  switch (action) {
    case 'play-pause':
      if (st.playing) st.pause();
      else st.play();
      return true;
    case 'step-next':
      st.stepNext();
      return true;
    case 'step-prev':
      st.stepPrev();
      return true;
    case 'faster':
      st.setSpeed(st.speed * 2);
      return true;
    case 'slower':
      st.setSpeed(st.speed / 2);
      return true;
    case 'help':
      toggleHelp();
      return true;
    default:
      return timelineKey(action);
  }
}

/** The page's keys, while no dialog is open and the focus is not in a field. */
export function useGlobalKeys(enabled: boolean, toggleHelp: () => void): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented) return;
      const el = e.target instanceof HTMLElement ? e.target : null;
      // a dialog (the inject menu, the help) keeps its keys
      if (el?.closest('[role="dialog"], [role="menu"]')) return;
      const action = keyAction({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        tag: el?.tagName,
        type: el instanceof HTMLInputElement ? el.type : undefined,
        role: el?.getAttribute('role'),
        editable: el?.isContentEditable,
      });
      if (!action) return;
      if (runKeyAction(action, toggleHelp)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, toggleHelp]);
}
