// Rules for a new message that depend on configuration or on other rows: content length, a reply that
// must be in the same chat, an attachment that must be the sender's own upload.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../declarations'
import { ownMessageUpload } from '../services/files/file-store'
import { isMessageOfChat } from '../services/messages/message-store'

const invalid = (field: string, message: string) =>
  new BadRequest(`Invalid data: ${field} ${message}`, [{ instancePath: `/${field}`, message }])

export const enforceMessageRules = async (context: HookContext) => {
  const data = context.data
  const max = context.app.get('limits').messageMaxLength
  const type = data.type ?? 'text'
  if (typeof data.content === 'string' && data.content.length > max) {
    throw invalid('content', `must NOT have more than ${max} characters`)
  }
  if (type === 'text' && !String(data.content ?? '').trim()) throw invalid('content', 'must not be empty')
  if (type !== 'text' && !data.file_id) throw invalid('file_id', `is required for a message of type ${type}`)
  if (type === 'text' && data.file_id) throw invalid('file_id', 'is only allowed on image and file messages')

  const db = context.app.get('postgresqlClient')
  const chatId = String(context.params.route?.chat_id)
  if (data.reply_to) {
    if (!(await isMessageOfChat(db, data.reply_to, chatId)))
      throw invalid('reply_to', 'must be a message of this chat')
  }
  if (data.file_id) {
    const file = await ownMessageUpload(db, data.file_id, String(context.params.user?.user_id))
    if (!file) throw invalid('file_id', 'must be a file you uploaded for a message')
    if (type === 'image' && !String(file.mime_type).startsWith('image/'))
      throw invalid('file_id', 'is not an image')
  }
}

/** Edits follow the same length limit as new messages. */
export const enforceEditRules = async (context: HookContext) => {
  const max = context.app.get('limits').messageMaxLength
  if (typeof context.data?.content === 'string' && context.data.content.length > max) {
    throw invalid('content', `must NOT have more than ${max} characters`)
  }
  if (!String(context.data?.content ?? '').trim()) throw invalid('content', 'must not be empty')
}
