import * as migration_20261122_200705_initial from './20261122_200705_initial';

export const migrations = [
  {
    up: migration_20261122_200705_initial.up,
    down: migration_20261122_200705_initial.down,
    name: '20261122_200705_initial'
  },
];
