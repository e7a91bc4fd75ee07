import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`identity_risk_score\` numeric;`)
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`identity_risk_band\` text;`)
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`fraud_result\` text;`)
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`serviceable\` integer;`)
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`current_step\` text;`)
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`step_since\` text;`)
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`waiting_on\` text;`)
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`question_repeats\` numeric DEFAULT 0;`)
  await db.run(sql`CREATE INDEX \`conversations_identity_risk_score_idx\` ON \`conversations\` (\`identity_risk_score\`);`)
  await db.run(sql`CREATE INDEX \`conversations_fraud_result_idx\` ON \`conversations\` (\`fraud_result\`);`)
  await db.run(sql`CREATE INDEX \`conversations_serviceable_idx\` ON \`conversations\` (\`serviceable\`);`)
  await db.run(sql`CREATE INDEX \`conversations_step_since_idx\` ON \`conversations\` (\`step_since\`);`)
  await db.run(sql`CREATE INDEX \`conversations_question_repeats_idx\` ON \`conversations\` (\`question_repeats\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP INDEX \`conversations_identity_risk_score_idx\`;`)
  await db.run(sql`DROP INDEX \`conversations_fraud_result_idx\`;`)
  await db.run(sql`DROP INDEX \`conversations_serviceable_idx\`;`)
  await db.run(sql`DROP INDEX \`conversations_step_since_idx\`;`)
  await db.run(sql`DROP INDEX \`conversations_question_repeats_idx\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`identity_risk_score\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`identity_risk_band\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`fraud_result\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`serviceable\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`current_step\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`step_since\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`waiting_on\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`question_repeats\`;`)
}
