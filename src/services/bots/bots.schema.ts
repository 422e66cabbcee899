// Bots (SPEC §15): the data a bot is made with, the list query, and what the owner gets back.
import { Type } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator, OffsetPage, type OffsetPaged, lazyValidator } from '../../validators'
import { publicUserSchema, userFields, type PublicUser } from '../users/users.schema'

// Schema for making a bot (`POST /api/bots`).
export const botDataSchema = Type.Object(
  { name: userFields.name },
  { $id: 'BotData', additionalProperties: false }
)
export type BotData = Static<typeof botDataSchema>
export const botDataValidator = lazyValidator(botDataSchema, dataValidator)

// The list of my bots (`GET /api/bots`): an offset page.
export const botQuerySchema = Type.Object(
  {
    $limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 }))
  },
  { additionalProperties: false }
)
export type BotQuery = Static<typeof botQuerySchema>
export const botQueryValidator = lazyValidator(botQuerySchema, queryValidator)

/** A bot as its owner sees it: the public user shape (`is_bot: true`, never an email). */
export type Bot = PublicUser
export const botPageSchema = OffsetPage(publicUserSchema, 'BotPage')
export type BotPage = OffsetPaged<Bot>

/** `POST /api/bots` and `POST /api/bots/{bot_id}/token`: the bot and its token, shown only in this answer. */
export const botWithTokenSchema = Type.Object(
  {
    bot: publicUserSchema,
    token: Type.String({
      description: 'The bot API token (`fcb_…`), shown once: send it as `Authorization: Bearer`'
    })
  },
  { $id: 'BotWithToken', additionalProperties: false }
)
export type BotWithToken = Static<typeof botWithTokenSchema>
