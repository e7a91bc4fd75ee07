import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`conversations\` ADD \`last_activity_at\` text;`)
  // Conversations already projected: the same rule as src/projections/conversation.ts.
  await db.run(sql`UPDATE \`conversations\` SET \`last_activity_at\` = COALESCE(\`last_utterance_at\`, \`started_at\`);`)
  await db.run(sql`CREATE INDEX \`lastActivityAt_conversationId_idx\` ON \`conversations\` (\`last_activity_at\`,\`conversation_id\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP INDEX \`lastActivityAt_conversationId_idx\`;`)
  await db.run(sql`ALTER TABLE \`conversations\` DROP COLUMN \`last_activity_at\`;`)
}
