// Moderation (SPEC §15): the audit log of admin and moderation actions, reports on messages, mutes (a
// member's `muted_until` on their chat participation, read with the membership check every send, reaction
// and typing call already makes) and group bans.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary()
    // No foreign keys: the log outlives the users, groups and messages it names.
    t.string('actor_id', 50)
    t.string('actor_kind', 10).notNullable()
    t.string('action', 64).notNullable()
    t.string('target_type', 32).notNullable()
    t.string('target_id', 50)
    t.string('group_id', 50)
    t.string('chat_id', 50)
    t.jsonb('details').notNullable().defaultTo(knex.raw(`'{}'::jsonb`))
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await knex.schema.raw(
    `ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_kind CHECK (actor_kind IN ('user', 'cli', 'system'))`
  )
  // The CLI lists newest first, filtered by actor, action, target or group (each with the id order).
  await knex.schema.raw('CREATE INDEX idx_audit_log_created ON audit_log (created_at DESC, id DESC)')
  await knex.schema.raw('CREATE INDEX idx_audit_log_actor ON audit_log (actor_id, id DESC)')
  await knex.schema.raw('CREATE INDEX idx_audit_log_action ON audit_log (action, id DESC)')
  await knex.schema.raw('CREATE INDEX idx_audit_log_target ON audit_log (target_id, id DESC)')
  await knex.schema.raw(
    'CREATE INDEX idx_audit_log_group ON audit_log (group_id, id DESC) WHERE group_id IS NOT NULL'
  )

  await knex.schema.createTable('message_reports', (t) => {
    t.bigIncrements('id').primary()
    t.string('report_id', 50).notNullable().unique()
    t.string('message_id', 50).notNullable().references('message_id').inTable('messages').onDelete('CASCADE')
    t.string('chat_id', 50).notNullable().references('chat_id').inTable('chats').onDelete('CASCADE')
    // Null for a private chat's message: only the admin CLI sees those.
    t.string('group_id', 50).references('group_id').inTable('groups').onDelete('CASCADE')
    t.string('reporter_id', 50).notNullable().references('user_id').inTable('users').onDelete('CASCADE')
    t.text('reason').notNullable()
    t.string('status', 10).notNullable().defaultTo('open')
    t.text('resolution')
    t.string('resolved_by', 50)
    t.timestamp('resolved_at', { useTz: true })
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await knex.schema.raw(
    `ALTER TABLE message_reports ADD CONSTRAINT message_reports_status CHECK (status IN ('open', 'resolved'))`
  )
  // One open report per reporter per message (reporting again answers the open one).
  await knex.schema.raw(
    `CREATE UNIQUE INDEX idx_message_reports_open ON message_reports (message_id, reporter_id) WHERE status = 'open'`
  )
  await knex.schema.raw(
    'CREATE INDEX idx_message_reports_group ON message_reports (group_id, status, id DESC)'
  )
  await knex.schema.raw('CREATE INDEX idx_message_reports_status ON message_reports (status, id DESC)')

  await knex.schema.createTable('group_bans', (t) => {
    t.string('group_id', 50).notNullable().references('group_id').inTable('groups').onDelete('CASCADE')
    t.string('user_id', 50).notNullable().references('user_id').inTable('users').onDelete('CASCADE')
    t.string('banned_by', 50)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.primary(['group_id', 'user_id'])
  })

  await knex.schema.alterTable('chat_participants', (t) => {
    t.timestamp('muted_until', { useTz: true })
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('chat_participants', (t) => {
    t.dropColumn('muted_until')
  })
  await knex.schema.dropTableIfExists('group_bans')
  await knex.schema.dropTableIfExists('message_reports')
  await knex.schema.dropTableIfExists('audit_log')
}
