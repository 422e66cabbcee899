// The error responses the routes can list by status (`errors: [404]`): all share the Feathers error shape
// (./schemas.ts errorSchema); each status has its own component key (the Feathers error name), description
// and example. One row per status: [status, name, description, example message, example data].
import { exampleError } from './examples'

type Json = Record<string, any>

const rows: Array<[number, string, string, string, unknown?]> = [
  [
    400,
    'BadRequest',
    'Invalid input: the message names the field',
    'Invalid data: email must match format "email"',
    [{ instancePath: '/email', keyword: 'format', message: 'must match format "email"', params: {} }]
  ],
  [
    401,
    'NotAuthenticated',
    'Missing, invalid or expired token, ended session, or wrong credentials',
    'Not authenticated'
  ],
  [
    403,
    'Forbidden',
    'A member without the needed role (or not the author / uploader)',
    'Only the owner or an admin can do this'
  ],
  [404, 'NotFound', 'Does not exist, or you are not allowed to see it (the same answer)', 'Chat not found'],
  [409, 'Conflict', 'Conflicts with an existing record', 'An account with this email already exists'],
  [
    413,
    'PayloadTooLarge',
    'The request body or the file is too large',
    'File is larger than the limit of 10485760 bytes',
    { maxFileSize: 10485760 }
  ],
  [
    415,
    'UnsupportedMediaType',
    'This kind of file is not accepted for this purpose',
    'A avatar must be one of image/png, image/jpeg, image/gif, image/webp (this file is application/pdf)'
  ],
  [
    416,
    'RangeNotSatisfiable',
    'The byte range is outside the file',
    'Range not satisfiable for 48213 bytes',
    { size: 48213 }
  ],
  [
    429,
    'TooManyRequests',
    'Rate limited: retry after `Retry-After` seconds',
    'Too many requests, retry later',
    { retryAfter: 12 }
  ]
]

/** Feathers' `className`: the kebab-case of the error name (`PayloadTooLarge` -> `payload-too-large`). */
const kebab = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()

/** Error responses by status: the Feathers error shape with an example. */
export const errorResponses: Record<number, { key: string; description: string; example: Json }> =
  Object.fromEntries(
    rows.map(([status, key, description, message, data]) => [
      status,
      { key, description, example: exampleError(status, key, kebab(key), message, data) }
    ])
  )
