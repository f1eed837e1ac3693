// Public face of the engine: pure TypeScript, the same in Node and in a Web Worker.
export {
  STREAM_VERSION,
  SCOPES,
  LINUX_SCOPES,
  SYSTEM_POLICIES,
  isSystemPolicy,
  FAULT_KINDS,
  atResolution,
} from './stream';
export type * from './stream';
export { simulate, Sim, type SimOptions, type SimResult } from './sim';
export {
  validateScenario,
  offeredRates,
  DEFAULT_WORKLOAD,
  ScenarioError,
  shown,
  LIMITS,
  KERNEL_TIMINGS,
  SCENARIO_VERSION,
  type Scenario,
  type HostSpec,
  type FaultSpec,
  type Workload,
  type Timings,
  type FieldError,
} from './scenario';
export { presets, presetGroups, playgrounds, coverLetterRows, hostLadder, demo } from './presets';
export { offeredScopes, withScope } from './scopes';
export {
  DRIVER_NAMES,
  driverOffers,
  driverProfile,
  type DriverName,
  type DriverProfile,
} from './drivers';
export { describeTransition, formatTimeline, formatMetrics } from './describe';
export {
  analyze,
  openStep,
  ladderOf,
  scopeRank,
  type Analysis,
  type StepRecord,
  type Span,
} from './analysis';
