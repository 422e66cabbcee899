// Outgoing webhooks (SPEC §15). `webhooks`: a subscription of a URL to events of one chat (`chat_id`) or of
// every chat (`chat_id` NULL: system-wide, made by the admin CLI only), with its signing secret (kept as is:
// the server signs with it). `webhook_deliveries`: the transactional outbox, one row per event per webhook,
// written in the same transaction as the event; workers claim due rows with FOR UPDATE SKIP LOCKED and a
// lease (`locked_until`). `webhook_attempts`: one row per HTTP attempt (the delivery log).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhooks', (t) => {
    t.string('webhook_id', 50).primary()
    t.string('chat_id', 50).references('chat_id').inTable('chats').onDelete('CASCADE')
    t.text('url').notNullable()
    t.specificType('events', 'text[]').notNullable()
    t.text('secret').notNullable()
    t.boolean('active').notNullable().defaultTo(true)
    t.integer('consecutive_failures').notNullable().defaultTo(0)
    t.string('created_by', 50).references('user_id').inTable('users').onDelete('SET NULL')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  // The enqueue statement looks up the active webhooks of a chat and the system-wide ones.
  await knex.schema.raw('CREATE INDEX idx_webhooks_chat ON webhooks (chat_id) WHERE active')
  await knex.schema.raw('CREATE INDEX idx_webhooks_global ON webhooks ((1)) WHERE active AND chat_id IS NULL')

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id').primary()
    t.string('webhook_id', 50).notNullable().references('webhook_id').inTable('webhooks').onDelete('CASCADE')
    t.string('chat_id', 50).notNullable()
    t.string('event', 40).notNullable()
    // The Standard Webhooks message id (`webhook-id`), the same on every attempt of this delivery.
    t.string('msg_id', 60)
      .notNullable()
      .defaultTo(knex.raw(`'msg_' || replace(gen_random_uuid()::text, '-', '')`))
    t.jsonb('payload').notNullable()
    t.string('state', 12).notNullable().defaultTo('pending') // pending | delivered | failed
    t.integer('attempts').notNullable().defaultTo(0)
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('locked_until', { useTz: true })
    // The claim (one random token per claiming statement) that holds the lease: only its worker records.
    t.string('claim', 40)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('finished_at', { useTz: true })
  })
  // Due work, and the head of each (webhook, chat) queue (one delivery in flight per pair, oldest first).
  await knex.schema.raw(
    `CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE state = 'pending'`
  )
  await knex.schema.raw(
    `CREATE INDEX idx_webhook_deliveries_queue ON webhook_deliveries (webhook_id, chat_id, id) WHERE state = 'pending'`
  )
  // Delivered deliveries (and their attempts) are pruned after `webhooks.retentionDays`.
  await knex.schema.raw(
    `CREATE INDEX idx_webhook_deliveries_done ON webhook_deliveries (finished_at) WHERE state = 'delivered'`
  )
  await knex.schema.createTable('webhook_attempts', (t) => {
    t.bigIncrements('id').primary()
    t.bigInteger('delivery_id')
      .notNullable()
      .references('id')
      .inTable('webhook_deliveries')
      .onDelete('CASCADE')
    t.string('webhook_id', 50).notNullable().references('webhook_id').inTable('webhooks').onDelete('CASCADE')
    t.integer('attempt').notNullable()
    t.integer('status_code')
    t.integer('duration_ms').notNullable()
    t.text('error')
    t.boolean('ok').notNullable()
    t.timestamp('attempted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['webhook_id', 'id'], 'idx_webhook_attempts_webhook')
    t.index(['delivery_id'], 'idx_webhook_attempts_delivery')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('webhook_attempts')
  await knex.schema.dropTableIfExists('webhook_deliveries')
  await knex.schema.dropTableIfExists('webhooks')
}
