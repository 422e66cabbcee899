// Bot tokens (SPEC §15): one API token per bot, stored as its SHA-256 hash (the token itself only ever appears
// in the answer that made it). Each token is a session: `session_id` is a refresh-token family of the bot
// (a `refresh_tokens` row whose own hash matches no token anyone holds), so the session check, logout's
// revocation path and the resync after a lost event treat bot tokens like any login. Rotating or deleting
// revokes that family: the token stops working at once, on every instance.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bot_tokens', (t) => {
    t.string('bot_id', 50).primary().references('user_id').inTable('users').onDelete('CASCADE')
    t.string('token_hash', 64).notNullable().unique()
    t.string('session_id', 50).notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('rotated_at', { useTz: true })
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('bot_tokens')
}
