import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`ms_to_decision\` numeric;`)
  await db.run(sql`CREATE INDEX \`finalDecision_identityRiskBand_decidedAt_idx\` ON \`conversations\` (\`final_decision\`,\`identity_risk_band\`,\`decided_at\`);`)
  await db.run(sql`CREATE INDEX \`msToDecision_decidedAt_idx\` ON \`conversations\` (\`ms_to_decision\`,\`decided_at\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP INDEX \`finalDecision_identityRiskBand_decidedAt_idx\`;`)
  await db.run(sql`DROP INDEX \`msToDecision_decidedAt_idx\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`ms_to_decision\`;`)
}
