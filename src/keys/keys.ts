// The page's keyboard (issue 14): the habits people bring from media players and from
// Perfetto. One table, read by the handler and by the help overlay, so the two cannot differ.

export type KeyAction =
  | 'play-pause'
  | 'step-next'
  | 'step-prev'
  | 'faster'
  | 'slower'
  | 'zoom-in'
  | 'zoom-out'
  | 'pan-left'
  | 'pan-right'
  | 'fit'
  | 'help';

export interface KeyBinding {
  action: KeyAction;
  /** the keys as KeyboardEvent.key gives them (letters in lower case) */
  keys: readonly string[];
  /** how the help overlay writes them */
  label: string;
  what: string;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { action: 'play-pause', keys: [' '], label: 'Space', what: 'play or pause' },
  { action: 'step-next', keys: ['arrowright'], label: '→', what: 'next recovery step' },
  { action: 'step-prev', keys: ['arrowleft'], label: '←', what: 'previous recovery step' },
  { action: 'faster', keys: ['+', '='], label: '+', what: 'play faster (x2)' },
  { action: 'slower', keys: ['-', '_'], label: '−', what: 'play slower (÷2)' },
  { action: 'zoom-in', keys: ['w'], label: 'W', what: 'zoom the timeline in' },
  { action: 'zoom-out', keys: ['s'], label: 'S', what: 'zoom the timeline out' },
  { action: 'pan-left', keys: ['a'], label: 'A', what: 'pan the timeline left' },
  { action: 'pan-right', keys: ['d'], label: 'D', what: 'pan the timeline right' },
  { action: 'fit', keys: ['0'], label: '0', what: 'show the whole run' },
  { action: 'help', keys: ['?'], label: '?', what: 'show or hide this list' },
];

const BY_KEY = new Map<string, KeyAction>();
for (const b of KEY_BINDINGS) for (const k of b.keys) BY_KEY.set(k, b.action);

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** the focused element's tag (upper case, as the DOM gives it), its type and role */
  tag?: string;
  type?: string;
  role?: string | null;
  editable?: boolean;
}

/** Where keys belong to the focused control: typing, choosing, sliding. */
function ownsKeys(input: KeyInput): { all: boolean; space: boolean; arrows: boolean } {
  const tag = input.tag ?? '';
  if (input.editable || tag === 'TEXTAREA' || tag === 'SELECT')
    return { all: true, space: true, arrows: true };
  if (tag === 'INPUT') {
    const type = (input.type ?? 'text').toLowerCase();
    if (type === 'range') return { all: false, space: false, arrows: true };
    if (type === 'checkbox' || type === 'radio' || type === 'button' || type === 'submit')
      return { all: false, space: true, arrows: type === 'radio' };
    return { all: true, space: true, arrows: true };
  }
  // a button or a menu item presses with Space; a menu moves with the arrows
  const role = input.role ?? '';
  if (tag === 'BUTTON' || tag === 'SUMMARY' || role === 'button' || role === 'menuitem')
    return { all: false, space: true, arrows: role === 'menuitem' };
  return { all: false, space: false, arrows: false };
}

/** The action a key press asks for, or null when it is not ours to take. */
export function keyAction(input: KeyInput): KeyAction | null {
  if (input.ctrlKey || input.metaKey || input.altKey) return null;
  const key = input.key.toLowerCase();
  const action = BY_KEY.get(key);
  if (!action) return null;
  const owns = ownsKeys(input);
  if (owns.all) return null;
  if (owns.space && key === ' ') return null;
  if (owns.arrows && (key === 'arrowleft' || key === 'arrowright')) return null;
  return action;
}

/** What the timeline does with a zoom or pan key; the timeline registers itself here. */
type TimelineKeys = (action: KeyAction) => boolean;
let timelineKeys: TimelineKeys | null = null;

export function registerTimelineKeys(fn: TimelineKeys): () => void {
  timelineKeys = fn;
  return () => {
    if (timelineKeys === fn) timelineKeys = null;
  };
}

export function timelineKey(action: KeyAction): boolean {
  return timelineKeys ? timelineKeys(action) : false;
}
