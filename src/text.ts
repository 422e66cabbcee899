// What text the server accepts and how names are kept. Used by the Ajv keywords of src/validators.ts and by
// the code that cleans names before they are stored.

// With the u flag a surrogate range matches only a surrogate that is not half of a pair. NUL is the point here.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000\ud800-\udfff]/u

/**
 * PostgreSQL cannot store NUL (U+0000) in `text` or `jsonb`, and a lone UTF-16 surrogate is not Unicode: in the
 * message writer's jsonb parameter either one fails the whole statement, and as a plain parameter the driver
 * silently turns a lone surrogate into U+FFFD. Such strings are refused wherever they arrive.
 */
export const isStorableText = (value: string) => !UNSTORABLE.test(value)

// Characters that draw nothing on their own: whitespace, controls and formats (zero-width spaces and joiners,
// bidi controls, BOM, tags…), unassigned and private-use code points, lone combining marks, everything Unicode
// marks Default_Ignorable (Hangul fillers U+115F/U+1160/U+3164/U+FFA0, variation selectors…) and the blank
// braille pattern U+2800.
const VISIBLE = /[^\p{White_Space}\p{C}\p{M}\p{Default_Ignorable_Code_Point}\u2800]/u

/** A name must show at least one character, so nobody can be called "" on screen (or pass for someone else). */
export const hasVisibleCharacter = (value: string) => VISIBLE.test(value)

/** Names are stored NFC-normalized (one spelling per look) and trimmed. */
export const cleanName = (value: string) => value.normalize('NFC').trim()
