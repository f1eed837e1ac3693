// The lesson being walked: its text, back and next, and a link to the step shown.
import { useEffect, useRef, useState } from 'react';
import { createStore, useStore } from 'zustand';
import { loadScenario, simStore } from '../store';
import {
  LESSONS,
  lessonFromSearch,
  lessonHref,
  momentStep,
  momentTime,
  stepScenario,
  type Lesson,
} from './lessons';

interface LessonState {
  lesson: Lesson | null;
  index: number;
  /** true while the step's run is being made */
  loading: boolean;
  error: string | null;
}

export const lessonStore = createStore<LessonState>(() => ({
  lesson: null,
  index: 0,
  loading: false,
  error: null,
}));

let token = 0;

/** Shows step `index` of a lesson: runs its scenario, then pauses at its moment. */
export async function showLessonStep(lesson: Lesson, index: number): Promise<void> {
  const step = lesson.steps[index];
  if (!step) return;
  const mine = ++token;
  lessonStore.setState({ lesson, index, loading: true, error: null });
  const plain = !step.scope && !step.faults?.length;
  const st = simStore.getState();
  st.pause();
  try {
    await loadScenario(stepScenario(step), plain ? step.preset : `lesson:${lesson.id}`);
  } catch (err) {
    if (mine === token)
      lessonStore.setState({
        loading: false,
        error: err instanceof Error ? err.message : String(err),
      });
    return;
  }
  if (mine !== token) return;
  const s = simStore.getState();
  const model = s.timeline;
  const t = model ? momentTime(model, step.at) : null;
  if (s.status !== 'done' || !model || t === null) {
    lessonStore.setState({
      loading: false,
      error: s.error ?? 'The run of this step did not reach the place the lesson shows.',
    });
    return;
  }
  s.pause();
  s.setTimelineView(() => null);
  s.seek(t);
  const at = momentStep(model, step.at);
  s.selectStep(at ? at.id : null);
  lessonStore.setState({ loading: false });
  if (typeof history !== 'undefined') history.replaceState(null, '', lessonHref(lesson.id, index));
}

/** Opens the lesson a `?lesson=` link names; false when the URL names none. */
export function lessonFromUrl(search: string): boolean {
  const found = lessonFromSearch(search);
  if (!found) return false;
  if ('error' in found) {
    lessonStore.setState({ lesson: null, error: found.error });
    return false;
  }
  void showLessonStep(found.lesson, found.index);
  return true;
}

export function closeLesson(): void {
  token++;
  lessonStore.setState({ lesson: null, index: 0, loading: false, error: null });
  if (typeof location !== 'undefined' && location.search.includes('lesson='))
    history.replaceState(null, '', location.pathname);
}

/** The "Lessons" button and its list. */
export function LessonMenu() {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (open) listRef.current?.querySelector('button')?.focus();
  }, [open]);
  return (
    <div
      className="lesson-menu"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
      onBlur={(e) => {
        if (open && !e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        type="button"
        ref={buttonRef}
        aria-expanded={open}
        aria-controls="lesson-list"
        onClick={() => setOpen((o) => !o)}
        data-testid="lessons"
      >
        Lessons ▾
      </button>
      {open ? (
        <ul id="lesson-list" className="lesson-list" ref={listRef} aria-label="Lessons">
          {LESSONS.map((l) => (
            <li key={l.id}>
              <button
                type="button"
                data-testid={`lesson-${l.id}`}
                onClick={() => {
                  setOpen(false);
                  void showLessonStep(l, 0);
                }}
              >
                <strong>{l.title}</strong>
                <span>{l.steps.length} steps</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The lesson's text, with back and next; nothing when no lesson is open. */
export function LessonPanel() {
  const { lesson, index, loading, error } = useStore(lessonStore);
  const nextRef = useRef<HTMLButtonElement>(null);
  const opened = lesson?.id;
  useEffect(() => {
    if (opened) nextRef.current?.focus();
  }, [opened]);
  if (!lesson)
    return error ? (
      <div className="error" role="alert" data-testid="lesson-link-error">
        <p>{error}</p>
        <button type="button" onClick={() => lessonStore.setState({ error: null })}>
          Dismiss
        </button>
      </div>
    ) : null;
  const step = lesson.steps[index]!;
  const last = index === lesson.steps.length - 1;
  return (
    <section
      className="lesson"
      aria-labelledby="lesson-title"
      data-testid="lesson"
      data-lesson={lesson.id}
      data-step={index + 1}
      data-loading={loading ? 'true' : 'false'}
    >
      <div className="lesson-head">
        <h2 id="lesson-title">
          <span className="lesson-name">{lesson.title}</span>{' '}
          <span className="lesson-count">
            step {index + 1} of {lesson.steps.length}
          </span>
        </h2>
        <button
          type="button"
          className="lesson-close"
          onClick={closeLesson}
          aria-label="Close the lesson"
          data-testid="lesson-close"
        >
          ✕
        </button>
      </div>
      <h3 data-testid="lesson-step-title">{step.title}</h3>
      <p aria-live="polite">{step.text}</p>
      {error ? (
        <p className="lesson-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="lesson-nav">
        <button
          type="button"
          onClick={() => void showLessonStep(lesson, index - 1)}
          disabled={index === 0}
          data-testid="lesson-back"
        >
          ‹ Back
        </button>
        <button
          type="button"
          ref={nextRef}
          onClick={() => {
            if (!last) {
              void showLessonStep(lesson, index + 1);
              return;
            }
            closeLesson();
            document.querySelector<HTMLElement>('[data-testid="lessons"]')?.focus();
          }}
          data-testid="lesson-next"
        >
          {last ? 'Finish ✓' : 'Next ›'}
        </button>
        <a href={lessonHref(lesson.id, index)} data-testid="lesson-link">
          Link to this step
        </a>
        {loading ? <span className="muted">running the scenario…</span> : null}
      </div>
    </section>
  );
}
