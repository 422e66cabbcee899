// Search in any language (SPEC §14). Besides the 'simple' vector of the initial schema (words as typed):
//   - search_english: English word forms ("running" → 'run', "foxes" → 'fox');
//   - search_cjk: the character bigrams of every CJK run (Han, kana, Hangul), plus each run's last character,
//     so a 1- or 2-character query finds text written without spaces (a trigram index cannot: it needs 3);
//   - a pg_trgm index on content for words inside words (`ILIKE '%ploym%'`, 3 characters or more).
// Both vectors are generated columns: computed in the insert statement itself (no trigger), and filled for the
// messages already stored when the columns are added. The CJK vector is computed only for content that holds a
// CJK character (one regex test per insert otherwise). Runs on PostgreSQL 15 and PGlite (which loads pg_trgm).
import type { Knex } from 'knex'

// The same character classes as CJK_CLASS in src/services/search/messages/search-terms.ts (keep them identical).
const CJK =
  '[\\u1100-\\u11ff\\u3005\\u3040-\\u30ff\\u3130-\\u318f\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff' +
  '\\uac00-\\ud7af\\uf900-\\ufaff\\uff66-\\uff9f\\U00020000-\\U0003134f]'

export async function up(knex: Knex): Promise<void> {
  // Where pg_trgm cannot be loaded (PGlite through CommonJS fails to find its bundle: see the report), the
  // trigram index is skipped; ILIKE still finds the same rows, without the index.
  const trgm = await knex.raw(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`)
  const hasTrgm = trgm.rows.length > 0
  if (hasTrgm) await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm')
  // Bigram i of a run is substr(run, i, 2); at i = length it is the last character alone.
  await knex.raw(`
    CREATE FUNCTION message_cjk_bigrams(content text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT array_to_tsvector(coalesce(array_agg(DISTINCT substr(r.m[1], i, 2)), '{}'))
      FROM regexp_matches(lower(content), '${CJK}+', 'g') AS r(m),
           generate_series(1, char_length(r.m[1])) AS i
    $$`)
  await knex.raw(`
    ALTER TABLE messages
      ADD COLUMN search_english tsvector
        GENERATED ALWAYS AS (to_tsvector('english', coalesce(content, ''))) STORED,
      ADD COLUMN search_cjk tsvector
        GENERATED ALWAYS AS (CASE WHEN content ~ '${CJK}' THEN message_cjk_bigrams(content) END) STORED`)
  await knex.raw('CREATE INDEX idx_messages_search_english ON messages USING GIN (search_english)')
  await knex.raw('CREATE INDEX idx_messages_search_cjk ON messages USING GIN (search_cjk)')
  if (hasTrgm)
    await knex.raw('CREATE INDEX idx_messages_content_trgm ON messages USING GIN (content gin_trgm_ops)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS idx_messages_content_trgm')
  await knex.raw(
    'ALTER TABLE messages DROP COLUMN IF EXISTS search_cjk, DROP COLUMN IF EXISTS search_english'
  )
  await knex.raw('DROP FUNCTION IF EXISTS message_cjk_bigrams(text)')
  // pg_trgm stays: other objects may use it, and keeping an extension is harmless.
}
