// HTTP errors that @feathersjs/errors does not define, in the Feathers error shape.
import { FeathersError } from '@feathersjs/errors'

export class PayloadTooLarge extends FeathersError {
  constructor(message = 'Request body is too large', data?: unknown) {
    super(message, 'PayloadTooLarge', 413, 'payload-too-large', data)
  }
}

export class UnsupportedMediaType extends FeathersError {
  constructor(message: string, data?: unknown) {
    super(message, 'UnsupportedMediaType', 415, 'unsupported-media-type', data)
  }
}

export class RangeNotSatisfiable extends FeathersError {
  constructor(message: string, data?: unknown) {
    super(message, 'RangeNotSatisfiable', 416, 'range-not-satisfiable', data)
  }
}
