// Incoming webhooks (SPEC §15): a secret URL that posts into one group chat as an integration. The secret is
// stored as its SHA-256 (a 32-byte random token needs no slow hash); the integration is a bot user
// (`users.is_bot`) that is a member of the group, so channels, chat lists and limits treat it like a person.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('incoming_webhooks', (t) => {
    t.increments('id').primary()
    t.string('incoming_webhook_id', 50).notNullable().unique()
    t.string('chat_id', 50).notNullable().references('chat_id').inTable('chats').onDelete('CASCADE')
    t.string('group_id', 50).notNullable().references('group_id').inTable('groups').onDelete('CASCADE')
    t.string('user_id', 50).notNullable().references('user_id').inTable('users').onDelete('CASCADE')
    t.string('name', 100).notNullable()
    t.string('token_hash', 64).notNullable().unique()
    t.string('created_by', 50).references('user_id').inTable('users').onDelete('SET NULL')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['chat_id', 'id'], 'idx_incoming_webhooks_chat')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('incoming_webhooks')
}
