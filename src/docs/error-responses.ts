// The error responses the routes can list by status (`errors: [404]`): all share the Feathers error shape
// (./schemas.ts errorSchema); each status has its own component key, description and example.
import { exampleError } from './examples'

type Json = Record<string, any>

/** Error responses by status: the Feathers error shape with an example. */
export const errorResponses: Record<number, { key: string; description: string; example: Json }> = {
  400: {
    key: 'BadRequest',
    description: 'Invalid input: the message names the field',
    example: exampleError(400, 'BadRequest', 'bad-request', 'Invalid data: email must match format "email"', [
      { instancePath: '/email', keyword: 'format', message: 'must match format "email"', params: {} }
    ])
  },
  401: {
    key: 'NotAuthenticated',
    description: 'Missing, invalid or expired token, ended session, or wrong credentials',
    example: exampleError(401, 'NotAuthenticated', 'not-authenticated', 'Not authenticated')
  },
  403: {
    key: 'Forbidden',
    description: 'A member without the needed role (or not the author / uploader)',
    example: exampleError(403, 'Forbidden', 'forbidden', 'Only the owner or an admin can do this')
  },
  404: {
    key: 'NotFound',
    description: 'Does not exist, or you are not allowed to see it (the same answer)',
    example: exampleError(404, 'NotFound', 'not-found', 'Chat not found')
  },
  409: {
    key: 'Conflict',
    description: 'Conflicts with an existing record',
    example: exampleError(409, 'Conflict', 'conflict', 'An account with this email already exists')
  },
  413: {
    key: 'PayloadTooLarge',
    description: 'The request body or the file is too large',
    example: exampleError(
      413,
      'PayloadTooLarge',
      'payload-too-large',
      'File is larger than the limit of 10485760 bytes',
      {
        maxFileSize: 10485760
      }
    )
  },
  415: {
    key: 'UnsupportedMediaType',
    description: 'This kind of file is not accepted for this purpose',
    example: exampleError(
      415,
      'UnsupportedMediaType',
      'unsupported-media-type',
      'A avatar must be one of image/png, image/jpeg, image/gif, image/webp (this file is application/pdf)'
    )
  },
  416: {
    key: 'RangeNotSatisfiable',
    description: 'The byte range is outside the file',
    example: exampleError(
      416,
      'RangeNotSatisfiable',
      'range-not-satisfiable',
      'Range not satisfiable for 48213 bytes',
      {
        size: 48213
      }
    )
  },
  429: {
    key: 'TooManyRequests',
    description: 'Rate limited: retry after `Retry-After` seconds',
    example: exampleError(429, 'TooManyRequests', 'too-many-requests', 'Too many requests, retry later', {
      retryAfter: 12
    })
  }
}
