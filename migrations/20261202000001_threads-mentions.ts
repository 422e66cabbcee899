// Threads (SPEC §10) and mentions (SPEC §12).
// - messages.thread_root_id: the top-level message a reply belongs to (null: not a reply).
// - messages.thread: the root's summary {reply_count, last_reply_at, participant_ids}, kept on the root row by
//   the statement that stores the replies (null until the first reply), so reads need no extra query.
// - messages.mentions: the ids (and "all") as sent, shown with the message.
// - message_mentions: one row per mentioned member (an "all" is expanded to the members but the sender), with
//   the message's chat and seq, so a member's mention count after their read pointer is one index range.
// Existing rows get thread_root_id null, thread null and mentions [].
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.string('thread_root_id', 50).references('message_id').inTable('messages').onDelete('SET NULL')
    t.jsonb('thread')
    t.jsonb('mentions').notNullable().defaultTo(knex.raw(`'[]'::jsonb`))
  })
  // Thread pages: a root's replies by seq.
  await knex.schema.raw(
    'CREATE INDEX idx_messages_thread ON messages (thread_root_id, seq) WHERE thread_root_id IS NOT NULL'
  )

  await knex.schema.createTable('message_mentions', (t) => {
    t.increments('id').primary()
    t.string('message_id', 50).notNullable().references('message_id').inTable('messages').onDelete('CASCADE')
    t.string('chat_id', 50).notNullable().references('chat_id').inTable('chats').onDelete('CASCADE')
    t.integer('seq').notNullable()
    t.string('user_id', 50).notNullable().references('user_id').inTable('users').onDelete('CASCADE')
    t.unique(['message_id', 'user_id'])
    // mention_count per chat: user, chat, seq > last_read_seq.
    t.index(['user_id', 'chat_id', 'seq'], 'idx_message_mentions_unread')
    // GET /api/mentions: newest first by message_id (ULIDs sort by time).
    t.index(['user_id', 'message_id'], 'idx_message_mentions_user')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('message_mentions')
  await knex.schema.raw('DROP INDEX IF EXISTS idx_messages_thread')
  await knex.schema.alterTable('messages', (t) => {
    t.dropColumn('mentions')
    t.dropColumn('thread')
    t.dropColumn('thread_root_id')
  })
}
