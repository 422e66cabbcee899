// The thread and mention fields of a message (SPEC §10, §12), kept apart from messages.schema.ts so that
// file stays about the message itself. All three are columns of `messages`: reads need no extra query.
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { DateTime, Nullable, Text } from '../../validators'

export const MAX_MENTIONS = 50
export const MAX_THREAD_PARTICIPANTS = 10
/** The mention that stands for every member of a group but the sender (owners and admins only). */
export const MENTION_ALL = 'all'

/** A root's summary, updated by the statement that stores its replies; deleted replies do not count. */
export const threadSummarySchema = Type.Object(
  {
    reply_count: Type.Integer(),
    last_reply_at: DateTime(),
    participant_ids: Type.Array(Type.String(), {
      description: `Who replied, most recent first (at most ${MAX_THREAD_PARTICIPANTS})`
    })
  },
  { $id: 'ThreadSummary', additionalProperties: false }
)
export type ThreadSummary = Static<typeof threadSummarySchema>

export const threadFields = {
  thread_root_id: Nullable(Type.String({ description: 'The thread this message replies in (null: none)' })),
  thread: Type.Union([threadSummarySchema, Type.Null()], {
    description: 'On a thread root: its replies so far (null while it has none)'
  }),
  mentions: Type.Array(Type.String(), { description: 'Mentioned user ids, and `all` for everyone' })
}

/** `mentions` on send and edit: member user ids (or `all` in groups), unique, at most 50. */
export const mentionsSchema = Type.Array(Text({ minLength: 1, maxLength: 50 }), {
  maxItems: MAX_MENTIONS,
  uniqueItems: true
})
