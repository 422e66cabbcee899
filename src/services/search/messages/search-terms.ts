// Reads a search box's text into terms, and finds where they occur in a message (highlights).
// q keeps its web-search syntax for the exact and word-form tiers (websearch_to_tsquery, in SQL); the terms
// here drive the prefix / inside-a-word tier and the highlights. Only letters and digits make terms, so no
// tsquery or LIKE syntax character can reach SQL from them.

/** CJK characters (Han, kana, Hangul): the same class as the migration 20261202000003's CJK (keep them equal). */
export const CJK_CLASS =
  '\\u1100-\\u11ff\\u3005\\u3040-\\u30ff\\u3130-\\u318f\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff' +
  '\\uac00-\\ud7af\\uf900-\\ufaff\\uff66-\\uff9f\\u{20000}-\\u{3134f}'
const CJK_RUN = new RegExp(`[${CJK_CLASS}]+`, 'gu')
const WORD = /[\p{L}\p{N}]+/gu

export interface SearchTerms {
  /** Non-CJK words, lower-cased, in order (the last one is the prefix being typed). */
  words: string[]
  /** CJK runs: found anywhere in the text (there are no spaces to find words by). */
  cjk: string[]
  /** Words after a `-`: excluded. */
  negated: string[]
}

const MAX_TERMS = 16

export const parseTerms = (q: string): SearchTerms => {
  const terms: SearchTerms = { words: [], cjk: [], negated: [] }
  for (const chunk of q.split(/\s+/)) {
    if (!chunk || chunk.toLowerCase() === 'or') continue
    const negated = chunk.startsWith('-')
    for (const [word] of chunk.matchAll(WORD)) {
      for (const part of word.split(new RegExp(`([${CJK_CLASS}]+)`, 'u'))) {
        if (!part) continue
        const lower = part.toLowerCase()
        if (negated) terms.negated.push(lower)
        else if (CJK_RUN.test(part)) terms.cjk.push(lower)
        else terms.words.push(lower)
        CJK_RUN.lastIndex = 0
      }
    }
  }
  terms.words = terms.words.slice(0, MAX_TERMS)
  terms.cjk = terms.cjk.slice(0, MAX_TERMS)
  terms.negated = terms.negated.slice(0, MAX_TERMS)
  return terms
}

/** A tsquery literal (quotes doubled, backslashes escaped), for terms that are letters and digits anyway. */
const literal = (term: string) => `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

/** `a & b & c:*`: every word, the last one as a prefix (for to_tsquery('simple', …)). */
export const prefixQuery = (words: string[]) =>
  words.map((w, i) => `${literal(w)}${i === words.length - 1 ? ':*' : ''}`).join(' & ')

/** `!a & !b` for excluded words. */
export const negatedQuery = (negated: string[]) => negated.map((w) => `!${literal(w)}`).join(' & ')

/**
 * The tsquery (cast, not parsed) on search_cjk for one run: its bigrams ANDed; one character is a prefix of
 * the bigrams starting with it (or the run's last character, stored alone). Characters are code points, as
 * PostgreSQL's substr counts them.
 */
export const cjkQuery = (run: string) => {
  const chars = Array.from(run)
  if (chars.length === 1) return `${literal(chars[0])}:*`
  const grams = new Set<string>()
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i] + chars[i + 1])
  return [...grams].map(literal).join(' & ')
}

/** `%`, `_` and `\` escaped for ILIKE (backslash is its default escape character). */
export const likeEscape = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`)

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export type Range = [number, number]

/** Sorted, overlapping or touching ranges merged. */
export const mergeRanges = (ranges: Range[]): Range[] => {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const out: Range[] = []
  for (const r of sorted) {
    const last = out[out.length - 1]
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1])
    else out.push([r[0], r[1]])
  }
  return out
}

/**
 * Highlights in UTF-16 code units (JavaScript string indexes), `[start, end)`: whole words equal to a term or
 * starting with it, and every occurrence of a CJK run or a word of 3+ characters inside a longer word.
 * Case-insensitive matching runs on the original string, so offsets never shift (toLowerCase can change lengths).
 */
export const termRanges = (content: string, terms: SearchTerms): Range[] => {
  const ranges: Range[] = []
  const words = new Set(terms.words)
  for (const m of content.matchAll(WORD)) {
    const lower = m[0].toLowerCase()
    for (const w of words) if (lower.startsWith(w)) ranges.push([m.index!, m.index! + m[0].length])
  }
  for (const needle of [...terms.cjk, ...terms.words.filter((w) => w.length >= 3)]) {
    for (const m of content.matchAll(new RegExp(escapeRegExp(needle), 'giu')))
      ranges.push([m.index!, m.index! + m[0].length])
  }
  return ranges
}

/** Ranges of a ts_headline output marked with \u0001…\u0002; none if the content itself holds the markers. */
export const markedRanges = (content: string, marked: string | null | undefined): Range[] => {
  if (!marked || content.includes('\u0001') || content.includes('\u0002')) return []
  const ranges: Range[] = []
  let plain = 0
  let start = -1
  for (let i = 0; i < marked.length; i++) {
    const c = marked[i]
    if (c === '\u0001') start = plain
    else if (c === '\u0002') {
      if (start >= 0) ranges.push([start, plain])
      start = -1
    } else plain++
  }
  return plain === content.length ? ranges : []
}
