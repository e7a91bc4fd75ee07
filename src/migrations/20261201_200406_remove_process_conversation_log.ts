import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`applications_application_process_conversation\`;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`applications_application_process_conversation\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`role\` text,
  	\`content\` text,
  	\`timestamp\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`applications\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`applications_application_process_conversation_order_idx\` ON \`applications_application_process_conversation\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`applications_application_process_conversation_parent_id_idx\` ON \`applications_application_process_conversation\` (\`_parent_id\`);`)
}
