import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`portal_applications\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`application_number\` text NOT NULL,
  	\`customer_id\` text,
  	\`status\` text NOT NULL,
  	\`current_stage\` text,
  	\`current_step\` text,
  	\`progress_percentage\` numeric NOT NULL,
  	\`loan_purpose\` text,
  	\`loan_amount\` numeric,
  	\`loan_fee\` numeric,
  	\`loan_total_payable\` numeric,
  	\`loan_term\` numeric,
  	\`customer_name\` text NOT NULL,
  	\`customer_email\` text,
  	\`documents\` text NOT NULL,
  	\`outstanding\` text NOT NULL,
  	\`has_outstanding\` integer DEFAULT false NOT NULL,
  	\`submitted_at\` text,
  	\`decided_at\` text,
  	\`last_update_at\` text,
  	\`position\` text,
  	\`outcome\` text NOT NULL,
  	\`first_name\` text,
  	\`middle_name\` text,
  	\`last_name\` text,
  	\`preferred_name\` text,
  	\`ekyc_status\` text,
  	\`statement_capture_completed\` integer,
  	\`identity_documents\` text NOT NULL,
  	\`version\` numeric DEFAULT 0,
  	\`projection\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`portal_applications_application_number_idx\` ON \`portal_applications\` (\`application_number\`);`)
  await db.run(sql`CREATE INDEX \`portal_applications_customer_id_idx\` ON \`portal_applications\` (\`customer_id\`);`)
  await db.run(sql`CREATE INDEX \`portal_applications_updated_at_idx\` ON \`portal_applications\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`portal_applications_created_at_idx\` ON \`portal_applications\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`customerId_lastUpdateAt_applicationNumber_idx\` ON \`portal_applications\` (\`customer_id\`,\`last_update_at\`,\`application_number\`);`)
  await db.run(sql`CREATE TABLE \`portal_conversations\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`conversation_id\` text NOT NULL,
  	\`application_number\` text,
  	\`customer_id\` text,
  	\`purpose\` text,
  	\`status\` text NOT NULL,
  	\`last_message\` text,
  	\`last_message_from\` text,
  	\`last_message_at\` text,
  	\`message_count\` numeric NOT NULL,
  	\`started_at\` text,
  	\`last_activity_at\` text,
  	\`position\` text,
  	\`version\` numeric DEFAULT 0,
  	\`projection\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`portal_conversations_conversation_id_idx\` ON \`portal_conversations\` (\`conversation_id\`);`)
  await db.run(sql`CREATE INDEX \`portal_conversations_application_number_idx\` ON \`portal_conversations\` (\`application_number\`);`)
  await db.run(sql`CREATE INDEX \`portal_conversations_customer_id_idx\` ON \`portal_conversations\` (\`customer_id\`);`)
  await db.run(sql`CREATE INDEX \`portal_conversations_updated_at_idx\` ON \`portal_conversations\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`portal_conversations_created_at_idx\` ON \`portal_conversations\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`customerId_lastActivityAt_conversationId_idx\` ON \`portal_conversations\` (\`customer_id\`,\`last_activity_at\`,\`conversation_id\`);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`portal_applications_id\` integer REFERENCES portal_applications(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`portal_conversations_id\` integer REFERENCES portal_conversations(id);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_portal_applications_id_idx\` ON \`payload_locked_documents_rels\` (\`portal_applications_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_portal_conversations_id_idx\` ON \`payload_locked_documents_rels\` (\`portal_conversations_id\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`portal_applications\`;`)
  await db.run(sql`DROP TABLE \`portal_conversations\`;`)
  await db.run(sql`PRAGMA foreign_keys=OFF;`)
  await db.run(sql`CREATE TABLE \`__new_payload_locked_documents_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` integer NOT NULL,
  	\`path\` text NOT NULL,
  	\`conversations_id\` integer,
  	\`customers_id\` integer,
  	\`applications_id\` integer,
  	\`utterances_id\` integer,
  	\`users_id\` integer,
  	\`media_id\` integer,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`payload_locked_documents\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`conversations_id\`) REFERENCES \`conversations\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`customers_id\`) REFERENCES \`customers\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`applications_id\`) REFERENCES \`applications\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`utterances_id\`) REFERENCES \`utterances\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`users_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`media_id\`) REFERENCES \`media\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`INSERT INTO \`__new_payload_locked_documents_rels\`("id", "order", "parent_id", "path", "conversations_id", "customers_id", "applications_id", "utterances_id", "users_id", "media_id") SELECT "id", "order", "parent_id", "path", "conversations_id", "customers_id", "applications_id", "utterances_id", "users_id", "media_id" FROM \`payload_locked_documents_rels\`;`)
  await db.run(sql`DROP TABLE \`payload_locked_documents_rels\`;`)
  await db.run(sql`ALTER TABLE \`__new_payload_locked_documents_rels\` RENAME TO \`payload_locked_documents_rels\`;`)
  await db.run(sql`PRAGMA foreign_keys=ON;`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_order_idx\` ON \`payload_locked_documents_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_parent_idx\` ON \`payload_locked_documents_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_path_idx\` ON \`payload_locked_documents_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_conversations_id_idx\` ON \`payload_locked_documents_rels\` (\`conversations_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_customers_id_idx\` ON \`payload_locked_documents_rels\` (\`customers_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_applications_id_idx\` ON \`payload_locked_documents_rels\` (\`applications_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_utterances_id_idx\` ON \`payload_locked_documents_rels\` (\`utterances_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_users_id_idx\` ON \`payload_locked_documents_rels\` (\`users_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_media_id_idx\` ON \`payload_locked_documents_rels\` (\`media_id\`);`)
}
