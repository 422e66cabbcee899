// What a reaction may be (SPEC §11): exactly one Unicode emoji grapheme (skin tones, ZWJ sequences, flags,
// keycaps, tag sequences included) or a `:shortcode:`. Anything else is refused with a 400 naming `emoji`.
import { isStorableText } from '../../../text'

export const EMOJI_MAX_LENGTH = 64
const SHORTCODE = /^:[a-z0-9_+-]{1,32}:$/
const FLAG = /^\p{Regional_Indicator}{2}$/u
const KEYCAP = /^[0-9#*]\uFE0F?\u20E3$/u
// Every code point of an emoji sequence: pictographs, skin-tone modifiers, ZWJ, variation selectors, tags.
const EMOJI_PARTS =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200D|\uFE0F|\uFE0E|[\u{E0020}-\u{E007F}])+$/u
const STARTS_PICTOGRAPHIC = /^\p{Extended_Pictographic}/u
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })

export const isReactionEmoji = (value: unknown): value is string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > EMOJI_MAX_LENGTH) return false
  if (SHORTCODE.test(value)) return true
  if (!isStorableText(value)) return false
  let graphemes = 0
  for (const _ of segmenter.segment(value)) if (++graphemes > 1) return false
  return (
    FLAG.test(value) || KEYCAP.test(value) || (STARTS_PICTOGRAPHIC.test(value) && EMOJI_PARTS.test(value))
  )
}
