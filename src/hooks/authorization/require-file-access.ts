// File authorization. Avatars and group images: any signed-in user. Message attachments: the uploader, and
// members of a chat where a message carries the file. Anyone else gets 404, as for a file that does not exist.
import { Forbidden, NotFound } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'
import { fileSharedWith, findFile, type StoredFile } from '../../services/files/file-store'

declare module '@feathersjs/feathers' {
  interface Params {
    /** The `files` row named by the id or route, loaded by requireFileAccess. */
    file?: StoredFile
  }
}

export const fileNotFound = () => new NotFound('File not found')

export const requireFileAccess = async (context: HookContext) => {
  const fileId = String(context.params.route?.file_id ?? context.id ?? '')
  const db = context.app.get('postgresqlClient')
  const file = await findFile(db, fileId)
  if (!file) throw fileNotFound()
  context.params.file = file
  if (!context.params.provider) return
  const userId = context.params.user?.user_id
  if (file.purpose !== 'message' || file.user_id === userId) return
  if (!userId || !(await fileSharedWith(db, fileId, userId))) throw fileNotFound()
}

/** Only the uploader deletes a file (after requireFileAccess, so others who cannot see it get 404). */
export const requireUploader = async (context: HookContext) => {
  if (!context.params.provider) return
  if (context.params.file?.user_id !== context.params.user?.user_id) {
    throw new Forbidden('Only the uploader can delete this file')
  }
}

/**
 * `<img src>` cannot send an Authorization header, so the content route also takes `?access_token=`.
 * It becomes the call's JWT authentication; the request log never records query strings.
 */
export const acceptQueryToken = async (context: HookContext) => {
  const token = context.params.query?.access_token
  if (token && !context.params.authentication) {
    context.params.authentication = { strategy: 'jwt', accessToken: String(token) }
  }
  if (context.params.query) delete context.params.query.access_token
}
