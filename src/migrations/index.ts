import * as migration_20261122_205204_initial from './20261122_205204_initial';
import * as migration_20261122_224106_last_activity_at from './20261122_224106_last_activity_at';
import * as migration_20261122_233308_noticeboard_versions_json from './20261122_233308_noticeboard_versions_json';
import * as migration_20261201_200406_remove_process_conversation_log from './20261201_200406_remove_process_conversation_log';
import * as migration_20261201_201116_conversation_attention_signals from './20261201_201116_conversation_attention_signals';
import * as migration_20261201_203138_application_current_step_since from './20261201_203138_application_current_step_since';
import * as migration_20261202_054939_portal_read_model from './20261202_054939_portal_read_model';
import * as migration_20261202_073039_operations_reviews_attention_views from './20261202_073039_operations_reviews_attention_views';
import * as migration_20261202_203820_conversation_ms_to_decision from './20261202_203820_conversation_ms_to_decision';
import * as migration_20261207_220757_portal_answers from './20261207_220757_portal_answers';
import * as migration_20261208_013811_projection_fences from './20261208_013811_projection_fences';

export const migrations = [
  {
    up: migration_20261122_205204_initial.up,
    down: migration_20261122_205204_initial.down,
    name: '20261122_205204_initial',
  },
  {
    up: migration_20261122_224106_last_activity_at.up,
    down: migration_20261122_224106_last_activity_at.down,
    name: '20261122_224106_last_activity_at',
  },
  {
    up: migration_20261122_233308_noticeboard_versions_json.up,
    down: migration_20261122_233308_noticeboard_versions_json.down,
    name: '20261122_233308_noticeboard_versions_json',
  },
  {
    up: migration_20261201_200406_remove_process_conversation_log.up,
    down: migration_20261201_200406_remove_process_conversation_log.down,
    name: '20261201_200406_remove_process_conversation_log',
  },
  {
    up: migration_20261201_201116_conversation_attention_signals.up,
    down: migration_20261201_201116_conversation_attention_signals.down,
    name: '20261201_201116_conversation_attention_signals',
  },
  {
    up: migration_20261201_203138_application_current_step_since.up,
    down: migration_20261201_203138_application_current_step_since.down,
    name: '20261201_203138_application_current_step_since',
  },
  {
    up: migration_20261202_054939_portal_read_model.up,
    down: migration_20261202_054939_portal_read_model.down,
    name: '20261202_054939_portal_read_model',
  },
  {
    up: migration_20261202_073039_operations_reviews_attention_views.up,
    down: migration_20261202_073039_operations_reviews_attention_views.down,
    name: '20261202_073039_operations_reviews_attention_views',
  },
  {
    up: migration_20261202_203820_conversation_ms_to_decision.up,
    down: migration_20261202_203820_conversation_ms_to_decision.down,
    name: '20261202_203820_conversation_ms_to_decision',
  },
  {
    up: migration_20261207_220757_portal_answers.up,
    down: migration_20261207_220757_portal_answers.down,
    name: '20261207_220757_portal_answers',
  },
  {
    up: migration_20261208_013811_projection_fences.up,
    down: migration_20261208_013811_projection_fences.down,
    name: '20261208_013811_projection_fences'
  },
];
