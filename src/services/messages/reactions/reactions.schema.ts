// For more information about this file see https://dove.feathersjs.com/guides/cli/service.schemas.html
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, Text, lazyValidator } from '../../../validators'
import { EMOJI_MAX_LENGTH } from './emoji'

// Schema for reacting (`POST /api/messages/:message_id/reactions`).
export const reactionDataSchema = Type.Object(
  {
    emoji: Text({
      minLength: 1,
      maxLength: EMOJI_MAX_LENGTH,
      description: 'One emoji (a single grapheme: skin tones, ZWJ sequences, flags) or `:shortcode:`'
    })
  },
  { $id: 'ReactionData', additionalProperties: false }
)
export type ReactionData = Static<typeof reactionDataSchema>
export const reactionDataValidator = lazyValidator(reactionDataSchema, dataValidator)

// The result of reacting or taking a reaction back, and the payload of the `created` / `removed` events.
export const reactionEventSchema = Type.Object(
  {
    chat_id: Type.String(),
    message_id: Type.String(),
    emoji: Type.String(),
    user_id: Type.String(),
    count: Type.Integer({ description: 'How many users reacted with this emoji now' })
  },
  { $id: 'ReactionEvent', additionalProperties: false }
)
export type ReactionEvent = Static<typeof reactionEventSchema>

// One entry of `GET /api/messages/:message_id/reactions`.
export const reactionSummarySchema = Type.Object(
  {
    emoji: Type.String(),
    count: Type.Integer(),
    user_ids: Type.Array(Type.String(), { description: 'The first 50 users who reacted, oldest first' }),
    me: Type.Boolean()
  },
  { $id: 'ReactionSummary', additionalProperties: false }
)
export type ReactionSummary = Static<typeof reactionSummarySchema>
export const reactionListSchema = Type.Array(reactionSummarySchema, { $id: 'ReactionList' })
