import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`portal_applications\` ADD \`answer\` text;`)
  await db.run(sql`ALTER TABLE \`portal_conversations\` ADD \`answer\` text;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`portal_applications\` DROP COLUMN \`answer\`;`)
  await db.run(sql`ALTER TABLE \`portal_conversations\` DROP COLUMN \`answer\`;`)
}
