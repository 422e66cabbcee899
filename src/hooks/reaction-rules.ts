// A reaction's emoji, in the body (POST) or the id (DELETE): one emoji grapheme or a `:shortcode:`.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../declarations'
import { isReactionEmoji } from '../services/messages/reactions/emoji'

const message = 'must be one emoji or a :shortcode: of [a-z0-9_+-]{1,32}'

export const requireReactionEmoji = async (context: HookContext) => {
  // Over REST the id arrives percent-encoded (no emoji or shortcode contains `%` itself).
  if (context.method === 'remove' && typeof context.id === 'string' && context.id.includes('%')) {
    try {
      context.id = decodeURIComponent(context.id)
    } catch {
      // not valid percent-encoding: refused below
    }
  }
  const emoji = context.method === 'remove' ? context.id : context.data?.emoji
  if (!isReactionEmoji(emoji)) {
    throw new BadRequest(`Invalid data: emoji ${message}`, [{ instancePath: '/emoji', message }])
  }
}

/** Reactions (and edits) of a deleted message are gone: it takes no new ones. */
export const refuseDeletedMessage = async (context: HookContext) => {
  if (context.params.message?.deleted_at) throw new BadRequest('This message was deleted')
}
