// The files routes of the OpenAPI document (see ./index.ts).
import { Type } from '@feathersjs/typebox'
import { fileSchema, uploadDataSchema } from '../../services/files/files.schema'
import * as ex from '../examples'
import { json, type ResponseDoc, type RouteDoc } from './types'

/** A binary response with its string headers, each given as name: description. */
const bytes = (description: string, headers: Record<string, string>): ResponseDoc => ({
  description,
  contentType: 'application/octet-stream',
  schema: Type.String({ format: 'binary' }),
  headers: Object.fromEntries(
    Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }])
  )
})

export const filesRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/uploads',
    tag: 'files',
    summary: 'Upload a file',
    description:
      'multipart/form-data with the field `purpose` **first**, then the field `file`. The type is sniffed ' +
      'from the bytes: `avatar` and `group` take PNG, JPEG, GIF or WebP images (anything else: 415), ' +
      '`message` takes any file. Over MAX_FILE_SIZE: 413. Then use the `file_id` (message attachment) or ' +
      'the `url` (avatar_url). REST only: there is no upload over Socket.IO.',
    feathers: { service: 'api/uploads', method: 'create', rest_only: true },
    auth: 'bearer',
    body: {
      contentType: 'multipart/form-data',
      schema: Type.Object(
        {
          purpose: uploadDataSchema.properties.purpose,
          file: Type.String({ format: 'binary', description: 'The bytes (one file)' })
        },
        { additionalProperties: false }
      ),
      encoding: { file: { contentType: 'application/octet-stream' } }
    },
    responses: { 201: json(fileSchema, ex.exampleFile, 'The stored file') },
    errors: [413, 415]
  },
  {
    method: 'get',
    path: '/api/files/{file_id}',
    tag: 'files',
    summary: "A file's metadata",
    description:
      'Avatars and group images: any signed-in user. Message attachments: the uploader and the members of a ' +
      'chat where a message carries the file; anyone else gets 404.',
    feathers: { service: 'api/files', method: 'get' },
    auth: 'bearer',
    responses: { 200: json(fileSchema, ex.exampleFile, 'The file') },
    errors: [404]
  },
  {
    method: 'get',
    path: '/api/files/{file_id}/content',
    tag: 'files',
    summary: "A file's bytes",
    description:
      'Same access rules as the metadata. The token may also come as `?access_token=` (for `<img src>`). ' +
      'Safe images (PNG, JPEG, GIF, WebP) are served inline, anything else as an attachment. One byte ' +
      'range (`Range: bytes=a-b`, `bytes=a-`, `bytes=-n`) → 206.',
    feathers: { service: 'api/files/:file_id/content', method: 'find', rest_only: true },
    auth: 'bearer-or-query',
    headerParams: [
      { name: 'Range', description: 'One byte range, e.g. `bytes=0-1023`', schema: { type: 'string' } }
    ],
    responses: {
      200: bytes('The bytes', {
        'Content-Type': 'The sniffed type',
        'Content-Disposition': '`inline` for safe images, else `attachment`',
        'Accept-Ranges': '`bytes`'
      }),
      206: bytes('The requested range', { 'Content-Range': '`bytes start-end/size`' })
    },
    errors: [404, 416]
  },
  {
    method: 'delete',
    path: '/api/files/{file_id}',
    tag: 'files',
    summary: 'Delete a file',
    description:
      'The uploader only (others who can see it get 403). Messages that carried it keep `{deleted: true}` ' +
      'as their `file` and are announced as `patched`.',
    feathers: { service: 'api/files', method: 'remove' },
    auth: 'bearer',
    responses: { 200: json(fileSchema, ex.exampleFile, 'The deleted file') },
    errors: [403, 404]
  }
]
