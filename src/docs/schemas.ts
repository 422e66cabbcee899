// The shape only the API documentation needs: the error body every route shares. Every other result shape is declared once, in TypeBox, in its service's `*.schema.ts`.
import { Type } from '@feathersjs/typebox'

/** `{name, message, code, className, data?}`: every error, from services and from the HTTP layer. */
export const errorSchema = Type.Object(
  {
    name: Type.String({ description: 'Feathers error class, e.g. `BadRequest`, `NotAuthenticated`' }),
    message: Type.String({ description: 'What went wrong; validation errors name the field' }),
    code: Type.Integer({ description: 'The HTTP status' }),
    className: Type.String({ description: 'kebab-case of `name`, e.g. `bad-request`' }),
    data: Type.Optional(
      Type.Unknown({ description: 'Details: the validation errors, `retryAfter` seconds…' })
    ),
    errors: Type.Optional(Type.Unknown())
  },
  { $id: 'Error', additionalProperties: false }
)
