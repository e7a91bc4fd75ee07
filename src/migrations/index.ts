import * as migration_20261122_205204_initial from './20261122_205204_initial';

export const migrations = [
  {
    up: migration_20261122_205204_initial.up,
    down: migration_20261122_205204_initial.down,
    name: '20261122_205204_initial'
  },
];
