// The seed's eight tables with their keys and indexes, plus what the SPEC §2 features need:
// per-chat `seq`, `client_id` idempotency, tombstones, read pointers, `last_seq`, bans and a full-text index.
import type { Knex } from 'knex'

const timestamps = (knex: Knex, table: Knex.CreateTableBuilder, updated = true) => {
  table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  if (updated) table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary()
    t.string('user_id', 50).notNullable().unique()
    t.string('email', 255).notNullable().unique() // stored lower-cased
    t.string('name', 255).notNullable()
    t.string('password_hash', 255).notNullable()
    t.text('avatar_url')
    t.text('bio')
    t.string('status', 20).notNullable().defaultTo('offline')
    t.timestamp('last_seen', { useTz: true })
    t.timestamp('banned_at', { useTz: true })
    timestamps(knex, t)
    t.index('status', 'idx_users_status')
  })
  await knex.schema.raw(`ALTER TABLE users ADD CONSTRAINT users_status_check
    CHECK (status IN ('online', 'offline', 'away', 'dnd'))`)
  // Prefix search (`LIKE 'abc%'`) on lower(name) and email uses these btree indexes.
  await knex.schema.raw('CREATE INDEX idx_users_name_prefix ON users (lower(name) text_pattern_ops)')
  await knex.schema.raw('CREATE INDEX idx_users_email_prefix ON users (email text_pattern_ops)')

  await knex.schema.createTable('chats', (t) => {
    t.increments('id').primary()
    t.string('chat_id', 50).notNullable().unique()
    t.string('type', 20).notNullable()
    t.string('name', 255)
    t.text('avatar_url')
    t.text('description')
    t.string('created_by', 50).references('user_id').inTable('users').onDelete('SET NULL')
    // "lowId:highId" for private chats: a unique key that makes creating the one private chat race-safe.
    t.string('private_key', 101).unique()
    t.integer('last_seq').notNullable().defaultTo(0)
    t.timestamp('last_message_at', { useTz: true })
    timestamps(knex, t)
    t.index('type', 'idx_chats_type')
  })
  await knex.schema.raw(
    `ALTER TABLE chats ADD CONSTRAINT chats_type_check CHECK (type IN ('private', 'group'))`
  )
  await knex.schema.raw(
    'CREATE INDEX idx_chats_activity ON chats (COALESCE(last_message_at, created_at) DESC)'
  )

  await knex.schema.createTable('chat_participants', (t) => {
    t.increments('id').primary()
    t.string('chat_id', 50).notNullable().references('chat_id').inTable('chats').onDelete('CASCADE')
    t.string('user_id', 50).notNullable().references('user_id').inTable('users').onDelete('CASCADE')
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.integer('last_read_seq').notNullable().defaultTo(0)
    t.integer('last_delivered_seq').notNullable().defaultTo(0)
    t.unique(['chat_id', 'user_id'])
    t.index('user_id', 'idx_chat_participants_user_id')
  })

  await knex.schema.createTable('files', (t) => {
    t.increments('id').primary()
    t.string('file_id', 50).notNullable().unique()
    t.string('user_id', 50).references('user_id').inTable('users').onDelete('SET NULL')
    t.string('filename', 255)
    t.string('mime_type', 100)
    t.bigInteger('size')
    t.text('url').notNullable()
    t.string('purpose', 50)
    t.string('storage_key', 255) // where the bytes are, inside the storage backend; never client-chosen
    timestamps(knex, t, false)
    t.index('user_id', 'idx_files_user_id')
  })

  await knex.schema.createTable('messages', (t) => {
    t.increments('id').primary()
    t.string('message_id', 50).notNullable().unique()
    t.string('chat_id', 50).notNullable().references('chat_id').inTable('chats').onDelete('CASCADE')
    t.string('sender_id', 50).notNullable().references('user_id').inTable('users')
    t.string('sender_name', 255)
    t.text('sender_avatar')
    t.text('content').notNullable().defaultTo('')
    t.string('type', 20).notNullable().defaultTo('text')
    t.string('status', 20).notNullable().defaultTo('sent')
    t.string('reply_to', 50).references('message_id').inTable('messages').onDelete('SET NULL')
    t.string('file_id', 50).references('file_id').inTable('files').onDelete('SET NULL')
    t.integer('seq').notNullable()
    t.string('client_id', 64)
    t.timestamp('edited_at', { useTz: true })
    t.timestamp('deleted_at', { useTz: true })
    timestamps(knex, t, false)
    t.unique(['chat_id', 'seq']) // also the keyset index for history pages
    t.unique(['chat_id', 'sender_id', 'client_id']) // NULL client_ids never collide
    t.index('sender_id', 'idx_messages_sender_id')
  })
  await knex.schema.raw(
    `ALTER TABLE messages ADD CONSTRAINT messages_type_check CHECK (type IN ('text', 'image', 'file'))`
  )
  // 'simple' configuration: no stemming or stop words, so any language's words match as typed.
  await knex.schema.raw(
    `ALTER TABLE messages ADD COLUMN search_vector tsvector
       GENERATED ALWAYS AS (to_tsvector('simple', coalesce(content, ''))) STORED`
  )
  await knex.schema.raw('CREATE INDEX idx_messages_search ON messages USING GIN (search_vector)')

  await knex.schema.createTable('groups', (t) => {
    t.increments('id').primary()
    t.string('group_id', 50).notNullable().unique()
    t.string('chat_id', 50).notNullable().unique().references('chat_id').inTable('chats').onDelete('CASCADE')
    t.string('name', 255).notNullable()
    t.text('description')
    t.text('avatar_url')
    t.string('owner_id', 50).notNullable().references('user_id').inTable('users')
    t.integer('member_count').notNullable().defaultTo(0)
    timestamps(knex, t)
    t.index('owner_id', 'idx_groups_owner_id')
  })

  await knex.schema.createTable('group_members', (t) => {
    t.increments('id').primary()
    t.string('group_id', 50).notNullable().references('group_id').inTable('groups').onDelete('CASCADE')
    t.string('user_id', 50).notNullable().references('user_id').inTable('users').onDelete('CASCADE')
    t.string('role', 20).notNullable().defaultTo('member')
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.unique(['group_id', 'user_id'])
    t.index('user_id', 'idx_group_members_user_id')
  })
  await knex.schema.raw(
    `ALTER TABLE group_members ADD CONSTRAINT group_members_role_check CHECK (role IN ('owner', 'admin', 'member'))`
  )

  await knex.schema.createTable('refresh_tokens', (t) => {
    t.increments('id').primary()
    t.string('user_id', 50).notNullable().references('user_id').inTable('users').onDelete('CASCADE')
    t.string('token_hash', 64).notNullable().unique() // sha256 of the token; the token itself is never stored
    t.string('family_id', 50).notNullable() // one family per login session; rotation keeps the family
    t.timestamp('expires_at', { useTz: true }).notNullable()
    t.timestamp('used_at', { useTz: true }) // set when rotated: presenting it again is a replay
    t.timestamp('revoked_at', { useTz: true })
    timestamps(knex, t, false)
    t.index('user_id', 'idx_refresh_tokens_user_id')
    t.index('family_id', 'idx_refresh_tokens_family_id')
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'refresh_tokens',
    'group_members',
    'groups',
    'messages',
    'files',
    'chat_participants',
    'chats',
    'users'
  ]) {
    await knex.schema.dropTableIfExists(table)
  }
}
