// Message search (SPEC §14): the query both search routes take, one hit, and the page.
import { Type, StringEnum } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { Page, queryValidator, Text, lazyValidator } from '../../../validators'
import { messageSchema } from '../../messages/messages.schema'

/** One hit: the message, its tier and where the query matched. */
export const messageSearchHitSchema = Type.Object(
  {
    ...messageSchema.properties,
    rank: Type.Integer({
      description:
        '3 exact words, 2 English word forms, 1 prefix or inside a word (CJK: inside a run); highest first'
    }),
    highlights: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()]), {
      description:
        '`[start, end)` offsets into `content` in UTF-16 code units (JavaScript string indexes: an emoji or other ' +
        'astral character counts 2), sorted, not overlapping. Never HTML.'
    })
  },
  { $id: 'MessageSearchHit', additionalProperties: false }
)
export type MessageSearchHit = Static<typeof messageSearchHitSchema>

export const messageSearchPageSchema = Page(
  messageSearchHitSchema,
  'MessageSearchPage',
  'Whether another page exists: ask again with `skip` + `limit`',
  {
    skip: Type.Integer({
      description: 'The cursor: hits skipped before this page (rank order has no keyset)'
    })
  }
)
export type MessageSearchPage = Static<typeof messageSearchPageSchema>

export const messageSearchQuerySchema = Type.Object(
  {
    q: Text({ minLength: 1, maxLength: 200 }),
    from: Type.Optional(Text({ minLength: 1, maxLength: 50, description: 'Only messages of this user_id' })),
    has: Type.Optional(StringEnum(['file'])),
    after: Type.Optional(Text({ format: 'date-time', description: 'Sent after this ISO 8601 time' })),
    before: Type.Optional(Text({ format: 'date-time', description: 'Sent before this ISO 8601 time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    $limit: Type.Optional(Type.Integer({ minimum: 1 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 }))
  },
  { additionalProperties: false }
)
export type MessageSearchQuery = Static<typeof messageSearchQuerySchema>
export const messageSearchQueryValidator = lazyValidator(messageSearchQuerySchema, queryValidator)
