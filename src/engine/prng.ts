// The engine's only source of randomness: a seeded xoroshiro128+ from pure-rand, so a run
// is a pure function of its scenario and seed.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

export interface Prng {
  /** uniform in [0, 1) */
  next(): number;
  state(): readonly number[];
}

export function makePrng(seed: number): Prng {
  const g = xoroshiro128plus(seed >>> 0);
  return {
    next: () => uniformFloat64(g),
    state: () => g.getState(),
  };
}
