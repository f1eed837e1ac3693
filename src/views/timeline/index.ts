export { Timeline } from './Timeline';
export { MANY_LUNS, targetFolded } from './layout';
