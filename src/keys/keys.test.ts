import { describe, expect, it } from 'vitest';
import { KEY_BINDINGS, keyAction } from './keys';

describe('the page keyboard', () => {
  it('maps each documented key to its action when nothing owns the key', () => {
    for (const b of KEY_BINDINGS)
      for (const key of b.keys) expect(keyAction({ key, tag: 'BODY' })).toBe(b.action);
    expect(keyAction({ key: 'W', tag: 'BODY' })).toBe('zoom-in');
    expect(keyAction({ key: 'ArrowRight', tag: 'DIV' })).toBe('step-next');
  });

  it('leaves keys to text fields, selects and modifier chords', () => {
    expect(keyAction({ key: 'w', tag: 'INPUT', type: 'text' })).toBeNull();
    expect(keyAction({ key: ' ', tag: 'INPUT' })).toBeNull();
    expect(keyAction({ key: 'ArrowLeft', tag: 'SELECT' })).toBeNull();
    expect(keyAction({ key: 'a', tag: 'DIV', editable: true })).toBeNull();
    expect(keyAction({ key: 's', tag: 'BODY', ctrlKey: true })).toBeNull();
    expect(keyAction({ key: 'x', tag: 'BODY' })).toBeNull();
  });

  it('lets a button keep Space and a slider keep its arrows, but not the rest', () => {
    expect(keyAction({ key: ' ', tag: 'BUTTON' })).toBeNull();
    expect(keyAction({ key: 'ArrowRight', tag: 'BUTTON' })).toBe('step-next');
    expect(keyAction({ key: 'ArrowRight', tag: 'INPUT', type: 'range' })).toBeNull();
    expect(keyAction({ key: ' ', tag: 'INPUT', type: 'range' })).toBe('play-pause');
    expect(keyAction({ key: '+', tag: 'INPUT', type: 'range' })).toBe('faster');
    expect(keyAction({ key: 'ArrowDown', tag: 'DIV', role: 'menuitem' })).toBeNull();
  });

  it('has no key bound twice', () => {
    const keys = KEY_BINDINGS.flatMap((b) => b.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
