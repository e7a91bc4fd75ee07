import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`applications_noticeboard\` ADD \`versions\` text;`)
  // Each note's version rows become one JSON array, oldest first.
  await db.run(sql`UPDATE \`applications_noticeboard\` SET \`versions\` = (
    SELECT json_group_array(json_object('content', \`content\`, 'timestamp', \`timestamp\`)) FROM (
      SELECT \`content\`, \`timestamp\` FROM \`applications_noticeboard_versions\` AS v
      WHERE v.\`_parent_id\` = \`applications_noticeboard\`.\`id\` ORDER BY v.\`_order\`
    )
  );`)
  await db.run(sql`DROP TABLE \`applications_noticeboard_versions\`;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`applications_noticeboard_versions\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` text NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`content\` text,
  	\`timestamp\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`applications_noticeboard\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`applications_noticeboard_versions_order_idx\` ON \`applications_noticeboard_versions\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`applications_noticeboard_versions_parent_id_idx\` ON \`applications_noticeboard_versions\` (\`_parent_id\`);`)
  await db.run(sql`INSERT INTO \`applications_noticeboard_versions\` (\`_order\`, \`_parent_id\`, \`id\`, \`content\`, \`timestamp\`)
    SELECT j.\`key\` + 1, n.\`id\`, lower(hex(randomblob(12))), json_extract(j.\`value\`, '$.content'), json_extract(j.\`value\`, '$.timestamp')
    FROM \`applications_noticeboard\` AS n, json_each(coalesce(n.\`versions\`, '[]')) AS j;`)
  await db.run(sql`ALTER TABLE \`applications_noticeboard\` DROP COLUMN \`versions\`;`)
}
