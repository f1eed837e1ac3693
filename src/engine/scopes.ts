// A scenario under one scope: what the CLI's --policy and the page's scope selector do.
import { driverOffers, driverProfile } from './drivers';
import type { Scenario } from './scenario';
import { SCOPES, type Scope } from './stream';

/** The scopes that every host's driver offers, and every other system's recovery. */
export function offeredScopes(sc: Scenario): Scope[] {
  return SCOPES.filter((s) => sc.hosts.every((h) => driverOffers(driverProfile(h.driver), s)));
}

/** The scenario with every device of every host in this scope (the driver must offer it). */
export function withScope(sc: Scenario, scope: Scope): Scenario {
  return {
    ...sc,
    hosts: sc.hosts.map((h) => ({
      ...h,
      scope,
      ...(h.overrides ? { overrides: h.overrides.map((o) => ({ ...o, scope })) } : {}),
    })),
  };
}
