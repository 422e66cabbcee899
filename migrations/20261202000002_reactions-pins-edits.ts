// Reactions, pins and edit history (SPEC §11, §13). A message row carries its reaction counts (`reactions`,
// `[{emoji, count}]` in order of first use) and its pin (`pinned_at`, `pinned_by`), so reading a page of
// messages needs no query per message; `message_reactions` holds who reacted with what, `message_edits`
// the previous contents.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.jsonb('reactions').notNullable().defaultTo(knex.raw(`'[]'::jsonb`))
    t.timestamp('pinned_at', { useTz: true })
    t.string('pinned_by', 50)
  })
  // The pins list of a chat, newest first (and its count for the 100-pin limit).
  await knex.schema.raw(
    'CREATE INDEX idx_messages_pins ON messages (chat_id, pinned_at DESC, id DESC) WHERE pinned_at IS NOT NULL'
  )
  await knex.schema.createTable('message_reactions', (t) => {
    t.increments('id').primary()
    t.string('message_id', 50).notNullable().references('message_id').inTable('messages').onDelete('CASCADE')
    t.string('user_id', 50).notNullable().references('user_id').inTable('users').onDelete('CASCADE')
    t.string('emoji', 64).notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.unique(['message_id', 'emoji', 'user_id'])
    t.index(['user_id', 'message_id'], 'idx_message_reactions_user')
  })
  await knex.schema.createTable('message_edits', (t) => {
    t.increments('id').primary()
    t.string('message_id', 50).notNullable().references('message_id').inTable('messages').onDelete('CASCADE')
    t.text('content').notNullable()
    t.timestamp('edited_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['message_id', 'id'], 'idx_message_edits_message')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('message_edits')
  await knex.schema.dropTableIfExists('message_reactions')
  await knex.schema.raw('DROP INDEX IF EXISTS idx_messages_pins')
  await knex.schema.alterTable('messages', (t) => {
    t.dropColumn('reactions')
    t.dropColumn('pinned_at')
    t.dropColumn('pinned_by')
  })
}
