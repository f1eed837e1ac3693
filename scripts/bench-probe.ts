// Page-side probes shared by the benchmarks, as script text (a function would be sent as tsx
// compiled it, with helpers the page does not have). Expects `bench` (with `armed`), `tasks`
// and `frames` in scope: records every long task, and every animation frame once armed.
export const FRAMES_AND_LONG_TASKS = `
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const frame = (t) => {
    if (bench.armed) frames.push(t);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
`;
