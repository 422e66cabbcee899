// Bot accounts (SPEC §15): a user row marked `is_bot`, owned by the user who made it (`bot_owner_id`). Bots
// and the integrations behind incoming webhooks are such users, so membership, channels, chat lists and
// rate limits treat them like anyone else; they have no password anyone knows and never log in with one.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('is_bot').notNullable().defaultTo(false)
    t.string('bot_owner_id', 50).references('user_id').inTable('users').onDelete('SET NULL')
  })
  await knex.schema.raw(
    'CREATE INDEX idx_users_bot_owner ON users (bot_owner_id) WHERE bot_owner_id IS NOT NULL'
  )
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.raw('DROP INDEX IF EXISTS idx_users_bot_owner')
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('bot_owner_id')
    t.dropColumn('is_bot')
  })
}
