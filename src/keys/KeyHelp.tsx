import { useEffect, useRef } from 'react';
import { KEY_BINDINGS } from './keys';

/** The `?` overlay: every key the page takes, from the one table the handler reads. */
export function KeyHelp({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div
      className="overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        className="key-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="key-help-title"
        data-testid="key-help"
        onKeyDown={(e) => {
          if (e.key === 'Escape' || e.key === '?') {
            e.preventDefault();
            onClose();
          } else if (e.key === 'Tab') {
            // one control inside: the focus stays on it
            e.preventDefault();
          }
        }}
      >
        <h2 id="key-help-title">Keyboard</h2>
        <table>
          <tbody>
            {KEY_BINDINGS.map((b) => (
              <tr key={b.action}>
                <th scope="row">
                  <kbd>{b.label}</kbd>
                </th>
                <td>{b.what}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">
                <kbd>Enter</kbd>
              </th>
              <td>on a LUN: inject a fault there</td>
            </tr>
            <tr>
              <th scope="row">
                <kbd>Esc</kbd>
              </th>
              <td>close a menu or this list; clear the timeline&apos;s range</td>
            </tr>
          </tbody>
        </table>
        <p className="muted">
          Keys act when the focus is not in a text field. With the focus on the timeline, its keys
          act there.
        </p>
        <button type="button" ref={closeRef} onClick={onClose} data-testid="key-help-close">
          Close
        </button>
      </div>
    </div>
  );
}
