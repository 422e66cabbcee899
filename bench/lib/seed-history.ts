// Seeds the history/search benchmark in SQL (never through the API): two users, one private chat between them
// holding N messages (seq 1..N, chats.last_seq = N) with varied content drawn from a word list, skewed so a
// few words are very common, plus three planted words of known frequency for the search scenario, and a Chinese
// or Japanese sentence (no spaces) in every 1000th message for search-languages. Everything is written before
// the search indexes are built, as in a table that grew over time.
import bcrypt from 'bcryptjs'
import type { Knex } from 'knex'
import { ulid } from 'ulid'
import { seededDatabase, seedVersion, type BenchDatabase } from './environment'
import { progress } from './results'

export const PASSWORD = 'bench-password'

/** Planted search terms: none of them is in VOCABULARY, so their hit counts are exactly as planted. */
export const SEARCH_WORDS = {
  common: 'hello', // every 5th message: 200k of 1M
  medium: 'pineapple', // every 1000th message: 1k of 1M
  rare: 'zanzibar' // 5 messages
} as const

// About 200 everyday words; picked with a power-law skew, so the first few appear in most messages.
const VOCABULARY = `the a to and you i it is that of in for on we this be are have with not can do at
  so but what was just all get will about me my your if one like now know up out go how when there time
  good see then no yes okay ok think well back want need from they make today tomorrow here work let call
  meeting later thanks please sure right really some new day maybe come still tonight week morning lunch
  dinner coffee office home send file look check done great nice sorry love fine busy free soon last next
  night hour minute moment plan project deadline review update change build test deploy release issue bug
  fix branch merge server client database query index cache page report draft slide budget invoice order
  ticket team manager design idea question answer problem reason result doctor train flight hotel car bus
  weather rain sun snow cold hot music movie game book photo video link email phone number address city
  street park beach river mountain garden kitchen table chair window door friday monday saturday sunday
  birthday party gift cake pizza tea water juice beer wine bread cheese apple banana orange`
  .split(/\s+/)
  .filter(Boolean)

export interface HistorySeed {
  chatId: string
  users: { user_id: string; email: string; name: string }[]
  messages: number
  /** message_id of the message with that seq (ids are '01BENCH' + seq padded to 26 characters). */
  messageId: (seq: number) => string
  wordCounts: Record<keyof typeof SEARCH_WORDS, number>
}

/** The GIN and trigram indexes on messages (migrations), dropped during the load and rebuilt after it. */
const SEARCH_INDEXES = [
  'idx_messages_search',
  'idx_messages_search_english',
  'idx_messages_search_cjk',
  'idx_messages_content_trgm'
]

/** Distinct word sequences the messages are drawn from (each about 15 times in 1M messages). */
const TEXTS = 65_536

export const benchMessageId = (seq: number) => `01BENCH${String(seq).padStart(19, '0')}`

export const seedHistory = async (db: Knex, messages = 1_000_000, batch = 100_000): Promise<HistorySeed> => {
  const started = Date.now()
  const hash = await bcrypt.hash(PASSWORD, 10)
  const users = ['Ada', 'Grace'].map((name) => ({
    user_id: ulid(),
    email: `${name.toLowerCase()}@history.bench`,
    name
  }))
  await db('users').insert(users.map((u) => ({ ...u, password_hash: hash })))
  const chatId = ulid()
  const [low, high] = users.map((u) => u.user_id).sort()
  await db('chats').insert({
    chat_id: chatId,
    type: 'private',
    private_key: `${low}:${high}`,
    created_by: users[0].user_id,
    last_seq: messages,
    last_message_at: db.raw('now()'),
    created_at: db.raw(`now() - interval '400 days'`)
  })
  await db('chat_participants').insert(
    users.map((u) => ({
      chat_id: chatId,
      user_id: u.user_id,
      last_read_seq: messages,
      last_delivered_seq: messages
    }))
  )

  // The search indexes are built once after the load (much faster than maintaining them row by row), with the
  // definitions the migrations created.
  const deferred = (
    await db.raw(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'messages' AND indexname = ANY(?)`,
      [SEARCH_INDEXES]
    )
  ).rows as { indexname: string; indexdef: string }[]
  for (const { indexname } of deferred) await db.raw(`DROP INDEX ${indexname}`)

  const vocabulary = `ARRAY[${VOCABULARY.map((w) => `'${w}'`).join(',')}]::text[]`
  const n = VOCABULARY.length
  const ranges: [number, number][] = []
  for (let from = 1; from <= messages; from += batch)
    ranges.push([from, Math.min(messages, from + batch - 1)])
  // The word sequences are drawn once, TEXTS of them, into a scratch table; each message takes one by a hash
  // of its seq. Drawing 3–14 words for every one of the 1M rows took a quarter of the load's CPU.
  // Text i is vocabulary[n * u^2] for a pseudo-random u in [0,1) per word from a hash of (i, k): deterministic,
  // and skewed towards the head of the list like real chat text.
  await db.raw(
    `CREATE UNLOGGED TABLE bench_seed_texts AS
     SELECT i, (SELECT upper(left(t, 1)) || substr(t, 2) FROM array_to_string(ARRAY(
                 SELECT v[1 + floor(${n} * power(((hashint8(i * 16 + k) & 2147483647) % 100000) / 100000.0, 2))::int]
                 FROM generate_series(1, 3 + (hashint8(i) & 2147483647) % 12) k), ' ') t) AS t
     FROM generate_series(0, ${TEXTS - 1}) i, (SELECT ${vocabulary} AS v) vocabulary`
  )
  await db.raw('ALTER TABLE bench_seed_texts ADD PRIMARY KEY (i)')
  await db.raw('ANALYZE bench_seed_texts')
  let done = 0
  const insert = async ([from, to]: [number, number]) => {
    await db.raw(
      `INSERT INTO messages (message_id, chat_id, sender_id, sender_name, content, type, status, seq, created_at, deleted_at)
       SELECT '01BENCH' || lpad(s::text, 19, '0'), :chatId,
              CASE WHEN s % 3 = 0 THEN :u1 ELSE :u0 END, CASE WHEN s % 3 = 0 THEN :n1 ELSE :n0 END,
              CASE WHEN s % 997 = 0 THEN '' ELSE
                texts.t
                || CASE WHEN s % 5 = 0 THEN ' ${SEARCH_WORDS.common}' ELSE '' END
                || CASE WHEN s % 1000 = 500 THEN ' ${SEARCH_WORDS.medium}' ELSE '' END
                || CASE WHEN s IN (17, 250000, 500001, 750003, 999990) THEN ' ${SEARCH_WORDS.rare}' ELSE '' END
                || CASE WHEN s % 7 = 0 THEN chr(63) WHEN s % 4 = 0 THEN '!' ELSE '' END
                || CASE WHEN s % 2000 = 7 THEN ' 我们明天讨论中文翻译的问题' WHEN s % 1000 = 7 THEN ' 東京で会議があります' ELSE '' END
              END,
              'text', 'read', s, now() - (:messages - s) * interval '30 seconds',
              CASE WHEN s % 997 = 0 THEN now() - (:messages - s) * interval '30 seconds' + interval '1 minute' END
       FROM generate_series(CAST(:from AS int), CAST(:to AS int)) s
       JOIN bench_seed_texts texts ON texts.i = (hashint8(s) & 2147483647) % ${TEXTS}`,
      {
        chatId,
        u0: users[0].user_id,
        u1: users[1].user_id,
        n0: users[0].name,
        n1: users[1].name,
        messages,
        from,
        to
      }
    )
    done += to - from + 1
    progress(
      `seed: ${done.toLocaleString('en')} / ${messages.toLocaleString('en')} messages (${((Date.now() - started) / 1000).toFixed(1)} s)`
    )
  }
  // Two connections insert disjoint seq ranges at once (one per core).
  await Promise.all(
    [0, 1].map(async () => {
      for (let range = ranges.shift(); range; range = ranges.shift()) await insert(range)
    })
  )
  await db.raw('DROP TABLE bench_seed_texts')
  // Two at a time, one per core (a GIN build is single-threaded).
  const builds = [...deferred]
  await Promise.all(
    [0, 1].map(async () => {
      for (let next = builds.shift(); next; next = builds.shift()) {
        const { indexdef } = next
        await db.transaction(async (trx) => {
          await trx.raw(`SET LOCAL maintenance_work_mem = '256MB'`)
          await trx.raw(indexdef)
        })
      }
    })
  )
  progress(`seed: ${deferred.length} search indexes built (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  await db.raw('VACUUM ANALYZE messages')
  await db.raw('ANALYZE users, chats, chat_participants')
  const wordCounts = {} as HistorySeed['wordCounts']
  for (const [kind, word] of Object.entries(SEARCH_WORDS) as [keyof typeof SEARCH_WORDS, string][]) {
    const r = await db.raw(
      `SELECT count(*)::int AS c FROM messages WHERE chat_id = ? AND deleted_at IS NULL AND search_vector @@ to_tsquery('simple', ?)`,
      [chatId, word]
    )
    wordCounts[kind] = r.rows[0].c
  }
  progress(
    `seed: done in ${((Date.now() - started) / 1000).toFixed(1)} s; hits ${Object.entries(SEARCH_WORDS)
      .map(([k, w]) => `${k} '${w}' ${wordCounts[k as keyof typeof SEARCH_WORDS]}`)
      .join(', ')}`
  )
  return { chatId, users, messages, messageId: benchMessageId, wordCounts }
}

// One seeded history per process: `npm run bench` seeds the 1M messages once for the history and the search
// scenarios (the seed is the longest step of either). History only reads it; search-languages changes it
// (CJK sentences, then the search migration's `down`), so it releases it when done, and bench/index.ts
// releases whatever is left at the end. A scenario run on its own releases it too.
const shared = new Map<number, Promise<{ bench: BenchDatabase; seed: HistorySeed }>>()

/**
 * The history of `messages` messages, seeded on first use in this process (one per size), from the template
 * an earlier run kept when there is one of this seed's version (environment.ts `seededDatabase`).
 */
export const sharedHistory = (messages: number) => {
  let held = shared.get(messages)
  if (!held) {
    held = (async () => {
      const { bench, info } = await seededDatabase(
        `history${messages}`,
        seedVersion(__filename),
        async (b) => {
          const { messageId: _m, ...facts } = await seedHistory(b.db, messages)
          return facts
        }
      )
      return { bench, seed: { ...info, messageId: benchMessageId } as HistorySeed }
    })()
    shared.set(messages, held)
  }
  return held
}

/** Drops the shared histories (one size, or all). */
export const releaseSharedHistory = async (messages?: number) => {
  const sizes = messages === undefined ? [...shared.keys()] : [messages]
  for (const size of sizes) {
    const held = shared.get(size)
    shared.delete(size)
    if (held) await (await held.catch(() => undefined))?.bench.drop()
  }
}
